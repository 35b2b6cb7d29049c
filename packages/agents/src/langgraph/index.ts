export { requireApproval, type ApprovalSpec, type RequireApprovalOptions, type ApprovalInterrupt, type ApprovedAction } from './approval.ts';
export { approvalNode, type ApprovalNodeOptions, type NotApproved } from './node.ts';
