/** The audit-projector as its own process (needs COUNTERSIGN_KAFKA_BROKERS; see docs/operations.md). */
import { runServices } from '@countersign/shell';

await runServices('countersign-audit-projector', ['audit-projector']);
