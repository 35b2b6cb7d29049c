import { Controller, Get, Inject, Query, UseGuards } from '@nestjs/common';
import { COLLECTIONS, findCheckpoints, latestCheckpoint, presentCheckpoint, type SignedCheckpointDoc } from '@countersign/audit';
import { readsAll } from '@countersign/identity';
import type { ReadModelStore } from '@countersign/readmodel';
import { ApiKeyGuard, CurrentCaller, type Caller } from './auth.ts';
import { READ_MODELS } from './infrastructure.ts';
import { Problem } from './problem.ts';
import { checker, emptyQuery } from './request-schemas.ts';

/** Checkpoint documents can be large (their changed heads), so pages are small: at most 100. */
const DEFAULT_LIMIT = 20;

const checkpointsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    after: { type: 'string', pattern: '^(?:0|[1-9]\\d{0,14})$' },
    limit: { type: 'string', pattern: '^(?:[1-9]\\d?|100)$' },
  },
} as const;
const parseList = checker<{ after?: string; limit?: string }>(checkpointsQuery, 'query');
const parseEmpty = checker<Record<string, never>>(emptyQuery, 'query');

/**
 * The signed checkpoints (ADR 0007) as the projector stored them, for auditors: each with its
 * compact JWS, which verifies offline under `/.well-known/jwks.json`. Readers of the audit trail
 * (auditors, admins) only, like `GET /v1/audit`.
 */
@Controller('v1/audit/checkpoints')
@UseGuards(ApiKeyGuard)
export class CheckpointsController {
  constructor(@Inject(READ_MODELS) private readonly store: ReadModelStore) {}

  /** `?after=N&limit=L`: checkpoints numbered after N, ascending; `nextAfter` continues, null on the last page. */
  @Get()
  async list(@CurrentCaller() caller: Caller, @Query() rawQuery: unknown) {
    mayRead(caller);
    const q = parseList(rawQuery);
    const page = await findCheckpoints(this.rows(), { after: Number(q.after ?? 0), limit: Number(q.limit ?? DEFAULT_LIMIT) });
    return { items: page.rows.map(presentCheckpoint), nextAfter: page.next ?? null };
  }

  @Get('latest')
  async latest(@CurrentCaller() caller: Caller, @Query() rawQuery: unknown) {
    mayRead(caller);
    parseEmpty(rawQuery);
    const doc = await latestCheckpoint(this.rows());
    if (!doc) throw new Problem(404, 'no-checkpoint', 'No checkpoint yet.', 'No signed checkpoint has been stored yet: the first comes at the checkpoint interval, or ask for one with POST /v1/audit/checkpoints.');
    return presentCheckpoint(doc);
  }

  private rows() {
    return this.store.collection<SignedCheckpointDoc>(COLLECTIONS.signedCheckpoints);
  }
}

function mayRead(caller: Caller): void {
  if (!readsAll(caller.principal)) {
    throw new Problem(403, 'forbidden', 'Reading checkpoints needs the auditor or admin role.', `${caller.principal.id} has neither role.`);
  }
}
