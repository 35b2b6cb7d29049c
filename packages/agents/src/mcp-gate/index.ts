export { McpGate, type McpGateOptions } from './gate.ts';
export { GateUpstreams } from './shared.ts';
export {
  loadGateConfig, parseGateConfig, GateConfigError, DEFAULT_PENDING_BOUND_MS, DEFAULT_CALL_TIMEOUT_MS,
  type GateConfig, type UpstreamConfig as GateUpstreamConfig, type UpstreamTransport as GateUpstreamTransport, type ToolMapping as GateToolMapping,
} from './config.ts';
export { ToolNameConflict, MAX_TOOL_PAGES } from './upstreams.ts';
export { UpstreamConflict, MAX_LIST_PAGES } from './catalog.ts';
export { readActionName, readResourceName } from './resource-reads.ts';
export { toolActionName, defaultResource, renderResource, nameSegment } from './naming.ts';
export { WAIT_TOOL } from './messages.ts';
