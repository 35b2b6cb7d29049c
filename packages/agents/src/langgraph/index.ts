export { requireApproval, type ApprovalSpec, type RequireApprovalOptions, type ApprovalInterrupt, type ApprovedAction } from './approval.ts';
