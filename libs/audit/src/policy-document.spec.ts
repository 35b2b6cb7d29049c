import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ActionEvent } from '@countersign/contracts';
import { activePolicy, activePolicyVersion, projectPolicies, projectPolicy, type PolicyDocument, type PolicyPublishedEvent } from './policy-document.ts';
import { policyVersion, publishStream } from './testing/streams.ts';

const T0 = Date.UTC(2026, 0, 1);
const HOUR = 3_600_000;
const published = (events: ActionEvent[]) => events.at(-1) as PolicyPublishedEvent;
const v1 = policyVersion('v1 rules');
const v2 = policyVersion('v2 rules');

/** v1 published, then v2, then v1 again as a rollback of v2. */
const history = () => [
  publishStream('v1 rules', { streamId: 'pub-1', startMs: T0 }),
  publishStream('v2 rules', { streamId: 'pub-2', startMs: T0 + HOUR, previous: v1, author: 'erin', approvers: ['bob', 'carol'] }),
  publishStream('v1 rules', { streamId: 'pub-3', startMs: T0 + 2 * HOUR, previous: v2, rollbackOf: v2, author: 'bob', approvers: ['alice'] }),
];

async function projectAll(streams: ActionEvent[][], store = new Map<string, PolicyDocument>()) {
  const changed = await projectPolicies(streams.flat(), async (v) => store.get(v));
  for (const doc of changed) store.set(doc._id, doc);
  return { store, changed };
}

describe('policies read model', () => {
  it('given a publication, the document is the version with its files, who wrote and approved it, and when', () => {
    const event = published(publishStream('v1 rules', { streamId: 'pub-1', startMs: T0 }));
    const doc = projectPolicy(undefined, event);
    assert.deepEqual(doc, {
      _id: v1, version: v1, files: [{ path: 'policies/main.yaml', text: 'v1 rules' }],
      actionId: 'pub-1', eventId: event.id, publishedAt: event.occurredAt, author: 'alice', approvers: ['bob'],
      publications: [{ actionId: 'pub-1', eventId: event.id, publishedAt: event.occurredAt, author: 'alice', approvers: ['bob'] }],
    });
  });

  it('given a rollback that publishes an earlier version again, that version keeps one document listing both publications', async () => {
    const [first, , rollback] = history();
    const { store } = await projectAll(history());
    assert.equal(store.size, 2);
    const doc = store.get(v1)!;
    assert.deepEqual(doc.publications.map((p) => [p.actionId, p.rollbackOf]), [['pub-1', undefined], ['pub-3', v2]]);
    assert.equal(doc.publishedAt, published(rollback).occurredAt);
    assert.deepEqual([doc.actionId, doc.author, doc.approvers, doc.rollbackOf, doc.previousVersion], ['pub-3', 'bob', ['alice'], v2, v2]);
    assert.equal(doc.publications[0].publishedAt, published(first).occurredAt);
    assert.equal(store.get(v2)!.previousVersion, v1);
  });

  it('when a publication is delivered again, nothing changes and nothing is listed twice', async () => {
    const { store } = await projectAll(history());
    const before = structuredClone([...store.values()]);
    const again = await projectAll(history(), store);
    assert.deepEqual(again.changed, []);
    assert.deepEqual([...store.values()], before);
    const doc = store.get(v1)!;
    assert.equal(projectPolicy(doc, published(history()[0])), doc);
  });

  it('when publications arrive out of order, the latest one still describes the document', async () => {
    const [first, , rollback] = history();
    const { store } = await projectAll([rollback, first]);
    const doc = store.get(v1)!;
    assert.deepEqual(doc.publications.map((p) => p.actionId), ['pub-1', 'pub-3']);
    assert.equal(doc.actionId, 'pub-3');
  });

  it('the active version is the one published last, by publishedAt then event id', async () => {
    assert.equal(activePolicyVersion([]), undefined);
    const streams = history();
    const twoSteps = await projectAll(streams.slice(0, 2));
    assert.equal(activePolicyVersion([...twoSteps.store.values()]), v2);
    const all = await projectAll(streams);
    assert.equal(activePolicyVersion([...all.store.values()]), v1);
    assert.equal(activePolicy([...all.store.values()])?.rollbackOf, v2);
    const tie = (id: string, version: string) => ({ ...all.store.get(v1)!, _id: version, version, publishedAt: 'same', eventId: id });
    assert.equal(activePolicyVersion([tie('evt-b', 'b'), tie('evt-a', 'a')]), 'b');
  });
});
