export * from './event-log.port.ts';
export { createFileEventLog, type FileEventLogOptions } from './file-event-log.ts';
export { namespacedEventLog } from './namespaced-event-log.ts';
export { createKafkaEventLog, type KafkaEventLog, type KafkaEventLogOptions } from './kafka/kafka-event-log.ts';
