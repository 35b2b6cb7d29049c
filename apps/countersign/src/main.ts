/**
 * Countersign in one process: the five services together. On the embedded default (no
 * configuration) that is an append-only file log under COUNTERSIGN_DATA_DIR and in-memory read
 * models rebuilt from it at start; COUNTERSIGN_KAFKA_BROKERS / COUNTERSIGN_MONGO_URL switch adapters.
 */
import { ALL_SERVICES, runServices } from '@countersign/shell';

await runServices('countersign', ALL_SERVICES);
