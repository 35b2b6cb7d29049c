export * from './approval-router.module.ts';
export { ApprovalRouter } from './approval-router.ts';
export { ApprovalRouterController, ROUTER_CONSUMER, ROUTER_GROUP } from './approval-router.controller.ts';
export { StreamTable } from './stream-table.ts';
