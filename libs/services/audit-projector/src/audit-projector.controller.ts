import { Controller, Inject, Logger } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { CHECKPOINT_STREAM_ID, TOPICS, type ActionEvent, type CheckpointKeys, type CheckpointSignedEvent, type IntegrityMismatchDetected } from '@countersign/contracts';
import { OnLogBatch, type ConsumerOptions, type LogContext, type LogMessage } from '@countersign/messaging';
import { READ_MODEL_STORE, type ReadModelStore } from '@countersign/readmodel';
import { CHECKPOINT_KEYS, CLOCK, type CheckpointKeySet, type Clock } from '@countersign/runtime';
import { escapeForLog, recordIntegrityMismatch } from '@countersign/telemetry';
import { CHECKPOINT_PROJECTOR_GROUP, CheckpointProjector } from './checkpoint-projector.ts';
import { PROJECTOR_GROUP, Projector } from './projector.ts';

/**
 * A store that forgets on restart (the embedded default's memory) is rebuilt from the first
 * record, and the process is ready once the backlog present at start is projected.
 */
export const PROJECTOR_CONSUMER: ConsumerOptions = {
  group: PROJECTOR_GROUP,
  topic: TOPICS.events,
  start: (facts) => (facts.storeDurable ? 'committed' : 'beginning'),
  readyWhenCaughtUp: (facts) => !facts.storeDurable,
};

/** The signed checkpoints (ADR 0007), stored like the events: from the first when the store forgets. */
export const CHECKPOINT_PROJECTOR_CONSUMER: ConsumerOptions = { ...PROJECTOR_CONSUMER, group: CHECKPOINT_PROJECTOR_GROUP, topic: TOPICS.checkpoints };

/** The public half of the checkpoint keys, as readCheckpoint takes them; undefined when the process has none. */
export function checkpointVerifyKeys(set: CheckpointKeySet | null | undefined): CheckpointKeys | undefined {
  return set ? new Map(set.keys.map((k) => [k.kid, { publicKey: k.publicKey, notBefore: k.notBefore, ...(k.notAfter ? { notAfter: k.notAfter } : {}) }])) : undefined;
}

/**
 * Projects every event into the read models: actions (current state + timeline), audit entries
 * and the raw chain per action. Idempotent by (streamId, seq), one bulk write per collection.
 * Stores the signed checkpoints too, and checks the log against them as it goes: what does not
 * match is raised (IntegrityMismatchDetected on the security topic, a metric, a warning), and
 * projecting never stops for it.
 */
@Controller()
export class AuditProjectorController {
  private readonly logger = new Logger('audit-projector');
  private readonly projector: Projector;
  private readonly checkpoints: CheckpointProjector;

  constructor(
    @Inject(READ_MODEL_STORE) store: ReadModelStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CHECKPOINT_KEYS) keySet: CheckpointKeySet | null,
  ) {
    const now = () => clock.now();
    this.projector = new Projector({ store, now, warn: (message) => this.logger.warn(message) });
    const keys = checkpointVerifyKeys(keySet);
    if (!keys) this.logger.warn('no checkpoint keys: checkpoints are stored without their signatures checked');
    this.checkpoints = new CheckpointProjector({ store, now, ...(keys ? { keys } : {}) });
  }

  @OnLogBatch(PROJECTOR_CONSUMER)
  async project(@Payload() messages: LogMessage<ActionEvent>[], @Ctx() context: LogContext): Promise<void> {
    const links = await this.projector.projectEvents(messages.map((m) => m.message), messages.map((m) => m.record));
    const alerts = links.map((m): IntegrityMismatchDetected => ({ type: 'IntegrityMismatchDetected', at: this.clock.now().toISOString(), ...m, detectedBy: PROJECTOR_GROUP }));
    // Checkpoints that were ahead of projection may be checkable now.
    this.raise([...alerts, ...await this.checkpoints.recheck()], context);
  }

  @OnLogBatch(CHECKPOINT_PROJECTOR_CONSUMER)
  async storeCheckpoints(@Payload() messages: LogMessage<CheckpointSignedEvent>[], @Ctx() context: LogContext): Promise<void> {
    this.raise(await this.checkpoints.project(messages.map((m) => m.message)), context);
  }

  /** Appended with the batch's commit; counted and logged once committed. */
  private raise(alerts: IntegrityMismatchDetected[], context: LogContext): void {
    if (alerts.length === 0) return;
    context.append(TOPICS.security, alerts.map((a) => ({ key: a.streamId ?? CHECKPOINT_STREAM_ID, value: a })));
    context.afterCommit(() => {
      for (const a of alerts) {
        recordIntegrityMismatch(a.kind);
        const where = [a.checkpoint === undefined ? '' : `checkpoint ${a.checkpoint}`, a.streamId === undefined ? '' : `${a.streamId} #${a.seq}`].filter(Boolean).join(', ');
        this.logger.warn(`integrity mismatch (${a.kind}) ${escapeForLog(where)}: ${escapeForLog(a.detail)}`);
      }
    });
  }
}
