import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { simulate } from '@countersign/policy';
import { formatSimulationJson, formatSimulationText } from './simulation-output.ts';
import { approvedBy, autoApproved, candidate, deniedByPolicy, directory, evaluated, history, requirement } from './simulation-fixtures.ts';

const log = [
  history({ id: 'read-1', action: 'data.read', resource: 'prod/a', then: evaluated('allow', 'data-read'), decision: autoApproved }),
  history({ id: 'export-1', action: 'data.export', resource: 'prod/c', then: evaluated('allow', 'exports-open'), decision: autoApproved }),
  history({ id: 'drop-1', action: 'db.drop', resource: 'staging/t', then: evaluated('deny', 'db-drop'), decision: deniedByPolicy }),
  history({ id: 'export-2', action: 'data.export', resource: 'prod/d', then: evaluated('require_approval', 'prod-export', requirement(['data-stewards'])), decision: approvedBy('alice') }),
  history({ id: 'ghost-1', action: 'data.read', resource: 'prod/e', requester: 'ghost' }),
];
const report = simulate(log, candidate(), directory);

describe('policy simulate output as text', () => {
  const text = formatSimulationText(report, { source: 'policies-next' });

  it('opens with the totals and names the candidate', () => {
    assert.match(text, /^replayed 4 actions against candidate policies-next \(version [0-9a-f]{12}\)\n {2}1 unchanged, 3 changed: 1 LOOSEN, 1 tighten, 1 differ\n/);
  });

  it('prints the transition matrix, marking the loosening direction and approval changes', () => {
    assert.match(text, /\noutcomes \(then → candidate\):\n {2}allow {12}→ allow {18}1\n/);
    assert.match(text, /\n {2}allow {12}→ require_approval {7}1\n/);
    assert.match(text, /\n {2}require_approval → require_approval {7}1 {2}\(1 with another approval requirement\)\n/);
    assert.match(text, /\n {2}deny {13}→ allow {18}1 {2}LOOSENS\n/);
  });

  it('lists each changed action, loosening first, with then → now and what happened', () => {
    const listed = text.slice(text.indexOf('changed actions (3):'));
    assert.match(listed, /^changed actions \(3\):\n {2}LOOSENS {2}drop-1 {2}db\.drop staging\/t {2}by demo-agent {2}at 2026-03-01T12:00:00\.000Z\n/);
    assert.match(listed, /then deny \(rule db-drop, version aaaaaaaaaaaa\) → now allow \(rule staging-drop\)\n +was denied by policy; would now run automatically \(rule staging-drop\)\n/);
    assert.match(listed, /differs {2}export-2 .*\n.*\n +approval: quorum 1 → 2; groups data-stewards → data-stewards, security\n +needed 1 approval from data-stewards and was approved by alice; would now need 2 approvals/);
    assert.ok(listed.indexOf('drop-1') < listed.indexOf('export-1'));
  });

  it('says what was not replayed', () => {
    assert.match(text, /\nnot replayed: 1 proposal with no recorded policy evaluation\n$/);
  });

  it('given a limit, lists that many changes and says how many more there are', () => {
    const limited = formatSimulationText(report, { source: 'p', limit: 1 });
    assert.equal(limited.match(/^ {2}(LOOSENS|tightens|differs) /gm)?.length, 1);
    assert.match(limited, /\n {2}… and 2 more \(raise --limit, or use --json\)\n/);
  });

  it('given nothing changed, prints only the totals and the matrix', () => {
    const quiet = formatSimulationText(simulate(log.slice(0, 1), candidate(), directory), { source: 'p' });
    assert.equal(quiet.split('\n').filter(Boolean).length, 4);
    assert.match(quiet, /1 unchanged, 0 changed\n/);
  });
});

describe('policy simulate output as JSON', () => {
  it('is one document with the candidate, totals, transitions and changes, cut to the limit', () => {
    const doc = JSON.parse(formatSimulationJson(report, { source: 'policies-next', limit: 2 }));
    assert.deepEqual(doc.candidate, { source: 'policies-next', version: report.candidateVersion });
    assert.deepEqual(doc.totals, report.totals);
    assert.equal(doc.transitions.length, 4);
    assert.deepEqual(doc.changes.map((c: any) => c.actionId), ['drop-1', 'export-1']);
    assert.equal(doc.omittedChanges, 1);
    assert.deepEqual(doc.changes[0].happened, { kind: 'denied', at: '2026-03-01T12:00:00.000Z', automatic: true });
  });
});
