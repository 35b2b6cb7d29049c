import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GENESIS_HASH } from '@countersign/contracts';
import { loadPolicySet, type CompiledPolicySet } from '@countersign/policy';
import { ActivePolicy, type PolicyPublished } from './active-policy.ts';

const text = (effect: string) => `apiVersion: countersign.dev/v1\nkind: PolicySet\nmetadata: { name: p }\nspec:\n  rules:\n    - id: r\n      match: { action: x }\n      effect: ${effect}\n`;
const compiled = (effect: string): CompiledPolicySet => {
  const loaded = loadPolicySet([{ path: 'p.yaml', text: text(effect) }]);
  assert.ok(loaded.ok);
  return loaded.policy;
};
const [seed, denying, allowing] = [compiled('deny'), compiled('deny\n      reason: frozen'), compiled('allow')];

function published(id: string, at: string, files: { path: string; text: string }[], version: string): PolicyPublished {
  return {
    id, type: 'PolicyPublished', schemaVersion: 1, streamId: `action-${id}`, seq: 6, occurredAt: at,
    actor: { id: 'approval-router', kind: 'service' }, causationId: 'c', correlationId: 'c', prevHash: GENESIS_HASH, hash: GENESIS_HASH,
    data: { version, files, author: 'alice', approvers: ['erin'] },
  };
}
const first = published('01-a', '2026-11-22T10:00:00.000Z', [{ path: 'p.yaml', text: text('deny\n      reason: frozen') }], denying.version);
const second = published('01-b', '2026-11-22T11:00:00.000Z', [{ path: 'p.yaml', text: text('allow') }], allowing.version);

describe('the policy in force', () => {
  it('is the seed until something is published', () => {
    const active = new ActivePolicy(seed);
    assert.equal(active.current().version, seed.version);
    assert.deepEqual(active.info(), { version: seed.version, source: 'seed' });
  });

  it('is the latest publication, whatever order publications are seen in', () => {
    for (const order of [[first, second], [second, first]]) {
      // given an evaluator that sees the two publications in this order
      const active = new ActivePolicy(seed);
      for (const event of order) assert.ok(active.apply(event).ok);
      // then the later one is in force
      assert.equal(active.current().version, allowing.version);
      assert.equal(active.info().actionId, 'action-01-b');
    }
  });

  it('says whether a publication changed the policy, and ignores one seen twice', () => {
    const active = new ActivePolicy(seed);
    assert.deepEqual(active.apply(first), { ok: true, changed: true });
    assert.deepEqual(active.apply(first), { ok: true, changed: false });
    assert.equal(active.current().evaluate({ action: 'x', resource: 'r', params: {}, requester: { id: 'a', kind: 'agent', groups: [] } }).reason, 'frozen');
  });

  it('refuses files that do not load, or that are not the version they claim, and keeps its policy', () => {
    const active = new ActivePolicy(seed);
    const broken = published('01-c', '2026-11-22T12:00:00.000Z', [{ path: 'p.yaml', text: text('perhaps') }], allowing.version);
    const mislabelled = published('01-d', '2026-11-22T12:00:00.000Z', [{ path: 'p.yaml', text: text('allow') }], denying.version);
    const a = active.apply(broken);
    const b = active.apply(mislabelled);
    assert.ok(!a.ok && /does not load: p\.yaml:8: \/spec\/rules\/0\/effect must be one of/.test(a.reason));
    assert.ok(!b.ok && /claims version .* but its files are version/.test(b.reason));
    assert.equal(active.current().version, seed.version);
  });
});
