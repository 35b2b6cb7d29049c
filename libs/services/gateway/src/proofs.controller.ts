import { Controller, Get, Inject, Logger, Param, Query, UseGuards } from '@nestjs/common';
import {
  buildActionProof, COLLECTIONS, CommittedHeadsMismatch, CommittedTrees, latestCheckpoint, MissingCheckpoint, signedCheckpointId,
  type SignedCheckpointDoc, type StoredEvent,
} from '@countersign/audit';
import { verifyActionProof, type CheckpointKeys } from '@countersign/contracts';
import type { ReadModelStore } from '@countersign/readmodel';
import { CHECKPOINT_KEYS, CLOCK, type CheckpointKeySet, type Clock } from '@countersign/runtime';
import { escapeForLog } from '@countersign/telemetry';
import { ActionWaiter } from './action-waiter.ts';
import { ApiKeyGuard, CurrentCaller, type Caller } from './auth.ts';
import { READ_MODELS } from './infrastructure.ts';
import { Problem, UNAVAILABLE_RETRY_AFTER_SECONDS } from './problem.ts';
import { checker, emptyQuery } from './request-schemas.ts';
import { visibleAction } from './visibility.ts';

const parseEmpty = checker<Record<string, never>>(emptyQuery, 'query');

/**
 * `GET /v1/actions/:id/proof`: the action's inclusion proof under the latest signed checkpoint
 * (ADR 0007), which an auditor checks offline with the public keys alone (verifyActionProof).
 * Readable by whoever may read the action's events; 404 exactly as `GET /v1/actions/:id` for an
 * action the caller cannot see. Every proof is verified here before it is handed out.
 */
@Controller('v1/actions')
@UseGuards(ApiKeyGuard)
export class ProofsController {
  private readonly logger = new Logger('gateway');
  /** One tree at a time: the latest checkpoint's, kept until a newer checkpoint is stored. */
  private readonly trees: CommittedTrees;
  private readonly keys?: CheckpointKeys;

  constructor(
    @Inject(ActionWaiter) private readonly waiter: ActionWaiter,
    @Inject(READ_MODELS) private readonly store: ReadModelStore,
    @Inject(CHECKPOINT_KEYS) keySet: CheckpointKeySet | null,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.trees = new CommittedTrees(this.checkpoints());
    if (keySet) this.keys = new Map(keySet.keys.map((k) => [k.kid, { publicKey: k.publicKey, notBefore: k.notBefore, ...(k.notAfter ? { notAfter: k.notAfter } : {}) }]));
  }

  @Get(':id/proof')
  async proof(@CurrentCaller() caller: Caller, @Param('id') id: string, @Query() rawQuery: unknown) {
    parseEmpty(rawQuery);
    await visibleAction(this.waiter, caller, id);
    const latest = await latestCheckpoint(this.checkpoints());
    if (!latest) throw await this.notYet(id, undefined, 'no checkpoint has been signed yet');
    const committed = await this.trees.at(latest).catch((error: unknown) => {
      throw this.unprovable(error);
    });
    const outcome = await buildActionProof(committed, this.store.collection<StoredEvent>(COLLECTIONS.events), id);
    if (!outcome.ok) throw await this.notYet(id, committed.checkpoint, outcome.detail);
    if (!this.keys) throw new Problem(503, 'checkpoint-keys-unavailable', 'This gateway has no checkpoint keys.', 'The proof cannot be checked before it is handed out: start the gateway with the checkpoint key file (COUNTERSIGN_CHECKPOINT_KEYS).');
    const check = await verifyActionProof(outcome.proof, this.keys);
    if (!check.ok) {
      this.logger.warn(`proof of ${escapeForLog(id)} under checkpoint ${committed.checkpoint.number} does not verify (${check.problem}): ${escapeForLog(check.detail)}`);
      throw new Problem(500, 'proof-invalid', 'The proof does not verify.', `The read models do not agree with checkpoint ${committed.checkpoint.number} (${check.problem}); operators are told (the projector raises integrity mismatches).`);
    }
    const { checkpoint } = committed;
    return { actionId: id, covered: { checkpoint: checkpoint.number, at: checkpoint.at, seq: outcome.head.seq, hash: outcome.head.hash }, ...outcome.proof };
  }

  /** 409: the action is newer than the latest checkpoint (or the read models have not caught up with it). */
  private async notYet(id: string, latest: SignedCheckpointDoc | undefined, why: string): Promise<Problem> {
    const seconds = await this.retryAfter(latest);
    return new Problem(409, 'proof-not-yet', 'No checkpoint covers this action yet.',
      `${why}; a checkpoint comes at the checkpoint interval (or on POST /v1/audit/checkpoints). Retry in ${seconds} s.`,
      undefined, { actionId: id, latestCheckpoint: latest?.number ?? null, retryAfterSeconds: seconds }, { 'Retry-After': String(seconds) });
  }

  /**
   * Checkpoints come about one interval apart (when anything changed), and the gateway is not told
   * the interval: the gap between the last two stands for it, from 1 s to a minute.
   */
  private async retryAfter(latest: SignedCheckpointDoc | undefined): Promise<number> {
    if (!latest || latest.number < 2) return UNAVAILABLE_RETRY_AFTER_SECONDS;
    const before = await this.checkpoints().get(signedCheckpointId(latest.number - 1));
    if (!before) return UNAVAILABLE_RETRY_AFTER_SECONDS;
    const gapMs = Date.parse(latest.at) - Date.parse(before.at);
    const dueMs = Date.parse(latest.at) + gapMs - this.clock.now().getTime();
    return Math.min(60, Math.max(1, Math.ceil((Number.isFinite(dueMs) ? dueMs : gapMs) / 1000)));
  }

  /** What a failed build of the tree becomes: a 503 for what a later try may fix, anything else as it is. */
  private unprovable(error: unknown): unknown {
    if (error instanceof MissingCheckpoint || error instanceof CommittedHeadsMismatch) {
      this.logger.warn(`no proofs: ${escapeForLog(error.message)}`);
      return new Problem(503, 'proof-unavailable', 'Proofs cannot be built now.', `${error.message}. Nothing was changed; retry later.`,
        undefined, {}, { 'Retry-After': String(UNAVAILABLE_RETRY_AFTER_SECONDS) });
    }
    return error;
  }

  private checkpoints() {
    return this.store.collection<SignedCheckpointDoc>(COLLECTIONS.signedCheckpoints);
  }
}
