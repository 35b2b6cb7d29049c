/** The notifier as its own process (needs COUNTERSIGN_KAFKA_BROKERS; see docs/operations.md). */
import { runServices } from '@countersign/shell';

await runServices('countersign-notifier', ['notifier']);
