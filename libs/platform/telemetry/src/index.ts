export { startTelemetry, type Telemetry } from './telemetry.ts';
export { startActionSpan } from './action-spans.ts';
export { escapeForLog } from './log-text.ts';
export * from './metrics/index.ts';
