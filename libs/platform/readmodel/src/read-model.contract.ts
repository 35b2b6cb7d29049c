/**
 * The behaviour every ReadModelStore adapter must show (in memory, MongoDB). An adapter's test
 * calls `readModelContract('mongo', open)`; `open` gives a store. Each test uses its own
 * collections, so adapters may share one database between tests.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Collection, Doc, ReadModelStore } from './read-model.port.ts';

export interface ReadModelFixture {
  store: ReadModelStore;
  cleanup(): Promise<void>;
}

interface ActionDoc extends Doc {
  status: 'pending' | 'approved' | 'denied';
  createdAt: string;
  eligible: string[];
  decision?: { by: string; reason: string };
}

const at = (hour: number) => `2026-03-01T${String(hour).padStart(2, '0')}:00:00.000Z`;
const ACTIONS: ActionDoc[] = [
  { _id: 'act-1', status: 'pending', createdAt: at(9), eligible: ['alice', 'bob'] },
  { _id: 'act-2', status: 'approved', createdAt: at(10), eligible: ['carol'], decision: { by: 'bob', reason: 'ok' } },
  { _id: 'act-3', status: 'denied', createdAt: at(10), eligible: ['alice'], decision: { by: 'carol', reason: 'no' } },
  { _id: 'act-4', status: 'pending', createdAt: at(10), eligible: [] },
  { _id: 'act-5', status: 'approved', createdAt: at(11), eligible: ['alice'], decision: { by: 'bob', reason: 'fine' } },
  { _id: 'act-6', status: 'pending', createdAt: at(12), eligible: ['dave'] },
  { _id: 'act-7', status: 'pending', createdAt: at(12), eligible: ['alice', 'dave'] },
];
const ids = (docs: Doc[]) => docs.map((d) => d._id);

export function readModelContract(name: string, open: () => Promise<ReadModelFixture>): void {
  /** Runs a test with a fresh collection holding ACTIONS (and the store, for more). */
  async function withActions(test: (actions: Collection<ActionDoc>, store: ReadModelStore) => Promise<void>) {
    const { store, cleanup } = await open();
    try {
      const actions = store.collection<ActionDoc>(`actions-${randomUUID().slice(0, 8)}`);
      await actions.putMany(ACTIONS);
      await test(actions, store);
    } finally {
      await store.close();
      await cleanup();
    }
  }

  describe(`ReadModelStore contract: ${name}`, () => {
    it('given documents put in one batch, get returns each one; an unknown id gives undefined', () =>
      withActions(async (actions) => {
        for (const doc of ACTIONS) assert.deepEqual(await actions.get(doc._id), doc);
        assert.equal(await actions.get('act-unknown'), undefined);
      }));

    it('putMany replaces whole documents: fields missing from the new version are gone', () =>
      withActions(async (actions) => {
        await actions.putMany([{ _id: 'act-2', status: 'pending', createdAt: at(10), eligible: ['erin'] }]);
        assert.deepEqual(await actions.get('act-2'), { _id: 'act-2', status: 'pending', createdAt: at(10), eligible: ['erin'] });
        assert.equal(await actions.count({}), ACTIONS.length);
      }));

    it('find matches equality and $in', () =>
      withActions(async (actions) => {
        const sort = { _id: 1 } as const;
        assert.deepEqual(ids(await actions.find({ status: 'pending' }, { sort })), ['act-1', 'act-4', 'act-6', 'act-7']);
        assert.deepEqual(ids(await actions.find({ status: { $in: ['approved', 'denied'] } }, { sort })), ['act-2', 'act-3', 'act-5']);
        assert.deepEqual(ids(await actions.find({ _id: { $in: ['act-7', 'act-1', 'act-none'] } }, { sort })), ['act-1', 'act-7']);
      }));

    it('find compares ISO timestamps with $gte and $lt', () =>
      withActions(async (actions) => {
        const found = await actions.find({ createdAt: { $gte: at(10), $lt: at(12) } }, { sort: { _id: 1 } });
        assert.deepEqual(ids(found), ['act-2', 'act-3', 'act-4', 'act-5']);
      }));

    it('a value matches documents whose array field contains it', () =>
      withActions(async (actions) => {
        assert.deepEqual(ids(await actions.find({ eligible: 'alice' }, { sort: { _id: 1 } })), ['act-1', 'act-3', 'act-5', 'act-7']);
        assert.deepEqual(ids(await actions.find({ status: 'pending', eligible: 'dave' }, { sort: { _id: 1 } })), ['act-6', 'act-7']);
      }));

    it('a dotted path matches a nested field', () =>
      withActions(async (actions) => {
        assert.deepEqual(ids(await actions.find({ 'decision.by': 'bob' }, { sort: { _id: 1 } })), ['act-2', 'act-5']);
      }));

    it('sort by two keys with a limit pages through everything with a ($lt, tie-break) cursor', () =>
      withActions(async (actions) => {
        const sort = { createdAt: -1, _id: -1 } as const;
        const pages: string[][] = [];
        let cursor: ActionDoc | undefined;
        do {
          const filter = cursor
            ? { $or: [{ createdAt: { $lt: cursor.createdAt } }, { createdAt: cursor.createdAt, _id: { $lt: cursor._id } }] }
            : {};
          const page = await actions.find(filter, { sort, limit: 3 });
          if (page.length > 0) pages.push(ids(page));
          cursor = page.length === 3 ? page[2] : undefined;
        } while (cursor);
        assert.deepEqual(pages, [['act-7', 'act-6', 'act-5'], ['act-4', 'act-3', 'act-2'], ['act-1']]);
      }));

    it('count counts matching documents', () =>
      withActions(async (actions) => {
        assert.equal(await actions.count({}), 7);
        assert.equal(await actions.count({ status: 'pending', eligible: 'alice' }), 2);
        assert.equal(await actions.count({ status: 'cancelled' }), 0);
      }));

    it('drop empties one collection and leaves the others alone', () =>
      withActions(async (actions, store) => {
        const other = store.collection(`other-${randomUUID().slice(0, 8)}`);
        await other.putMany([{ _id: 'act-1', note: 'same id, other collection' }]);
        await actions.drop();
        assert.equal(await actions.count({}), 0);
        assert.equal(await actions.get('act-1'), undefined);
        assert.deepEqual(await other.get('act-1'), { _id: 'act-1', note: 'same id, other collection' });
        await actions.putMany([ACTIONS[0]]);
        assert.deepEqual(ids(await actions.find({})), ['act-1']);
      }));

    it('find by `_id` $in returns the named documents that exist, each once, and applies the rest of the filter', () =>
      withActions(async (actions) => {
        const named = { _id: { $in: ['act-7', 'act-1', 'act-none', 'act-1', 'act-2'] } };
        assert.deepEqual(ids(await actions.find(named, { sort: { _id: 1 } })), ['act-1', 'act-2', 'act-7']);
        assert.deepEqual(ids(await actions.find({ ...named, status: 'pending' }, { sort: { _id: -1 } })), ['act-7', 'act-1']);
        assert.equal(await actions.count(named), 3);
        // Unsorted (the projector's and the quota's reads): the same documents, each once.
        assert.deepEqual(ids(await actions.find(named)).sort(), ['act-1', 'act-2', 'act-7']);
        assert.deepEqual(ids(await actions.find({ ...named, status: 'pending' })).sort(), ['act-1', 'act-7']);
        assert.equal((await actions.find(named, { limit: 2 })).length, 2);
        assert.deepEqual(await actions.find({ _id: { $in: [] } }), []);
      }));

    describe('versioned putMany (the projector\'s bulk path)', () => {
      const view = (id: string, lastSeq: number, status = `at-${lastSeq}`) => ({ _id: id, lastSeq, status });
      /** A fresh collection of versioned views, with `setup` put first. */
      async function withViews(setup: ReturnType<typeof view>[], test: (views: Collection<ReturnType<typeof view>>) => Promise<void>) {
        const { store, cleanup } = await open();
        try {
          const views = store.collection<ReturnType<typeof view>>(`views-${randomUUID().slice(0, 8)}`);
          if (setup.length > 0) await views.putMany(setup, { versionField: 'lastSeq' });
          await test(views);
        } finally {
          await store.close();
          await cleanup();
        }
      }
      const all = async (views: Collection<ReturnType<typeof view>>) => (await views.find({}, { sort: { _id: 1 } })).map((d) => [d._id, d.lastSeq, d.status]);

      it('in one batch: new documents are inserted, newer versions replace, older and equal ones change nothing', () =>
        withViews([view('a', 3), view('b', 3), view('c', 3)], async (views) => {
          await views.putMany([view('a', 4), view('b', 2, 'stale'), view('c', 3, 'same seq'), view('d', 1)], { versionField: 'lastSeq' });
          assert.deepEqual(await all(views), [['a', 4, 'at-4'], ['b', 3, 'at-3'], ['c', 3, 'at-3'], ['d', 1, 'at-1']]);
        }));

      it('a redelivered batch changes nothing, and neither does an older batch arriving after a newer one', () =>
        withViews([], async (views) => {
          const first = [view('a', 1), view('b', 1)];
          const second = [view('a', 3), view('b', 2), view('c', 1)];
          await views.putMany(first, { versionField: 'lastSeq' });
          await views.putMany(second, { versionField: 'lastSeq' });
          const after = await all(views);
          await views.putMany(second, { versionField: 'lastSeq' });
          await views.putMany(first, { versionField: 'lastSeq' });
          await views.putMany([view('a', 2, 'late'), view('c', 1, 'duplicate')], { versionField: 'lastSeq' });
          assert.deepEqual(await all(views), after);
          assert.deepEqual(after, [['a', 3, 'at-3'], ['b', 2, 'at-2'], ['c', 1, 'at-1']]);
        }));

      it('of several versions of one id in a batch, the highest wins wherever it stands', () =>
        withViews([view('a', 1)], async (views) => {
          await views.putMany([view('a', 5), view('a', 2), view('b', 7), view('b', 9), view('b', 8)], { versionField: 'lastSeq' });
          assert.deepEqual(await all(views), [['a', 5, 'at-5'], ['b', 9, 'at-9']]);
        }));

      it('given 120 stored documents, a batch of newer, older and new ones in any order writes exactly the newer and the new', () =>
        withViews(Array.from({ length: 120 }, (_, i) => view(`v${String(i).padStart(3, '0')}`, 10)), async (views) => {
          const batch = Array.from({ length: 160 }, (_, i) => view(`v${String(i).padStart(3, '0')}`, i % 2 === 0 ? 11 : 9));
          await views.putMany(batch.reverse(), { versionField: 'lastSeq' });
          const stored = await all(views);
          assert.equal(stored.length, 160);
          for (const [id, seq] of stored) {
            const i = Number(String(id).slice(1));
            assert.equal(seq, i % 2 === 0 ? 11 : i < 120 ? 10 : 9, `${id}`);
          }
        }));

      it('given a document without a numeric version, the whole batch is refused and nothing is written', () =>
        withViews([view('a', 1)], async (views) => {
          await assert.rejects(views.putMany([view('a', 2), { _id: 'b', status: 'x' } as never], { versionField: 'lastSeq' }), TypeError);
          await assert.rejects(views.putMany([{ _id: 'c', lastSeq: '3', status: 'x' } as never], { versionField: 'lastSeq' }), TypeError);
          assert.deepEqual(await all(views), [['a', 1, 'at-1']]);
        }));
    });

    it('documents are copies: changing what was put or returned changes nothing stored', () =>
      withActions(async (actions) => {
        const input: ActionDoc = { _id: 'act-8', status: 'pending', createdAt: at(13), eligible: ['bob'] };
        await actions.putMany([input]);
        input.eligible.push('mallory');
        const got = (await actions.get('act-8')) as ActionDoc;
        got.eligible.push('mallory');
        const [found] = await actions.find({ _id: 'act-8' });
        found.status = 'approved';
        assert.deepEqual(await actions.get('act-8'), { _id: 'act-8', status: 'pending', createdAt: at(13), eligible: ['bob'] });
      }));
  });
}
