import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { standingApprovalId, type ActionCommand, type ActionEvent, type StandingApprovalGrantedData } from '@countersign/contracts';
import { PARAMS, secondsAfter, T0 } from '../testing/fixtures.ts';
import { checks, grant, ledger, revoke, use } from '../testing/ledger.ts';

const SOURCES = ['s0', 's1', 's2', 's3'];
const GLOBS = ['db/**', 'files/**'];
const RESOURCES = ['db/customers', 'db/orders', 'files/report'];

/** One step of a random history: what arrives at the ledger, and how many seconds after the step before. */
const step = fc.record({
  after: fc.integer({ min: 0, max: 120 }),
  command: fc.oneof(
    fc.record({
      kind: fc.constant('grant' as const), source: fc.constantFrom(...SOURCES), maxUses: fc.integer({ min: 1, max: 3 }), ttl: fc.integer({ min: 1, max: 400 }),
      glob: fc.constantFrom(...GLOBS), limit: fc.option(fc.constantFrom(500, 5000)), grantors: fc.constantFrom(['alice'], ['alice', 'bob'], ['zed']),
    }),
    fc.record({ kind: fc.constant('use' as const), resource: fc.constantFrom(...RESOURCES), rows: fc.constantFrom(100, 1000, 10000), quorum: fc.constantFrom(1, 1, 2) }),
    fc.record({ kind: fc.constant('revoke' as const), source: fc.constantFrom(...SOURCES), by: fc.constantFrom('alice', 'bob', 'zed') }),
  ),
});

type StepCommand =
  | { kind: 'grant'; source: string; maxUses: number; ttl: number; glob: string; limit: number | null; grantors: readonly string[] }
  | { kind: 'use'; resource: string; rows: number; quorum: number }
  | { kind: 'revoke'; source: string; by: string };

function commandOf(s: StepCommand, at: Date, n: number): ActionCommand {
  switch (s.kind) {
    case 'grant':
      return grant({
        standingId: standingApprovalId(s.source), sourceActionId: s.source, maxUses: s.maxUses, grantedAt: at.toISOString(),
        expiresAt: secondsAfter(at, s.ttl).toISOString(), resource: s.glob, grantedBy: [...s.grantors], ...(s.limit !== null ? { when: `params.rows <= ${s.limit}` } : {}),
      });
    case 'use':
      return use(`act-${n}`, { resource: s.resource, params: { ...PARAMS, rows: s.rows }, quorum: s.quorum, deadline: secondsAfter(at, 3600).toISOString() });
    case 'revoke':
      return revoke(s.by, standingApprovalId(s.source));
  }
}

describe('a requester ledger, over random histories (property)', () => {
  it('never counts more uses than granted, nor a use at or after expiry or after revocation, nor one that does not match', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 40 }), (steps) => {
        let at = T0;
        const history: Array<[ActionCommand, Date]> = steps.map((s, i) => {
          at = secondsAfter(at, s.after);
          return [commandOf(s.command, at, i), at];
        });
        const { events } = ledger(...history);
        const grants = new Map<string, StandingApprovalGrantedData>();
        const uses = new Map<string, number>();
        const revoked = new Set<string>();
        const usedActions = new Set<string>();
        for (const event of events as ActionEvent[]) {
          if (event.type === 'StandingApprovalGranted') {
            assert.ok(!grants.has(event.data.standingId) || Date.parse(grants.get(event.data.standingId)!.expiresAt) <= Date.parse(event.occurredAt), 'a live grant is recorded once');
            grants.set(event.data.standingId, event.data);
            uses.set(event.data.standingId, 0);
            revoked.delete(event.data.standingId);
          } else if (event.type === 'StandingApprovalRevoked') {
            assert.ok(grants.has(event.data.standingId) && !revoked.has(event.data.standingId), 'revoked once, after its grant');
            assert.ok(['alice', 'bob'].includes(event.data.revokedBy) || grants.get(event.data.standingId)!.grantedBy.includes(event.data.revokedBy));
            revoked.add(event.data.standingId);
          } else if (event.type === 'StandingApprovalUsed') {
            const g = grants.get(event.data.standingId);
            assert.ok(g, 'a use follows its grant');
            const n = uses.get(event.data.standingId)! + 1;
            uses.set(event.data.standingId, n);
            assert.equal(event.data.use, n, 'uses are numbered 1, 2, …');
            assert.ok(n <= g.maxUses, `use ${n} of at most ${g.maxUses}`);
            assert.ok(Date.parse(event.occurredAt) < Date.parse(g.expiresAt), 'never at or after expiry');
            assert.ok(!revoked.has(event.data.standingId), 'never after revocation');
            assert.ok(!usedActions.has(event.data.actionId), 'one use per action');
            usedActions.add(event.data.actionId);
            assert.ok(checks.resourceMatches(g.resource, event.data.resource), 'within the glob');
            assert.ok(!g.grantedBy.includes('zed'), 'only by grantors eligible for the request');
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
