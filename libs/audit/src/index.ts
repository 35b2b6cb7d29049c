export * from './action-view.ts';
export * from './approval-view.ts';
export * from './notification-view.ts';
export * from './audit-entry.ts';
export { summarize, shortVersion } from './audit-summary.ts';
export * from './policy-document.ts';
export * from './projection.ts';
export * from './collections.ts';
