export { METRICS, instruments, type Instruments } from './instruments.ts';
export { RouterMetrics, timeProposalAnswer, PROPOSALS_REMEMBERED, type CommandFacts, type EventFacts, type Shape } from './action-metrics.ts';
export { ConsumerLagGauge, ConsumerMetrics, timeBatchCommit, type DeadLetterReason, type FailureType, type PartitionLag } from './consumer-metrics.ts';
export { channelKind, httpMetricsMiddleware, recordDelivery, routeOf, statusClass } from './edge-metrics.ts';
export { startMetrics, type Metrics, type MetricsOptions } from './metrics-sdk.ts';
export { recordCheckpointsSigned, type CheckpointReason } from './checkpoint-metrics.ts';
export { recordIntegrityMismatch } from './audit-metrics.ts';
