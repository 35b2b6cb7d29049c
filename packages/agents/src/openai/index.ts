export { countersignApproval, proposeToolCall, toolCallKey, toolParams, paramsFromArguments, type ToolActionMapping, type ToolCall, type NeedsApproval } from './approval.ts';
export { resolveInterruptions, resolveInterruptionsDetailed, rejection, type ResolveOptions, type Resolution, type ApprovableState } from './resolve.ts';
