// `countersign request` and `countersign actions …` as subprocesses against the real system: exit
// statuses, the grant on stdout, and a command after `--` that runs only once approved.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { client, KEYS, type Client } from '../support/api-client.ts';
import { cli, startCli } from '../support/cli-process.ts';
import { freePort, removeDir, startCountersign, type RunningCountersign, SHAPE } from '../support/countersign-process.ts';
import { E2E_ENV } from '../support/e2e-env.ts';
import { until } from '../support/until.ts';

const PENDING = /action ([0-9a-f-]{36}): pending/;
/** A command that records what it was given: the grant, the action id, the params. */
const RECORDER = "require('fs').writeFileSync(process.argv[1], JSON.stringify({ grant: process.env.COUNTERSIGN_GRANT, id: process.env.COUNTERSIGN_ACTION_ID, params: process.env.COUNTERSIGN_PARAMS })); process.exit(Number(process.argv[2] ?? 0))";

const claims = (jws: string) => JSON.parse(Buffer.from(jws.split('.')[1], 'base64url').toString('utf8'));

describe(`countersign CLI as a subprocess (${SHAPE})`, () => {
  let cs: RunningCountersign;
  let agent: Client;
  let dir: string;
  let n = 0;
  /** A fresh file path the recorder command would write. */
  const marker = () => join(dir, `ran-${++n}.json`);
  const recorder = (file: string, status = 0) => ['--', process.execPath, '-e', RECORDER, file, String(status)];
  const as = (key: string) => (args: string[]) => cli(args, cs.url, key);

  before(async () => {
    cs = await startCountersign({ env: E2E_ENV });
    agent = client(cs.url, KEYS.agent);
    dir = mkdtempSync(join(tmpdir(), 'countersign-cli-e2e-'));
  });
  after(async () => {
    await cs.stop();
    await removeDir(cs.dataDir);
    rmSync(dir, { recursive: true, force: true });
  });

  it('approved: shows who it waits for, exits 0 and prints the grant of exactly these params on stdout', async () => {
    const run = startCli(['request', 'data.export', 'prod/customers', '--param', 'format=csv', '--param', 'rows=5000', '--justification', 'churn report', '--wait', '2m'], cs.url, KEYS.agent);
    const [, id] = await run.stderrMatch(PENDING);
    await run.stderrMatch(/waiting for 1 approval from data-stewards \(eligible: alice, bob\); deadline \S+ \(in \d+h\d\dm\)/);
    const approve = await as(KEYS.bob)(['actions', 'approve', id, '--comment', 'checked']);
    assert.equal(approve.code, 0, approve.stderr);
    assert.match(approve.stdout, new RegExp(`^action ${id} approved by bob`));
    const done = await run.done;
    assert.equal(done.code, 0, done.stderr);
    const grant = done.stdout.trim();
    assert.match(grant, /^[\w-]+\.[\w-]+\.[\w-]+$/);
    assert.equal(done.stdout, `${grant}\n`, 'stdout holds the grant alone');
    const view = (await agent.get(`/v1/actions/${id}`)).body;
    assert.deepEqual(view.params, { format: 'csv', rows: 5000 });
    const c = claims(grant);
    assert.equal(c.sub, id);
    assert.equal(c.paramsHash, view.paramsHash);
    assert.deepEqual(c.approvers, ['bob']);
  });

  it('with -- <command>: runs it only once approved, with the grant in its environment, redeems and reports, and exits with its status', async () => {
    const file = marker();
    const run = startCli(['request', 'data.export', 'prod/orders', '--param', 'rows=10', '--wait', '2m', ...recorder(file, 42)], cs.url, KEYS.agent);
    const [, id] = await run.stderrMatch(PENDING);
    assert.equal(existsSync(file), false, 'nothing runs before the approval');
    assert.equal((await as(KEYS.alice)(['actions', 'approve', id])).code, 0);
    const done = await run.done;
    assert.equal(done.code, 42, done.stderr);
    assert.match(done.stderr, /exited with status 42; execution reported as failed/);
    const seen = JSON.parse(readFileSync(file, 'utf8'));
    assert.equal(seen.id, id);
    assert.equal(claims(seen.grant).sub, id);
    assert.deepEqual(JSON.parse(seen.params), { rows: 10 });
    await until(async () => (await agent.get(`/v1/actions/${id}`)).body.execution?.status === 'failed', 'the execution reported as failed');
    const show = await as(KEYS.agent)(['actions', 'show', id]);
    assert.match(show.stdout, /^execution +failed by demo-agent.*exited with status 42$/m);
  });

  it('denied by policy: exits 3 at once and never runs the command', async () => {
    const file = marker();
    const done = await as(KEYS.agent)(['request', 'db.drop', 'prod/orders', ...recorder(file)]);
    assert.equal(done.code, 3, done.stderr);
    assert.match(done.stderr, /denied by policy \(rule no-drops\).*Dropping databases is never allowed\.; the command was not run/);
    assert.equal(existsSync(file), false);
  });

  it('denied by an approver with actions deny: exits 3 and never runs the command', async () => {
    const file = marker();
    const run = startCli(['request', 'data.export', 'prod/denied', ...recorder(file)], cs.url, KEYS.agent);
    const [, id] = await run.stderrMatch(PENDING);
    const deny = await as(KEYS.bob)(['actions', 'deny', id, '--reason', 'not this quarter']);
    assert.equal(deny.code, 0, deny.stderr);
    const done = await run.done;
    assert.equal(done.code, 3, done.stderr);
    assert.match(done.stderr, /denied by bob .*: .*not this quarter/);
    assert.equal(existsSync(file), false);
  });

  it('expired (a 2-second timeout rule): exits 4 and never runs the command', async () => {
    const file = marker();
    const done = await as(KEYS.agent)(['request', 'ops.restart', 'prod/web', ...recorder(file)]);
    assert.equal(done.code, 4, done.stderr);
    assert.match(done.stderr, /expired/);
    assert.equal(existsSync(file), false);
  });

  it('cancelled with actions cancel: exits 5 and never runs the command', async () => {
    const file = marker();
    const run = startCli(['request', 'data.export', 'prod/cancelled', ...recorder(file)], cs.url, KEYS.agent);
    const [, id] = await run.stderrMatch(PENDING);
    const cancel = await as(KEYS.agent)(['actions', 'cancel', id, '--reason', 'wrong table']);
    assert.equal(cancel.code, 0, cancel.stderr);
    const done = await run.done;
    assert.equal(done.code, 5, done.stderr);
    assert.equal(existsSync(file), false);
  });

  it('still pending at --wait: exits 6; the same --idempotency-key resumes the same action instead of proposing again, and never runs the command twice', async () => {
    const file = marker();
    const args = ['request', 'data.export', 'prod/resumed', '--param', 'rows=7', '--idempotency-key', `resume-${Date.now()}`, '--wait', '1s', ...recorder(file)];
    const first = await as(KEYS.agent)(args);
    assert.equal(first.code, 6, first.stderr);
    assert.match(first.stderr, /still pending after --wait; it stays open: re-run with --idempotency-key resume-/);
    const [, id] = PENDING.exec(first.stderr)!;
    const second = startCli(args.map((a) => (a === '1s' ? '2m' : a)), cs.url, KEYS.agent);
    const [, again] = await second.stderrMatch(PENDING);
    assert.equal(again, id, 'the wait resumed on the same action');
    assert.equal((await as(KEYS.bob)(['actions', 'approve', id])).code, 0);
    const done = await second.done;
    assert.equal(done.code, 0, done.stderr);
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).id, id);
    rmSync(file);
    const rerun = await as(KEYS.agent)(args.map((a) => (a === '1s' ? '2m' : a)));
    assert.equal(rerun.code, 1, rerun.stderr);
    assert.match(rerun.stderr, /409 already-redeemed: .*; the command was not run|get the grant of action .*: 409 already-redeemed/);
    assert.equal(existsSync(file), false, 'a re-run job never runs the command twice');
    await until(async () => (await agent.get('/v1/actions?requester=me&action=data.export&limit=1000')).body.items.some((a: { id: string }) => a.id === id), 'the action listed');
    const listed = (await agent.get('/v1/actions?requester=me&action=data.export&limit=1000')).body.items.filter((a: { resource: string }) => a.resource === 'prod/resumed');
    assert.equal(listed.length, 1, 'proposed once');
  });

  it('Ctrl-C while waiting: leaves the action pending, prints its id, exits 130', async () => {
    const file = marker();
    const run = startCli(['request', 'data.export', 'prod/interrupted', ...recorder(file)], cs.url, KEYS.agent);
    const [, id] = await run.stderrMatch(PENDING);
    run.child.kill('SIGINT');
    const done = await run.done;
    assert.equal(done.code, 130, done.stderr);
    assert.match(done.stderr, new RegExp(`interrupted: action ${id} is still pending; it was not cancelled`));
    assert.equal((await agent.get(`/v1/actions/${id}`)).body.status, 'pending');
    assert.equal(existsSync(file), false);
  });

  it('unreachable: exits 7 naming the URL, and never runs the command', async () => {
    const file = marker();
    const nowhere = `http://127.0.0.1:${await freePort()}`;
    const done = await cli(['request', 'data.export', 'prod/x', ...recorder(file)], nowhere, KEYS.agent);
    assert.equal(done.code, 7, done.stderr);
    assert.match(done.stderr, new RegExp(`^countersign: propose data.export on prod/x: Countersign at ${nowhere} is unreachable: .*ECONNREFUSED`, 'm'));
    assert.equal(existsSync(file), false);
  });

  it('actions list and show: the queue as a table and as JSON, one action in detail; refusals and bad flags are one line', async () => {
    const proposed = (await agent.propose({ action: 'iam.escalate', resource: 'iam/role/cli', params: { user: 'dave' }, justification: 'incident 7' })).body;
    await until(async () => (await client(cs.url, KEYS.erin).get('/v1/actions?approver=me')).body.items.some((a: { id: string }) => a.id === proposed.id), 'the action in the queue');
    const table = await as(KEYS.erin)(['actions', 'list', '--approver-me']);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^ID +STATUS +ACTION +RESOURCE +REQUESTER +APPROVALS +CREATED$/m);
    assert.match(table.stdout, new RegExp(`^${proposed.id} +pending +iam\\.escalate +iam/role/cli +demo-agent +0/2 `, 'm'));
    const json = JSON.parse((await as(KEYS.erin)(['actions', 'list', '--approver-me', '--status', 'pending', '--json'])).stdout);
    assert.ok(json.items.some((a: { id: string }) => a.id === proposed.id));
    const show = await as(KEYS.erin)(['actions', 'show', proposed.id]);
    assert.match(show.stdout, /^approval +0 of 2 from data-stewards, security; eligible: .*erin/m);
    assert.match(show.stdout, /^justification +incident 7$/m);
    const shownJson = JSON.parse((await as(KEYS.erin)(['actions', 'show', proposed.id, '--json'])).stdout);
    assert.equal(shownJson.id, proposed.id);
    const self = await as(KEYS.agent)(['actions', 'approve', proposed.id]);
    assert.equal(self.code, 1);
    assert.match(self.stderr, new RegExp(`^countersign: approve ${proposed.id}: 403 self-approval: .+\\n$`));
    const bad = await as(KEYS.erin)(['actions', 'list', '--status', 'open']);
    assert.equal(bad.code, 2);
    assert.equal(bad.stderr, 'countersign: --status "open": expected one of proposed, pending, approved, denied, expired, cancelled\n');
    const param = await as(KEYS.agent)(['request', 'data.export', 'prod/x', '--param', 'rows']);
    assert.equal(param.code, 2);
    assert.equal(param.stderr, 'countersign: --param "rows": expected k=v\n');
  });
});
