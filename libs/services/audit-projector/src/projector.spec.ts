import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { activePolicyVersion, COLLECTIONS, type ActionView, type PolicyDocument } from '@countersign/audit';
import { contentHash, sealEvents, TOPICS, type ActionEvent, type DomainEventBody } from '@countersign/contracts';
import type { DeliveredRecord } from '@countersign/eventlog';
import { createMemoryReadModelStore, type Collection, type Doc, type ReadModelStore } from '@countersign/readmodel';
import { Projector } from './projector.ts';

const T0 = Date.UTC(2026, 0, 1);
const HOUR = 3_600_000;
const router = { id: 'approval-router', kind: 'service' } as const;
const versionOf = (text: string) => contentHash([{ path: 'main.yaml', text }]);

/** An approved action of `type` by alice; a policy publication of `text` when it is the publish action. */
function actionStream(streamId: string, startMs: number, type: string, publish?: { text: string; previous?: string; rollbackOf?: string }): ActionEvent[] {
  const paramsHash = contentHash({});
  const bodies: DomainEventBody[] = [
    { type: 'ActionProposed', data: { action: type, resource: 'policy-set', params: {}, paramsHash, requestHash: contentHash(streamId), requester: { id: 'alice', kind: 'human', identities: [] } } },
    { type: 'ActionApproved', data: { rule: 'policy-changes', policyVersion: versionOf('genesis'), paramsHash, reason: 'approved by bob', automatic: false, approvers: ['bob'] } },
  ];
  if (publish) {
    const { text, previous, rollbackOf } = publish;
    bodies.push({ type: 'PolicyPublished', data: { version: versionOf(text), files: [{ path: 'main.yaml', text }], author: 'alice', approvers: ['bob'], ...(previous ? { previousVersion: previous } : {}), ...(rollbackOf ? { rollbackOf } : {}) } });
  }
  let n = 0;
  return sealEvents(bodies.map((b) => ({ ...b, actor: b.type === 'ActionProposed' ? { id: 'alice', kind: 'human' as const } : router })), {
    streamId, causationId: `cmd-${streamId}`, correlationId: streamId, now: () => new Date(startMs + 1000 * n++), newId: () => `evt-${streamId}-${n}`,
  }) as ActionEvent[];
}

const delivered = (events: ActionEvent[]): DeliveredRecord[] =>
  events.map((e, i) => ({ topic: TOPICS.events, key: e.streamId, partition: 0, offset: String(i), raw: JSON.stringify(e), value: e }));

/** A store whose actions collection fails its next write: the projector stopped between writes. */
function failingActionsOnce(store: ReadModelStore): ReadModelStore {
  let fail = true;
  return {
    durable: store.durable,
    close: () => store.close(),
    collection<T extends Doc = Doc>(name: string): Collection<T> {
      const inner = store.collection<T>(name);
      if (name !== COLLECTIONS.actions) return inner;
      return { ...inner, putMany: async (docs, options) => { if (fail) { fail = false; throw new Error('connection lost'); } await inner.putMany(docs, options); } };
    },
  };
}

function setup(wrap = (s: ReadModelStore) => s) {
  const memory = createMemoryReadModelStore();
  const projector = new Projector({ store: wrap(memory), now: () => new Date(T0), warn: () => {} });
  const policies = () => memory.collection<PolicyDocument>(COLLECTIONS.policies).find({}, { sort: { publishedAt: 1, eventId: 1 } });
  return { memory, projector, policies };
}

describe('projector: the policies read model', () => {
  const v1 = versionOf('v1');
  const v2 = versionOf('v2');
  const streams = [
    actionStream('pub-1', T0, 'countersign.policy.publish', { text: 'v1' }),
    actionStream('pub-2', T0 + HOUR, 'countersign.policy.publish', { text: 'v2', previous: v1 }),
    actionStream('pub-3', T0 + 2 * HOUR, 'countersign.policy.publish', { text: 'v1', previous: v2, rollbackOf: v2 }),
  ];

  it('given publications and a rollback, one document per version, the rollback listed under the version it restored', async () => {
    const { projector, policies, memory } = setup();
    assert.deepEqual(await projector.project(delivered(streams.flat())), []);
    const docs = await policies();
    assert.deepEqual(docs.map((d) => [d._id, d.publications.map((p) => p.actionId)]), [[v2, ['pub-2']], [v1, ['pub-1', 'pub-3']]]);
    assert.equal(activePolicyVersion(docs), v1);
    const action = await memory.collection<ActionView>(COLLECTIONS.actions).get('pub-3');
    assert.deepEqual(action?.policyPublished, { version: v1, previousVersion: v2, rollbackOf: v2 });
  });

  it('when the log redelivers overlapping batches, no publication is listed twice', async () => {
    const { projector, policies } = setup();
    const records = delivered(streams.flat());
    await projector.project(records.slice(0, 6));
    await projector.project(records);
    await projector.project(records.slice(3));
    assert.deepEqual((await policies()).map((d) => d.publications.length), [1, 2]);
  });

  it('when the projector stopped after writing policies but before the actions, the redelivery lists nothing twice', async () => {
    const { projector, policies } = setup(failingActionsOnce);
    const records = delivered(streams.flat());
    await assert.rejects(projector.project(records), /connection lost/);
    await projector.project(records);
    const docs = await policies();
    assert.deepEqual(docs.map((d) => d.publications.map((p) => p.actionId)), [['pub-2'], ['pub-1', 'pub-3']]);
  });

  it('a rebuild from offset 0 after dropping everything gives the same documents', async () => {
    const { projector, policies } = setup();
    await projector.project(delivered(streams.flat()));
    const before = await policies();
    await projector.dropAll();
    assert.deepEqual(await policies(), []);
    await projector.project(delivered(streams.flat()));
    assert.deepEqual(await policies(), before);
  });

  it('other actions write no policy document', async () => {
    const { projector, policies } = setup();
    await projector.project(delivered(actionStream('act-x', T0, 'data.read')));
    assert.deepEqual(await policies(), []);
  });
});
