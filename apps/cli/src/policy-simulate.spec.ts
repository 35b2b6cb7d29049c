import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PolicyEvaluatedData } from '@countersign/contracts';
import { selectHistories, simulate, type CompiledPolicySet, type PolicyInput } from '@countersign/policy';
import {
  approvedBy, autoApproved, candidate, deniedBy, deniedByPolicy, directory, evaluated, history, requirement, T0, type HistorySpec,
} from './simulation-fixtures.ts';

const stewards = requirement(['data-stewards']);
const security = requirement(['security']);

describe('policy simulate: one action replayed against the candidate', () => {
  const cases: {
    name: string;
    given: HistorySpec;
    kind?: 'outcome' | 'approval';
    direction?: string;
    summary?: string;
  }[] = [
    {
      name: 'an auto-approved export of production data now needs two approvals: tightens',
      given: { id: 'a1', action: 'data.export', resource: 'prod/customers', then: evaluated('allow', 'exports-open'), decision: autoApproved },
      kind: 'outcome',
      direction: 'tightens',
      summary: 'was auto-approved; would now need 2 approvals from data-stewards or security (rule prod-export-two)',
    },
    {
      name: 'an approved escalation would now be denied by a rule: tightens',
      given: { id: 'a2', action: 'iam.escalate', resource: 'iam/role/admin', then: evaluated('require_approval', 'iam-escalate', stewards), decision: approvedBy('bob') },
      kind: 'outcome',
      direction: 'tightens',
      summary: 'was approved by bob; would now be denied by rule no-iam',
    },
    {
      name: 'a drop denied by policy would now run automatically: LOOSENS',
      given: { id: 'a3', action: 'db.drop', resource: 'staging/orders', then: evaluated('deny', 'db-drop'), decision: deniedByPolicy },
      kind: 'outcome',
      direction: 'loosens',
      summary: 'was denied by policy; would now run automatically (rule staging-drop)',
    },
    {
      name: 'an unknown action once denied by a person now goes to the default approval: loosens',
      given: { id: 'a4', action: 'vm.reboot', resource: 'vm/1', then: evaluated('deny', 'default'), decision: deniedBy('erin') },
      kind: 'outcome',
      direction: 'loosens',
      summary: 'was denied by erin; would now need 1 approval from security (rule default)',
    },
    {
      name: 'a production export under one steward now needs two from more groups: an approval change that differs',
      given: { id: 'a5', action: 'data.export', resource: 'prod/x', then: evaluated('require_approval', 'prod-export', stewards), decision: approvedBy('alice') },
      kind: 'approval',
      direction: 'differs',
      summary: 'needed 1 approval from data-stewards and was approved by alice; would now need 2 approvals from data-stewards or security (rule prod-export-two)',
    },
    {
      name: 'a pending request under another group is an approval change that differs',
      given: { id: 'a6', action: 'vm.reboot', resource: 'vm/2', then: evaluated('require_approval', 'vm', requirement(['sre'])) },
      kind: 'approval',
      direction: 'differs',
      summary: 'needed 1 approval from sre and is still waiting for approval; would now need 1 approval from security (rule default)',
    },
    {
      name: 'a request that once needed two security approvals now needs one: an approval change that loosens',
      given: { id: 'a9', action: 'vm.reboot', resource: 'vm/4', then: evaluated('require_approval', 'vm', requirement(['security'], 2)), decision: approvedBy('erin', 'sam') },
      kind: 'approval',
      direction: 'loosens',
      summary: 'needed 2 approvals from security and was approved by erin, sam; would now need 1 approval from security (rule default)',
    },
    { name: 'a read allowed then and now is unchanged', given: { id: 'a7', action: 'data.read', resource: 'prod/x', then: evaluated('allow', 'data-read'), decision: autoApproved } },
    { name: 'the same requirement under another rule is unchanged', given: { id: 'a8', action: 'vm.reboot', resource: 'vm/3', then: evaluated('require_approval', 'ops', security) } },
  ];

  for (const c of cases) {
    it(c.name, () => {
      // given one recorded action; when it is replayed
      const report = simulate([history(c.given)], candidate(), directory);
      // then it is reported as changed (or not), in the expected direction and words
      if (!c.kind) {
        assert.deepEqual([report.totals.changed, report.totals.unchanged, report.changes], [0, 1, []]);
        return;
      }
      assert.equal(report.changes.length, 1);
      const [change] = report.changes;
      assert.deepEqual([change.kind, change.direction, change.summary], [c.kind, c.direction, c.summary]);
      assert.deepEqual([change.actionId, change.action, change.resource, change.requester, change.proposedAt], [c.given.id, c.given.action, c.given.resource, 'demo-agent', T0]);
      assert.equal(change.then.rule, c.given.then?.rule);
    });
  }

  it('names the fields of an approval requirement that changed', () => {
    const report = simulate([history({ id: 'a5', action: 'data.export', resource: 'prod/x', then: evaluated('require_approval', 'prod-export', stewards) })], candidate(), directory);
    assert.deepEqual(report.changes[0].requirementChanges, ['quorum 1 → 2', 'groups data-stewards → data-stewards, security']);
  });
});

