import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { projectAction, type ActionView } from '@countersign/audit';
import type { ActionEvent } from '@countersign/contracts';
import { approvedExport } from '../testing/action-streams.ts';
import { ActionWatch } from './action-watch.ts';
import { RecentViews } from './recent-views.ts';
import { EVENTS_PER_ACTION, RoomFull, WaitingRoom } from './waiting-room.ts';

const projected = (events: readonly ActionEvent[]) => events.reduce<ActionView | undefined>((v, e) => projectAction(v, e), undefined);
const stream = approvedExport();

/** A watch over act-1 whose read model answers `reads` in turn (the last one from then on), counting reads. */
function watched(room: WaitingRoom, reads: Array<ActionView | undefined> = []) {
  const source = { reads: 0, remembered: [] as ActionView[] };
  const watch = new ActionWatch(room.enter('act-1'), {
    view: async () => reads[Math.min(source.reads++, reads.length - 1)],
    remember: (view) => void source.remembered.push(view),
  });
  return { watch, source };
}

describe('the waiting room', () => {
  it('watches an action while a request waits on it; requests on one action share it; leaving twice counts once', () => {
    const room = new WaitingRoom(3);
    assert.equal(room.watching('act-1'), false);
    const a = room.enter('act-1');
    const b = room.enter('act-1');
    assert.equal(room.watching('act-1'), true);
    a.leave();
    a.leave();
    assert.equal(room.watching('act-1'), true);
    assert.equal(room.size, 1);
    b.leave();
    assert.equal(room.watching('act-1'), false);
    assert.equal(room.size, 0);
  });

  it('refuses a watch beyond its capacity, and registers nothing for it', () => {
    const room = new WaitingRoom(1);
    room.enter('act-1');
    assert.throws(() => room.enter('act-2'), RoomFull);
    assert.equal(room.watching('act-2'), false);
  });

  it('keeps the events of watched actions only, the latest EVENTS_PER_ACTION of each, and wakes their watches', async () => {
    const room = new WaitingRoom(2);
    const watch = room.enter('act-1');
    const woken = watch.next(60_000);
    room.deliver([...stream, ...approvedExport('act-2')]);
    await woken;
    assert.deepEqual(watch.events, stream);
    assert.equal(room.watching('act-2'), false);
    const many = Array.from({ length: EVENTS_PER_ACTION + 5 }, () => stream[0]);
    room.deliver(many);
    assert.equal(watch.events.length, EVENTS_PER_ACTION);
  });
});

describe('recent views', () => {
  it('prefers the view further along its stream, forgets ours once the read model caught up, and evicts the oldest at capacity', () => {
    const recent = new RecentViews(2);
    const early = projected(stream.slice(0, 3))!;
    const late = projected(stream)!;
    recent.remember(late);
    recent.remember(early);
    assert.equal(recent.newest('act-1', undefined), late, 'an older view never replaces a newer one');
    assert.equal(recent.newest('act-1', early), late, 'the read model lags: ours');
    assert.equal(recent.newest('act-1', late), late);
    assert.equal(recent.size, 0, 'the read model caught up: forgotten');
    for (const id of ['a', 'b', 'c']) recent.remember({ ...late, _id: id });
    assert.equal(recent.size, 2);
    assert.equal(recent.newest('a', undefined), undefined, 'the oldest went first');
  });
});

describe('an answer from the watch', () => {
  it('answers a proposal from the log alone, however the events are delivered, without reading the read model', async () => {
    const room = new WaitingRoom(1);
    const { watch, source } = watched(room);
    const answer = watch.proposal(60_000);
    room.deliver(stream.slice(0, 1));
    room.deliver(stream.slice(1, 3));
    assert.deepEqual(await answer, projected(stream.slice(0, 3)));
    assert.equal(source.reads, 0);
    assert.equal(source.remembered.length, 1, 'remembered for the reads that follow');
  });

  it('answers a command with the read model\'s view continued by the events it caused', async () => {
    const room = new WaitingRoom(1);
    const { watch } = watched(room, [projected(stream.slice(0, 4))]);
    const answer = watch.answer('cmd-bob', 60_000);
    room.deliver(stream.slice(4));
    assert.deepEqual(await answer, { kind: 'done', view: projected(stream) });
  });

  it('answers a refused command as rejected, with the router\'s code and reason', async () => {
    const room = new WaitingRoom(1);
    const { watch } = watched(room, [projected(stream.slice(0, 3))]);
    const answer = watch.answer('cmd-self', 60_000);
    room.deliver(stream.slice(3, 4));
    const got = await answer;
    assert.equal(got.kind, 'rejected');
    assert.equal(got.kind === 'rejected' && got.code, 'self_approval');
    assert.deepEqual(got.view, projected(stream.slice(0, 4)));
  });

  it('waits for a read model that is behind the events, then answers with its view continued', async () => {
    const room = new WaitingRoom(1);
    // The first read is two events behind what the follower saw; the next ones have caught up.
    const { watch, source } = watched(room, [projected(stream.slice(0, 2)), projected(stream.slice(0, 4))]);
    const answer = watch.answer('cmd-bob', 60_000);
    room.deliver(stream.slice(4));
    assert.deepEqual(await answer, { kind: 'done', view: projected(stream) });
    assert.ok(source.reads >= 2);
  });

  it('answers pending when no event of the command comes in time, and done at once for a command the view shows handled', async () => {
    const room = new WaitingRoom(2);
    const before = projected(stream.slice(0, 4))!;
    const { watch } = watched(room, [before]);
    assert.deepEqual(await watch.answer('cmd-bob', 20), { kind: 'pending', view: before });
    const { watch: again } = watched(room, [projected(stream)]);
    assert.deepEqual(await again.answer('cmd-bob', 60_000), { kind: 'done', view: projected(stream) });
  });

  it('wakes a long poll with the decision, and gives the view as it was when none comes', async () => {
    const room = new WaitingRoom(2);
    const pending = projected(stream.slice(0, 4))!;
    const { watch } = watched(room, [pending]);
    const decided = watch.decided(60_000, pending);
    room.deliver(stream.slice(4));
    assert.equal((await decided).status, 'approved');
    const { watch: quiet } = watched(new WaitingRoom(1), [pending]);
    assert.equal(await quiet.decided(20, pending), pending);
  });

  it('finds an action that appeared before the watch began in the read model, once the projector has it', async () => {
    const room = new WaitingRoom(1);
    // Decided before anyone here watched: the follower will deliver nothing; the read model has it at the third read.
    const { watch, source } = watched(room, [undefined, undefined, projected(stream)]);
    const view = await watch.appearance(60_000);
    assert.equal(view?.status, 'approved');
    assert.equal(source.reads, 3);
  });

  it('finds an action that appears while it waits from the log, and gives nothing when none appears in time', async () => {
    const room = new WaitingRoom(2);
    const { watch } = watched(room, [undefined]);
    const appearing = watch.appearance(60_000);
    room.deliver(stream.slice(0, 3));
    assert.deepEqual(await appearing, projected(stream.slice(0, 3)));
    const { watch: never } = watched(new WaitingRoom(1), [undefined]);
    assert.equal(await never.appearance(20), undefined);
  });
});
