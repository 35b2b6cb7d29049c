export { startMetricsProbe, type MetricsProbe, type Point } from './metrics-probe.ts';
