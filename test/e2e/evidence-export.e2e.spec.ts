import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { computeEventHash, type ActionProof, type EventEnvelope } from '@countersign/contracts';
import { client, KEYS, type Client } from '../support/api-client.ts';
import { cliNodeArgs } from '../support/cli-process.ts';
import { removeDir, ROOT, SHAPE, startCountersign, type RunningCountersign } from '../support/countersign-process.ts';
import { E2E_ENV } from '../support/e2e-env.ts';
import { readBundle, repack, sha256, verifyBundleByHand, type Bundle } from '../support/evidence-bundle.ts';
import { until } from '../support/until.ts';

/**
 * Evidence bundles and audit exports (issue 13), in both shapes: a few actions decided, checkpoints
 * at a 1 s interval, a bundle exported through the API and through the CLI, then verified with the
 * server stopped, by hand (sha256, chains, proofs under the pinned keys) and by `countersign audit
 * verify`; NDJSON and CSV exports give the rows of GET /v1/audit's pages.
 */
const CLI = cliNodeArgs();
const HAS_VERIFY = existsSync(join(ROOT, 'apps/cli/src/audit-verify-command.ts'));

function cli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [...CLI, ...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

describe(`evidence bundles and audit exports (${SHAPE})`, () => {
  let cs: RunningCountersign;
  let carol: Client;
  let work: string;
  let ids: string[];
  let startedAt: string;
  let pinned: unknown;
  const saved: Record<string, Buffer> = {};
  const get = (path: string, key: string = KEYS.carol) => fetch(`${cs.url}${path}`, { headers: { authorization: `Bearer ${key}` } });

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'evidence-e2e-'));
    cs = await startCountersign({ env: { ...E2E_ENV, COUNTERSIGN_CHECKPOINT_INTERVAL: '1s' } });
    carol = client(cs.url, KEYS.carol);
    const agent = client(cs.url, KEYS.agent);
    startedAt = new Date().toISOString();
    const approved = (await agent.propose({ action: 'data.export', resource: 'prod/evidence-1' })).body.id;
    await client(cs.url, KEYS.bob).post(`/v1/actions/${approved}/approve`, { comment: 'ticket checked' });
    const denied = (await agent.propose({ action: 'data.export', resource: 'prod/evidence-2' })).body.id;
    await client(cs.url, KEYS.alice).post(`/v1/actions/${denied}/deny`, { reason: 'PII not masked' });
    const read = (await agent.propose({ action: 'data.read', resource: 'prod/evidence-3' })).body.id;
    ids = [approved, denied, read];
    const decided = new Set(['ActionApproved', 'ActionDenied']);
    await until(async () => {
      const rows: { actionId: string; type: string }[] = (await carol.get('/v1/audit?limit=1000')).body.items ?? [];
      return ids.every((id) => rows.some((e) => e.actionId === id && decided.has(e.type)));
    }, 'the three decisions in the audit trail');
    // A checkpoint after the decisions: every action's last event is under a signature.
    const heads = await Promise.all(ids.map(async (id) => (await carol.get(`/v1/actions/${id}/events`)).body.chain.head as { seq: number; hash: string }));
    await until(async () => {
      const res = await get('/v1/audit/export');
      if (res.status !== 200) return false;
      const proofs = (await readBundle(Buffer.from(await res.arrayBuffer()))).lines<ActionProof>('proofs.ndjson');
      return ids.every((id, i) => proofs.some((p) => p.events[0].streamId === id && p.events.at(-1)!.hash === heads[i].hash));
    }, 'a checkpoint covering the three decided actions', 90_000);
    pinned = JSON.parse(await (await fetch(`${cs.url}/.well-known/jwks.json`)).text());
  });
  after(async () => {
    await cs.stop();
    await removeDir(cs.dataDir);
    await rm(work, { recursive: true, force: true });
  });

  it('given an auditor, when the bundle is exported through the API, then it is a gzip tar attachment holding every action with a proof each', async () => {
    const res = await get('/v1/audit/export');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/gzip');
    assert.match(res.headers.get('content-disposition') ?? '', /^attachment; filename="countersign-evidence-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z\.tar\.gz"$/);
    saved.api = Buffer.from(await res.arrayBuffer());
    const bundle = await readBundle(saved.api);
    assert.equal(bundle.manifest.complete, true);
    assert.ok(ids.every((id) => bundle.manifest.actions.includes(id)));
    assert.equal(bundle.manifest.counts.events, bundle.lines('events.ndjson').length);
    const proved = bundle.lines<ActionProof>('proofs.ndjson').map((p) => p.events[0].streamId);
    assert.ok(ids.every((id) => proved.includes(id)));
    const csv = parse(bundle.entries.get('audit.csv')!.toString('utf8'), { columns: true }) as Record<string, string>[];
    assert.ok(ids.every((id) => csv.some((r) => r.actionId === id)));
    assert.ok([...bundle.entries.keys()].some((p) => /^policies\/[0-9a-f]{64}\/version\.json$/.test(p)), 'the policy in force');
    const jwks = JSON.parse(bundle.entries.get('keys/jwks.json')!.toString('utf8')) as { keys: { kid: string; notBefore?: string }[] };
    assert.deepEqual(jwks.keys.map((k) => k.kid), (pinned as typeof jwks).keys.filter((k) => k.notBefore).map((k) => k.kid), 'the checkpoint keys the gateway publishes');
  });

  it('given an auditor, when the CLI exports one action, then the file holds that action alone and is never overwritten without --force', async () => {
    const out = join(work, 'one.tar.gz');
    const env = { COUNTERSIGN_URL: cs.url, COUNTERSIGN_API_KEY: KEYS.carol };
    const first = await cli(['audit', 'export', '--action', ids[0], '--out', out], env);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /^wrote .*one\.tar\.gz \(\d+ bytes\)\n$/);
    saved.cli = await readFile(out);
    const bundle = await readBundle(saved.cli);
    assert.deepEqual([bundle.manifest.complete, bundle.manifest.filters, bundle.manifest.actions], [false, { actions: [ids[0]] }, [ids[0]]]);
    const again = await cli(['audit', 'export', '--action', ids[0], '--out', out], env);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /exists; pass --force/);
    assert.deepEqual(await readFile(out), saved.cli, 'untouched');
    const forced = await cli(['audit', 'export', '--out', out, '--force'], env);
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal((await readBundle(await readFile(out))).manifest.complete, true);
  });

  it('given someone without the auditor role, then the export is refused 403 (API and CLI), and a bad filter 400 naming it', async () => {
    assert.equal((await get('/v1/audit/export', KEYS.agent)).status, 403);
    assert.equal((await get('/v1/audit?format=ndjson', KEYS.bob)).status, 403);
    const cliRefused = await cli(['audit', 'export', '--out', join(work, 'no.tar.gz')], { COUNTERSIGN_URL: cs.url, COUNTERSIGN_API_KEY: KEYS.agent });
    assert.equal(cliRefused.code, 1);
    assert.match(cliRefused.stderr, /403 forbidden/);
    assert.equal(existsSync(join(work, 'no.tar.gz')), false);
    const bad = await get('/v1/audit/export?actionId=data.export');
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { errors: { parameter: string }[] }).errors[0].parameter, 'actionId');
  });

  it('given the same filters, then NDJSON and CSV exports give exactly the rows of GET /v1/audit\'s pages', async () => {
    const filter = `from=${encodeURIComponent(startedAt)}&type=VoteRecorded`;
    for (const q of [`from=${encodeURIComponent(startedAt)}`, filter, `actionId=${ids[0]}&actionId=${ids[1]}`]) {
      const paged: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { items: { id: string }[]; nextCursor: string | null } = (await carol.get(`/v1/audit?${q}&limit=2${cursor ? `&cursor=${cursor}` : ''}`)).body;
        paged.push(...page.items.map((e) => e.id));
        cursor = page.nextCursor;
      } while (cursor);
      assert.ok(paged.length > 0, q);
      for (const [how, res] of [['format', await get(`/v1/audit?${q}&format=ndjson`)], ['accept', await fetch(`${cs.url}/v1/audit?${q}`, { headers: { authorization: `Bearer ${KEYS.carol}`, accept: 'application/x-ndjson' } })]] as const) {
        assert.equal(res.headers.get('content-type'), 'application/x-ndjson', how);
        assert.deepEqual((await res.text()).split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { id: string }).id), paged, `${q} (${how})`);
      }
      const csv = parse(await (await get(`/v1/audit?${q}&format=csv`)).text(), { columns: true }) as Record<string, string>[];
      assert.deepEqual(csv.map((r) => `${r.actionId}:${r.seq.padStart(8, '0')}`), paged, q);
    }
    const out = join(work, 'trail.ndjson');
    const viaCli = await cli(['audit', 'export', '--format', 'ndjson', '--from', startedAt, '--out', out], { COUNTERSIGN_URL: cs.url, COUNTERSIGN_API_KEY: KEYS.carol });
    assert.equal(viaCli.code, 0, viaCli.stderr);
    const all = (await get(`/v1/audit?from=${encodeURIComponent(startedAt)}&format=ndjson`)).text();
    assert.equal(await readFile(out, 'utf8'), await all);
  });

  it('given the server stopped, then both bundles verify offline by hand against the pinned keys, and a tampered copy does not', async () => {
    await cs.stop();
    for (const name of ['api', 'cli'] as const) {
      const { verdict, proofs } = await verifyBundleByHand(await readBundle(saved[name]), pinned);
      assert.equal(verdict.verdict, 'verified', `${name}: ${JSON.stringify(verdict.findings)}`);
      assert.ok(proofs.length >= 1);
    }
    const tampered = await tamper(await readBundle(saved.api), ids[0]);
    const { verdict } = await verifyBundleByHand(await readBundle(tampered), pinned);
    assert.equal(verdict.verdict, 'failed');
    assert.ok(verdict.findings.some((f) => f.code === 'head-mismatch' && f.streamId === ids[0]), JSON.stringify(verdict.findings));
  });

  it('given the server stopped, then `countersign audit verify` passes the bundle (exit 0) and fails a tampered copy (exit 1)', { skip: HAS_VERIFY ? false : 'countersign audit verify is not there yet' }, async () => {
    const keys = join(work, 'pinned-jwks.json');
    await writeFile(keys, JSON.stringify(pinned));
    await writeFile(join(work, 'bundle.tar.gz'), saved.api);
    await writeFile(join(work, 'tampered.tar.gz'), await tamper(await readBundle(saved.api), ids[0]));
    const ok = await cli(['audit', 'verify', join(work, 'bundle.tar.gz'), '--keys', keys], {});
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    const bad = await cli(['audit', 'verify', join(work, 'tampered.tar.gz'), '--keys', keys], {});
    assert.equal(bad.code, 1, bad.stdout + bad.stderr);
  });
});

/**
 * An edit an operator could make: the first event of `streamId` changed and the stream's hashes
 * recomputed, the manifest updated to match. Only the checkpoints can tell.
 */
async function tamper(bundle: Bundle, streamId: string): Promise<Buffer> {
  const events = bundle.lines<EventEnvelope<string, Record<string, unknown>>>('events.ndjson');
  let prevHash: string | undefined;
  for (const e of events.filter((x) => x.streamId === streamId)) {
    if (e.seq === 1) e.data = { ...e.data, resource: 'prod/something-else' };
    if (prevHash) e.prevHash = prevHash;
    e.hash = computeEventHash(e);
    prevHash = e.hash;
  }
  const entries = new Map(bundle.entries);
  const body = Buffer.from(events.map((e) => `${JSON.stringify(e)}\n`).join(''));
  entries.set('events.ndjson', body);
  const manifest = { ...bundle.manifest, files: bundle.manifest.files.map((f) => (f.path === 'events.ndjson' ? { ...f, sha256: sha256(body), bytes: body.length } : f)) };
  entries.set('manifest.json', Buffer.from(JSON.stringify(manifest, null, 2)));
  return repack(bundle, entries);
}