describe('policy simulate: totals and the transition matrix', () => {
  const log = [
    history({ id: 'r1', action: 'data.read', resource: 'prod/a', then: evaluated('allow', 'data-read'), decision: autoApproved }),
    history({ id: 'r2', action: 'data.read', resource: 'prod/b', then: evaluated('allow', 'reads'), decision: autoApproved }),
    history({ id: 'e1', action: 'data.export', resource: 'prod/c', then: evaluated('allow', 'exports-open'), decision: autoApproved, at: '2026-03-01T13:00:00.000Z' }),
    history({ id: 'd1', action: 'db.drop', resource: 'staging/t', then: evaluated('require_approval', 'drops', stewards), decision: approvedBy('alice'), at: '2026-03-01T14:00:00.000Z' }),
    history({ id: 'd2', action: 'db.drop', resource: 'prod/t', then: evaluated('deny', 'db-drop'), decision: deniedByPolicy }),
    history({ id: 'p1', action: 'data.export', resource: 'prod/d' }),
  ];

  it('given a mixed log, counts each outcome pair once per action, allow first, and lists loosening changes first', () => {
    const report = simulate(log, candidate(), directory);
    assert.deepEqual(report.totals, { replayed: 5, unchanged: 3, changed: 2, loosens: 1, tightens: 1, approvalChanged: 0, ruleOnly: 2, notEvaluated: 1 });
    assert.deepEqual(
      report.transitions.map((t) => `${t.from} → ${t.to}: ${t.count} ${t.direction}`),
      ['allow → allow: 2 same', 'allow → require_approval: 1 tightens', 'require_approval → allow: 1 loosens', 'deny → deny: 1 same'],
    );
    assert.deepEqual(report.changes.map((c) => c.actionId), ['d1', 'e1']);
    assert.equal(report.candidateVersion, candidate().version);
  });

  it('given an empty log, reports nothing replayed', () => {
    const report = simulate([], candidate(), directory);
    assert.deepEqual([report.totals.replayed, report.transitions, report.changes], [0, [], []]);
  });
});

describe('policy simulate: conditions replayed at the time of the proposal', () => {
  const nightly = candidate(`apiVersion: countersign.dev/v1
kind: PolicySet
metadata: { name: nightly }
spec:
  rules:
    - id: no-drops-at-night
      match: { action: db.drop }
      when: "now.getHours() >= 22"
      effect: deny
    - id: drops
      match: { action: db.drop }
      effect: allow
`);

  it('given drops proposed by day and by night, only the night one would now be denied', () => {
    const drop = (id: string, at: string) => history({ id, action: 'db.drop', resource: 'staging/t', at, then: evaluated('allow', 'drops'), decision: autoApproved });
    const report = simulate([drop('day', '2026-03-01T10:00:00.000Z'), drop('night', '2026-03-01T23:30:00.000Z')], nightly, directory);
    assert.deepEqual(report.changes.map((c) => [c.actionId, c.candidate.outcome, c.candidate.rule]), [['night', 'deny', 'no-drops-at-night']]);
    assert.equal(report.changes[0].summary, 'was auto-approved; would now be denied by rule no-drops-at-night');
  });
});

