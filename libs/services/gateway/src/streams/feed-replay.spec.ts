import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AuditEntry } from '@countersign/audit';
import { createMemoryReadModelStore } from '@countersign/readmodel';
import { askedOf, project } from '../testing/stream-fixtures.ts';
import { beforeInFeed, replayFeed } from './feed-replay.ts';

async function replayed(principal: string, from = '2000-01-01T00:00:00.000Z', store = createMemoryReadModelStore()) {
  const entries: AuditEntry[] = [];
  await replayFeed(store, [principal], from, (page) => void entries.push(...page));
  return entries.map((e) => `${e.actionId}:${e.type}`);
}

describe('the replay of an approver feed', () => {
  it('given requests, an escalation and decisions, when alice replays, then she gets hers, in the audit order', async () => {
    const store = createMemoryReadModelStore();
    await project(store, askedOf('act-a', ['alice', 'bob'], { approved: true }));
    await project(store, askedOf('act-b', ['bob'], { added: ['alice'] }));
    await project(store, askedOf('act-c', ['bob'], { approved: true }));
    await project(store, askedOf('act-d', ['carol']));
    const entries: AuditEntry[] = [];
    await replayFeed(store, ['alice'], '2000-01-01T00:00:00.000Z', (page) => void entries.push(...page));
    assert.deepEqual(entries.map((e) => `${e.actionId}:${e.type}`), [
      'act-a:ApprovalRequested', 'act-b:ApprovalEscalated', 'act-a:ActionApproved',
    ]);
    assert.ok(entries.every((e, i) => i === 0 || beforeInFeed(entries[i - 1], e)));
    assert.deepEqual(await replayed('carol', undefined, store), ['act-d:ApprovalRequested']);
    assert.deepEqual(await replayed('erin', undefined, store), []);
  });

  it('given erin holds bob\'s delegation, when erin replays for herself and bob, then bob\'s entries come with hers, once each, in the audit order', async () => {
    const store = createMemoryReadModelStore();
    await project(store, askedOf('act-a', ['alice', 'bob'], { approved: true }));
    await project(store, askedOf('act-b', ['erin']));
    await project(store, askedOf('act-c', ['bob', 'erin'], { approved: true }));
    await project(store, askedOf('act-d', ['carol']));
    const entries: AuditEntry[] = [];
    await replayFeed(store, ['erin', 'bob'], '2000-01-01T00:00:00.000Z', (page) => void entries.push(...page));
    assert.deepEqual(entries.map((e) => `${e.actionId}:${e.type}`).sort(), [
      'act-a:ActionApproved', 'act-a:ApprovalRequested', 'act-b:ApprovalRequested', 'act-c:ActionApproved', 'act-c:ApprovalRequested',
    ], 'bob\'s and erin\'s, an entry naming both once, and not carol\'s');
    assert.ok(entries.every((e, i) => i === 0 || beforeInFeed(entries[i - 1], e)), 'in the audit order');
  });

  it('given a starting time, when replayed, then only entries at or after it come', async () => {
    const store = createMemoryReadModelStore();
    const events = askedOf('act-a', ['alice'], { approved: true });
    await project(store, events);
    const decision = events.at(-1)!;
    assert.deepEqual(await replayed('alice', decision.occurredAt, store), ['act-a:ActionApproved']);
  });

  it('given more entries than a page, when replayed, then every one comes once, a page at a time', async () => {
    const store = createMemoryReadModelStore();
    for (let i = 0; i < 130; i++) await project(store, askedOf(`act-${String(i).padStart(3, '0')}`, ['alice'], { approved: i % 2 === 0 }));
    const pages: number[] = [];
    const ids = new Set<string>();
    await replayFeed(store, ['alice'], '2000-01-01T00:00:00.000Z', (page) => {
      pages.push(page.length);
      for (const e of page) ids.add(e._id);
    });
    assert.equal(ids.size, 130 + 65);
    assert.ok(pages.every((n) => n <= 100) && pages.length >= 2);
  });
});
