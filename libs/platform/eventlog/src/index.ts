export * from './event-log.port.ts';
export { createFileEventLog, type FileEventLogOptions } from './file-event-log.ts';
export { namespacedEventLog } from './namespaced-event-log.ts';
export { createKafkaEventLog, type KafkaEventLog, type KafkaEventLogOptions } from './kafka/kafka-event-log.ts';
export { inspectLog, type LogReport, type TopicReport } from './log-inspection.ts';
export type { TopicVerdict, TornTail, Refusal, Acknowledged } from './topic-verdict.ts';
export type { CheckpointState } from './checkpoint-check.ts';
export { FILE_LOG_FAULTS, type FileLogFault } from './file-log-fault.ts';
export { readTopicRecords } from './topic-records.ts';
