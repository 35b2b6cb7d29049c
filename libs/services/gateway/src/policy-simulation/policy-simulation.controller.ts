import { Body, Controller, HttpCode, Inject, Post, UseGuards } from '@nestjs/common';
import { COLLECTIONS, type StoredEvent } from '@countersign/audit';
import type { ActionEvent } from '@countersign/contracts';
import type { Directory } from '@countersign/identity';
import { foldHistories, formatPolicyError, HISTORY_EVENT_TYPES, loadPolicySet, selectHistories, simulate, type ActionHistory } from '@countersign/policy';
import type { ReadModelStore } from '@countersign/readmodel';
import { DIRECTORY } from '@countersign/runtime';
import { assertReadsAudit } from '../audit.controller.ts';
import { ApiKeyGuard, CurrentCaller, type Caller } from '../auth.ts';
import { READ_MODELS } from '../infrastructure.ts';
import { JsonBody } from '../json-body.ts';
import { Problem, badRequest } from '../problem.ts';
import { DEFAULT_SIMULATED_ACTIONS, parseSimulate, type SimulateBody } from './simulation-request.ts';

/**
 * `POST /v1/policies/simulate`: what a candidate policy set would have decided for recorded
 * actions, the CLI's `policy simulate` over the read models instead of the log. For auditors and
 * admins (it reads every action). Bounded: the most recent `limit` actions of the range (at most
 * 1,000), each one's proposal, evaluation and decision events. Changes nothing.
 */
@Controller('v1/policies')
@UseGuards(ApiKeyGuard)
export class PolicySimulationController {
  constructor(
    @Inject(READ_MODELS) private readonly store: ReadModelStore,
    @Inject(DIRECTORY) private readonly directory: Directory,
  ) {}

  @Post('simulate')
  @HttpCode(200)
  @JsonBody({ limit: 'policy' })
  async simulate(@CurrentCaller() caller: Caller, @Body() raw: unknown) {
    assertReadsAudit(caller.principal);
    const body = parseSimulate(raw);
    const twice = body.files.findIndex((f, i) => body.files.findIndex((g) => g.path === f.path) !== i);
    if (twice >= 0) throw badRequest([{ pointer: `/files/${twice}/path`, detail: `repeats the path ${body.files[twice].path}` }]);
    if (body.since && body.until && Date.parse(body.since) >= Date.parse(body.until)) {
      throw badRequest([{ pointer: '/until', detail: 'must be later than since' }]);
    }
    const loaded = loadPolicySet(body.files);
    if (!loaded.ok) {
      const index = new Map(body.files.map((f, i) => [f.path, i]));
      throw new Problem(422, 'invalid-policy', 'The policy files are not valid.', `${loaded.errors.length} problem(s): nothing was simulated.`,
        loaded.errors.map((e) => ({ pointer: `/files/${index.get(e.file) ?? 0}/text`, detail: formatPolicyError(e) })));
    }
    const limit = body.limit ?? DEFAULT_SIMULATED_ACTIONS;
    const { histories, more } = await this.histories(body, limit);
    const selected = selectHistories(histories, {
      ...(body.since ? { since: new Date(body.since) } : {}),
      ...(body.until ? { until: new Date(body.until) } : {}),
      ...(body.action ? { action: body.action } : {}),
    });
    const report = simulate(selected, loaded.policy, this.directory);
    // `window`: what was read; `truncated`: the range holds more actions than the budget replayed.
    return { window: { limit, actionsRead: histories.length, truncated: more }, ...report };
  }

  /** The most recent `limit` actions of the range (newest first from the index), oldest first. */
  private async histories(body: SimulateBody, limit: number): Promise<{ histories: ActionHistory[]; more: boolean }> {
    const createdAt = { ...(body.since ? { $gte: new Date(body.since).toISOString() } : {}), ...(body.until ? { $lt: new Date(body.until).toISOString() } : {}) };
    const actions = await this.store.collection(COLLECTIONS.actions)
      .find(Object.keys(createdAt).length ? { createdAt } : {}, { sort: { createdAt: -1, _id: -1 }, limit: limit + 1 });
    const ids = actions.slice(0, limit).map((a) => a._id);
    if (ids.length === 0) return { histories: [], more: false };
    const stored = await this.store.collection<StoredEvent>(COLLECTIONS.events)
      .find({ streamId: { $in: ids }, type: { $in: [...HISTORY_EVENT_TYPES] } }, { sort: { streamId: 1, seq: 1 } });
    const events = stored.map(({ _id, eventId, ...rest }) => ({ ...rest, id: eventId }) as unknown as ActionEvent);
    const histories = foldHistories(events).sort((a, b) => (a.proposedAt < b.proposedAt ? -1 : a.proposedAt > b.proposedAt ? 1 : 0));
    return { histories, more: actions.length > limit };
  }
}
