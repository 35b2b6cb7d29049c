import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AuditEntry } from '@countersign/audit';
import type { ActionEvent } from '@countersign/contracts';
import { createMemoryReadModelStore } from '@countersign/readmodel';
import { askedOf, project } from '../testing/stream-fixtures.ts';
import { ApproverFeed } from './approver-feed.ts';
import { ApproverFeeds, readModelResolver } from './approver-feeds.ts';
import { FEED_TYPES, StreamTap } from './stream-tap.ts';

/** A hub over a memory read model, with feeds for `principals`; sleeping lets the test project more. */
function harness(principals: string[]) {
  const store = createMemoryReadModelStore();
  const tap = new StreamTap();
  const state = { sleeps: 0, onSleep: async () => undefined as void };
  const hub = new ApproverFeeds(tap, {
    resolve: readModelResolver(store),
    sleep: async () => {
      state.sleeps += 1;
      await state.onSleep();
    },
    now: () => 0,
  });
  const got = new Map<string, string[]>(principals.map((p) => [p, []]));
  for (const p of principals) {
    hub.add(new ApproverFeed([p], { replay: async () => undefined, send: (e: AuditEntry) => void got.get(p)!.push(`${e.actionId}:${e.type}`), overflow: () => undefined }));
  }
  const deliver = (events: readonly ActionEvent[]) => tap.deliver(events.filter((e) => FEED_TYPES.has(e.type)).map((e) => ({ message: e, record: { value: e } as never })));
  return { store, tap, hub, got, state, deliver };
}

const idle = async (hub: ApproverFeeds) => {
  for (let i = 0; i < 50; i++) await new Promise((resolve) => setImmediate(resolve));
  void hub;
};

describe('the approver feeds of a gateway', () => {
  it('given a request naming alice and bob and its decision, when projected, then each of them gets both, and erin nothing', async () => {
    const { store, hub, got, deliver } = harness(['alice', 'bob', 'erin']);
    const events = askedOf('act-a', ['alice', 'bob'], { approved: true });
    await project(store, events);
    deliver(events);
    await idle(hub);
    assert.deepEqual(got.get('alice'), ['act-a:ApprovalRequested', 'act-a:ActionApproved']);
    assert.deepEqual(got.get('bob'), ['act-a:ApprovalRequested', 'act-a:ActionApproved']);
    assert.deepEqual(got.get('erin'), []);
  });

  it('given erin\'s feed carries bob\'s queue (his delegation), when a request names bob, or bob and erin, then she gets each entry once; closed, she gets nothing more', async () => {
    const { store, hub, deliver } = harness([]);
    const got: string[] = [];
    const remove = hub.add(new ApproverFeed(['erin', 'bob'], { replay: async () => undefined, send: (e: AuditEntry) => void got.push(`${e.actionId}:${e.type}`), overflow: () => undefined }));
    assert.equal(hub.open, 1, 'one feed, whatever it carries');
    const forBob = askedOf('act-a', ['bob'], { approved: true });
    const forBoth = askedOf('act-b', ['bob', 'erin']);
    const forCarol = askedOf('act-c', ['carol']);
    for (const events of [forBob, forBoth, forCarol]) {
      await project(store, events);
      deliver(events);
      await idle(hub);
    }
    assert.deepEqual(got, ['act-a:ApprovalRequested', 'act-a:ActionApproved', 'act-b:ApprovalRequested']);
    remove();
    assert.equal(hub.open, 0);
    const later = askedOf('act-d', ['bob']);
    await project(store, later);
    deliver(later);
    await idle(hub);
    assert.equal(got.length, 3, 'nothing after it closed');
  });

  it('given an escalation adding erin, then she gets the escalation as her request, and the decision', async () => {
    const { store, hub, got, deliver } = harness(['erin']);
    const events = askedOf('act-b', ['bob'], { added: ['erin'], approved: true });
    await project(store, events);
    deliver(events);
    await idle(hub);
    assert.deepEqual(got.get('erin'), ['act-b:ApprovalEscalated', 'act-b:ActionApproved']);
  });

  it('given the follower ahead of the projector, when the projector catches up, then the events come in the follower’s order', async () => {
    const { store, hub, got, state, deliver } = harness(['alice']);
    const first = askedOf('act-a', ['alice'], { approved: true });
    const second = askedOf('act-b', ['alice']);
    let projected = false;
    state.onSleep = async () => {
      if (projected) return;
      projected = true;
      await project(store, second);
      await project(store, first);
    };
    deliver([...first, ...second]);
    await idle(hub);
    assert.ok(state.sleeps >= 1, 'the head waited for the read model');
    assert.deepEqual(got.get('alice'), ['act-a:ApprovalRequested', 'act-a:ActionApproved', 'act-b:ApprovalRequested']);
  });

  it('given no feed open, then the tap hands the hub nothing and nothing is read', async () => {
    const { tap, hub } = harness([]);
    assert.equal(hub.open, 0);
    const events = askedOf('act-a', ['alice']);
    assert.equal(tap.accepts({ topic: 't', key: 'act-a', offset: '1', partition: 0, raw: '', value: events[2] }), false);
  });
});
