export * from './approval-router.module.ts';
export { ApprovalRouterService, ROUTER_GROUP } from './approval-router.service.ts';
export { StreamTable } from './stream-table.ts';
