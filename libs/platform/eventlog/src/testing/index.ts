/** Test helpers of the event log: the port's contract suite, delivery collectors, Kafka scopes. Never imported by production code. */
export { eventLogContract, type EventLogFixture } from '../event-log.contract.ts';
export { collectDeliveries, type DeliveryCollector } from './delivery-collector.ts';
export { BROKERS, KafkaScope, rawKafka, rawProducer, requireBroker, suiteScopes, unique, waitFor } from '../kafka/kafka-test-kit.ts';
export { readTopicFile, rewriteTopicFile, type StoredRecord } from './tamper-files.ts';
