export { EventLogServer, type EventLogServerOptions } from './event-log-server.ts';
export { LogContext } from './log-context.ts';
export {
  OnDeadLetter, OnLogBatch, OnLogMessage, OnPartitionsAssigned, OnPartitionsRevoked,
  type ConsumerOptions, type DeadLettered, type LogMessage, type ServerFacts, type StartAt,
} from './log-patterns.ts';
export { DEFAULT_RETRY_BOUNDS, type RetryBounds } from './consumer-group.ts';
export { DEFAULT_HEALTH_BOUNDS, type HealthBounds } from './consumer-health.ts';
export { RethrowFilter } from './rethrow.filter.ts';
export { isTransient, UnavailableError, UnprocessableMessage } from './transient-errors.ts';
