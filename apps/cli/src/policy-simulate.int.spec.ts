// `countersign policy simulate` as a process, against an embedded file log written for the test.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { contentHash, sealEvents, TOPICS, type DomainEventBody, type PolicyEvaluatedData } from '@countersign/contracts';
import { createFileEventLog } from '@countersign/eventlog';
import { loadPolicySet } from '@countersign/policy';
import { tempDir, type TempDir } from '@countersign/testing';

const ROOT = resolve(import.meta.dirname, '../../..');

/** What policy said when the actions were proposed: reads run, exports need a steward, drops are refused. */
const THEN_YAML = `apiVersion: countersign.dev/v1
kind: PolicySet
metadata: { name: then }
spec:
  defaults:
    approval: { groups: [security], quorum: 1, timeout: 1h }
  rules:
    - id: data-read
      match: { action: data.read }
      effect: allow
    - id: prod-export
      match: { action: data.export, resource: "prod/**" }
      effect: require_approval
      approval: { groups: [data-stewards], quorum: 1, timeout: 1h }
    - id: iam-escalate
      match: { action: iam.escalate }
      effect: require_approval
      approval: { groups: [data-stewards, security], quorum: 2, timeout: 1h }
    - id: db-drop
      match: { action: db.drop }
      effect: deny
`;

/** The candidate: exports need two from two groups, staging drops run, prod drops stay denied. */
const CANDIDATE_YAML = THEN_YAML.replace('metadata: { name: then }', 'metadata: { name: candidate }')
  .replace('approval: { groups: [data-stewards], quorum: 1, timeout: 1h }', 'approval: { groups: [data-stewards, security], quorum: 2, timeout: 1h }')
  .replace('match: { action: db.drop }', 'match: { action: db.drop, resource: "prod/**" }')
  .concat('    - id: staging-drop\n      match: { action: db.drop, resource: "staging/**" }\n      effect: allow\n');

const PRINCIPALS_YAML = `apiVersion: countersign.dev/v1
kind: PrincipalList
metadata: { name: people }
spec:
  principals:
    - { id: demo-agent, kind: agent }
    - { id: alice, kind: human, groups: [data-stewards] }
    - { id: bob, kind: human, groups: [data-stewards] }
`;

const THEN = loadPolicySet([{ path: 'then.yaml', text: THEN_YAML }]);
assert.ok(THEN.ok);
const thenPolicy = THEN.policy;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI with only the file log configured: no Kafka, no MongoDB, whatever the test tier set. */
function cli(args: string[], dataDir: string): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, COUNTERSIGN_DATA_DIR: dataDir };
  for (const name of ['COUNTERSIGN_KAFKA_BROKERS', 'COUNTERSIGN_KAFKA_NAMESPACE', 'COUNTERSIGN_MONGO_URL', 'COUNTERSIGN_PRINCIPALS']) delete env[name];
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(ROOT, 'apps/cli/bin/countersign.mjs'), ...args], { cwd: ROOT, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

async function writeYaml(dir: string, name: string, text: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, name), text);
  return dir;
}

const service = (id: string) => ({ id, kind: 'service' as const });

/** One action's stream as the services would write it: proposed at `at`, evaluated under THEN, then `ending`. */
function actionStream(id: string, at: string, action: string, resource: string, ending: (then: PolicyEvaluatedData) => DomainEventBody[]) {
  const params = { resource };
  const then = thenPolicy.evaluate({ action, resource, params, requester: { id: 'demo-agent', kind: 'agent', groups: [] } });
  const bodies: DomainEventBody[] = [
    { type: 'ActionProposed', data: { action, resource, params, paramsHash: contentHash(params), requestHash: contentHash({ action, resource, params }), requester: { id: 'demo-agent', kind: 'agent', identities: [] } } },
    { type: 'PolicyEvaluated', data: then },
    ...ending(then),
  ];
  let tick = Date.parse(at);
  let n = 0;
  const drafts = bodies.map((b) => ({ ...b, actor: b.type === 'ActionProposed' ? service('gateway') : service('approval-router') }));
  return sealEvents(drafts, { streamId: id, causationId: id, correlationId: id, now: () => new Date((tick += 1000)), newId: () => `${id}-e${++n}` });
}

const decided = (then: PolicyEvaluatedData) => ({ rule: then.rule, policyVersion: then.policyVersion, paramsHash: 'f'.repeat(64), reason: then.reason });

