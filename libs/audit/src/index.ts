export * from './action-view.ts';
export * from './audit-entry.ts';
export * from './projection.ts';
export * from './collections.ts';
