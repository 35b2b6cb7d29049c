export { startTelemetry, type Telemetry } from './telemetry.ts';
export { startActionSpan } from './action-spans.ts';
