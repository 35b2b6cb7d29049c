export * from './tokens.ts';
export * from './readiness.ts';
export * from './runtime.module.ts';
export * from './dead-letter.ts';
export * from './health.controller.ts';
export * from './proposal-keys.ts';
export * from './grant-keys.ts';
export * from './checkpoint-keys.ts';