describe('policy simulate: what the candidate is asked', () => {
  /** A candidate that records its inputs and allows everything. */
  function recording(): { policy: CompiledPolicySet; inputs: PolicyInput[] } {
    const inputs: PolicyInput[] = [];
    const evaluate = (input: PolicyInput): PolicyEvaluatedData => {
      inputs.push(input);
      return { outcome: 'allow', policyVersion: 'b'.repeat(64), matchedRules: ['all'], rule: 'all', reason: 'all allowed' };
    };
    return { policy: { version: 'b'.repeat(64), rules: [], redactParams: [], evaluate }, inputs };
  }

  it("given a requester in the directory, evaluates with the directory's groups", () => {
    const { policy, inputs } = recording();
    simulate([history({ id: 'x', action: 'data.read', resource: 'r', requester: 'alice', then: evaluated('allow', 'all') })], policy, directory);
    assert.deepEqual(inputs[0].requester, { id: 'alice', kind: 'agent', groups: ['data-stewards'] });
    assert.deepEqual([inputs[0].action, inputs[0].resource, inputs[0].params], ['data.read', 'r', { id: 'x' }]);
  });

  it("given a proposal with a justification on an owned resource, passes both, and the proposal's time as now", () => {
    const { policy, inputs } = recording();
    const at = '2026-03-01T23:30:00.000Z';
    simulate([history({ id: 'x', action: 'db.vacuum', resource: 'db/orders', at, justification: 'INC-42', then: evaluated('allow', 'all') })], policy, directory);
    assert.deepEqual([inputs[0].justification, inputs[0].resourceOwners, inputs[0].now?.toISOString()], ['INC-42', ['dana'], at]);
  });

  it('given a proposal without a justification, leaves it out', () => {
    const { policy, inputs } = recording();
    simulate([history({ id: 'x', action: 'data.read', resource: 'r', then: evaluated('allow', 'all') })], policy, directory);
    assert.deepEqual(['justification' in inputs[0], inputs[0].resourceOwners], [false, []]);
  });

  it('given a requester the directory does not know, evaluates with no groups and names it in the report', () => {
    const { policy, inputs } = recording();
    const report = simulate([history({ id: 'x', action: 'data.read', resource: 'r', requester: 'ghost', then: evaluated('allow', 'all') })], policy, directory);
    assert.deepEqual(inputs[0].requester.groups, []);
    assert.deepEqual(report.unknownRequesters, ['ghost']);
  });

  it('given a proposal never evaluated, does not ask the candidate at all', () => {
    const { policy, inputs } = recording();
    const report = simulate([history({ id: 'x', action: 'data.read', resource: 'r' })], policy, directory);
    assert.deepEqual([inputs.length, report.totals.notEvaluated], [0, 1]);
  });
});

describe('policy simulate: choosing the proposals to replay', () => {
  const at = (h: number) => `2026-03-01T${String(h).padStart(2, '0')}:00:00.000Z`;
  const log = [
    history({ id: 'h9', action: 'data.read', resource: 'r', at: at(9) }),
    history({ id: 'h10', action: 'data.export', resource: 'r', at: at(10) }),
    history({ id: 'h11', action: 'iam.escalate', resource: 'r', at: at(11) }),
  ];
  const cases = [
    { name: 'no filter keeps everything', filter: {}, ids: ['h9', 'h10', 'h11'] },
    { name: 'since is inclusive', filter: { since: new Date(at(10)) }, ids: ['h10', 'h11'] },
    { name: 'until is exclusive', filter: { until: new Date(at(10)) }, ids: ['h9'] },
    { name: 'an action glob', filter: { action: 'data.*' }, ids: ['h9', 'h10'] },
    { name: 'all of them at once', filter: { since: new Date(at(10)), action: 'data.*' }, ids: ['h10'] },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(selectHistories(log, c.filter).map((h) => h.actionId), c.ids));
  }
});

