export * from './event-log.port.ts';
export { createFileEventLog, type FileEventLogOptions } from './file-event-log.ts';
export { eventLogContract, type EventLogFixture } from './event-log.contract.ts';
export { collectDeliveries, type DeliveryCollector } from './testing/delivery-collector.ts';
export { namespacedEventLog } from './namespaced-event-log.ts';
export { createKafkaEventLog, type KafkaEventLog, type KafkaEventLogOptions } from './kafka/kafka-event-log.ts';