describe('countersign policy simulate (embedded file log)', () => {
  let dir: TempDir;
  let candidateDir: string;
  let principalsDir: string;

  before(async () => {
    dir = await tempDir('countersign-simulate-');
    candidateDir = await writeYaml(join(dir.path, 'candidate'), 'policy.yaml', CANDIDATE_YAML);
    principalsDir = await writeYaml(join(dir.path, 'principals'), 'people.yaml', PRINCIPALS_YAML);
    const streams = [
      actionStream('read-1', '2026-03-01T09:00:00Z', 'data.read', 'prod/r1', (then) => [{ type: 'ActionApproved', data: { ...decided(then), automatic: true, approvers: [] } }]),
      actionStream('export-1', '2026-03-01T10:00:00Z', 'data.export', 'prod/customers', (then) => [
        { type: 'VoteRecorded', data: { voter: 'alice', decision: 'approve', via: 'slack', identity: 'slack:U0ALICE' } },
        { type: 'ActionApproved', data: { ...decided(then), automatic: false, approvers: ['alice'] } },
      ]),
      actionStream('drop-1', '2026-03-01T11:00:00Z', 'db.drop', 'staging/tmp', (then) => [{ type: 'ActionDenied', data: { ...decided(then), automatic: true } }]),
      actionStream('escalate-1', '2026-03-01T12:00:00Z', 'iam.escalate', 'iam/role/admin', (then) => [{ type: 'ActionDenied', data: { ...decided(then), automatic: false, deniedBy: 'bob' } }]),
      actionStream('export-2', '2026-03-02T08:00:00Z', 'data.export', 'prod/orders', () => []),
    ];
    const log = await createFileEventLog({ dir: join(dir.path, 'log'), log: () => undefined });
    try {
      for (const events of streams) await log.append(TOPICS.events, events.map((e) => ({ key: e.streamId, value: e })));
    } finally {
      await log.close();
    }
  });

  after(async () => dir.cleanup());

  it('replays every proposal and reports the transitions and the changed actions, loosening first', async () => {
    const run = await cli(['policy', 'simulate', '--policies', candidateDir, '--principals', principalsDir], dir.path);
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.split('\n');
    assert.match(lines[0], /^replayed 5 actions against candidate .*candidate \(version [0-9a-f]{12}\)$/);
    assert.equal(lines[1], '  2 unchanged, 3 changed: 1 LOOSEN, 0 tighten, 2 differ');
    assert.match(run.stdout, /\n {2}deny +→ allow +1 {2}LOOSENS\n/);
    assert.match(run.stdout, /\n {2}require_approval → require_approval +3 {2}\(2 with another approval requirement\)\n/);
    const changes = run.stdout.slice(run.stdout.indexOf('changed actions (3):'));
    assert.match(changes, /^changed actions \(3\):\n {2}LOOSENS {2}drop-1 {2}db\.drop staging\/tmp {2}by demo-agent {2}at 2026-03-01T11:00:01\.000Z\n/);
    assert.match(changes, /was denied by policy; would now run automatically \(rule staging-drop\)\n/);
    assert.match(changes, /needed 1 approval from data-stewards and was approved by alice; would now need 2 approvals from data-stewards or security \(rule prod-export\)\n/);
    assert.match(changes, /needed 1 approval from data-stewards and is still waiting for approval; would now need 2 approvals/);
  });

  it('with --json, --since and --action, prints one document about the matching proposals only', async () => {
    const run = await cli(['policy', 'simulate', '--policies', candidateDir, '--principals', principalsDir, '--json', '--since', '2026-03-01T10:00:00Z', '--action', 'data.*'], dir.path);
    assert.equal(run.code, 0, run.stderr);
    const doc = JSON.parse(run.stdout);
    assert.deepEqual(doc.totals, { replayed: 2, unchanged: 0, changed: 2, loosens: 0, tightens: 0, approvalChanged: 2, ruleOnly: 0, notEvaluated: 0 });
    assert.deepEqual(doc.changes.map((c: any) => [c.actionId, c.kind, c.happened?.kind ?? 'pending']), [['export-1', 'approval', 'approved'], ['export-2', 'approval', 'pending']]);
    assert.deepEqual(doc.changes[0].requirementChanges, ['quorum 1 → 2', 'groups data-stewards → data-stewards, security']);
  });

  it('given an invalid candidate, prints every file:line error and exits 1', async () => {
    const broken = await writeYaml(join(dir.path, 'broken'), 'p.yaml', CANDIDATE_YAML.replace('effect: deny', 'effect: refuse'));
    const run = await cli(['policy', 'simulate', '--policies', broken, '--principals', principalsDir], dir.path);
    assert.equal(run.code, 1);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /^.*broken\/p\.yaml:\d+: \/spec\/rules\/3\/effect must be one of allow, deny, require_approval\n$/);
  });

  it('given a data directory with no log, says so in one line and exits 1', async () => {
    const run = await cli(['policy', 'simulate', '--policies', candidateDir, '--principals', principalsDir], join(dir.path, 'nothing-here'));
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^countersign: no event log in .*nothing-here: set COUNTERSIGN_DATA_DIR/);
    assert.equal(run.stderr.trim().split('\n').length, 1);
  });

  it('given a time that is not ISO 8601, refuses the option', async () => {
    const run = await cli(['policy', 'simulate', '--policies', candidateDir, '--since', 'yesterday'], dir.path);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--since.*ISO 8601/);
  });
});
