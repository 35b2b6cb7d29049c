import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { importCheckpointJwks, verifyActionProof, type ActionProof, type CheckpointKeys } from '@countersign/contracts';
import { client, KEYS, type Client } from '../support/api-client.ts';
import { removeDir, ROOT, SHAPE, startCountersign, type RunningCountersign } from '../support/countersign-process.ts';
import { E2E_ENV } from '../support/e2e-env.ts';
import { until } from '../support/until.ts';

/**
 * Inclusion proofs and checkpoint queries over HTTP (ADR 0007), in both shapes: checkpoints signed
 * on an admin's request (the interval is an hour, so only requests sign), listed and paged by
 * auditors, and each action's proof verified offline with the keys of /.well-known/jwks.json
 * alone. An action newer than the last checkpoint has no proof yet (409).
 */
const ENV = { ...E2E_ENV, COUNTERSIGN_PRINCIPALS: join(ROOT, 'test/fixtures/standing-principals'), COUNTERSIGN_CHECKPOINT_INTERVAL: '1h' };
const ADMIN = 'ada-key';

async function proposeRead(agent: Client): Promise<string> {
  const res = await agent.propose({ action: 'data.read', resource: `prod/proofs-${randomUUID().slice(0, 8)}`, params: { rows: 1 } });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.body.status, 'approved');
  return res.body.id;
}

describe(`inclusion proofs and checkpoint queries (${SHAPE})`, () => {
  let cs: RunningCountersign;
  let keys: CheckpointKeys;
  const auditor = () => client(cs.url, KEYS.carol);
  const agent = () => client(cs.url, KEYS.agent);
  /** The action's events as GET …/events serves them, once its three (proposed, evaluated, approved) are there. */
  const eventsOf = async (id: string) => {
    let body: any;
    await until(async () => {
      body = (await agent().get(`/v1/actions/${id}/events`)).body;
      return body?.chain?.head?.seq === 3;
    }, `action ${id}'s events in /events`);
    return body;
  };
  /** Asks for a checkpoint and waits until the stored ones cover the action (its proof answers 200). */
  const checkpointCovering = async (id: string) => {
    const asked = await client(cs.url, ADMIN).post('/v1/audit/checkpoints');
    assert.equal(asked.status, 202, asked.text);
    await until(async () => (await agent().get(`/v1/actions/${id}/proof`)).status === 200, `a checkpoint covering ${id}`);
  };

  before(async () => {
    cs = await startCountersign({ env: ENV });
    const jwks = await client(cs.url).get('/.well-known/jwks.json');
    assert.equal(jwks.status, 200);
    keys = await importCheckpointJwks(jwks.body);
    assert.ok(keys.size >= 1, 'the JWKS publishes a checkpoint key');
  });
  after(async () => {
    await cs.stop();
    await removeDir(cs.dataDir);
  });

  it('given no checkpoint yet, then latest is 404, the list is empty, and a proof is 409 proof-not-yet with a retry hint', async () => {
    const latest = await auditor().get('/v1/audit/checkpoints/latest');
    assert.equal(latest.status, 404, latest.text);
    assert.equal(latest.body.type, 'https://countersign.dev/problems/no-checkpoint');
    assert.deepEqual((await auditor().get('/v1/audit/checkpoints')).body, { items: [], nextAfter: null });
    const id = await proposeRead(agent());
    await eventsOf(id);
    const proof = await agent().get(`/v1/actions/${id}/proof`);
    assert.equal(proof.status, 409, proof.text);
    assert.equal(proof.body.type, 'https://countersign.dev/problems/proof-not-yet');
    assert.equal(proof.body.latestCheckpoint, null);
    assert.match(proof.headers.get('retry-after') ?? '', /^\d+$/);
  });

  it('given several actions and a checkpoint, then each action\'s proof verifies offline against the signed root, with the events /events serves', async () => {
    const ids = [await proposeRead(agent()), await proposeRead(agent()), await proposeRead(agent())];
    const chains = await Promise.all(ids.map(eventsOf));
    await checkpointCovering(ids.at(-1)!);
    for (const [i, id] of ids.entries()) {
      const res = await agent().get(`/v1/actions/${id}/proof`);
      assert.equal(res.status, 200, res.text);
      const proof = res.body as ActionProof & { actionId: string; covered: { checkpoint: number; seq: number; hash: string } };
      const check = await verifyActionProof(proof, keys);
      assert.ok(check.ok, JSON.stringify(check));
      assert.deepEqual(check.head, { streamId: id, ...chains[i].chain.head });
      assert.deepEqual(proof.events, chains[i].events);
      assert.equal(proof.covered.checkpoint, check.checkpoint.number);
      // An auditor reads it too; what is proven cannot be edited unseen.
      assert.equal((await auditor().get(`/v1/actions/${id}/proof`)).status, 200);
      const edited = structuredClone(proof);
      (edited.events[0].data as { params: unknown }).params = { rows: 1_000_000 };
      assert.equal((await verifyActionProof(edited, keys)).ok, false);
    }
  });

  it('an action the caller cannot see, or that does not exist, is 404 exactly as GET /v1/actions/:id', async () => {
    const id = await proposeRead(agent());
    await eventsOf(id);
    for (const path of [`/v1/actions/${id}`, `/v1/actions/${id}/proof`]) {
      const res = await client(cs.url, KEYS.alice).get(path);
      assert.equal(res.status, 404, res.text);
      assert.equal(res.body.type, 'https://countersign.dev/problems/action-not-found');
    }
    assert.equal((await agent().get(`/v1/actions/${randomUUID()}/proof`)).status, 404);
    assert.equal((await agent().get(`/v1/actions/${id}/proof?x=1`)).status, 400);
  });

  it('given an action newer than the latest checkpoint, then its proof is 409 until the next checkpoint covers it', async () => {
    const id = await proposeRead(agent());
    await eventsOf(id);
    const latest = (await auditor().get('/v1/audit/checkpoints/latest')).body;
    const early = await agent().get(`/v1/actions/${id}/proof`);
    assert.equal(early.status, 409, early.text);
    assert.equal(early.body.latestCheckpoint, latest.number);
    await checkpointCovering(id);
    const check = await verifyActionProof((await agent().get(`/v1/actions/${id}/proof`)).body, keys);
    assert.ok(check.ok && check.checkpoint.number > latest.number);
  });

  it('checkpoints list in number order and page by after/limit; latest is the last; only auditors and admins read them', async () => {
    const all: any[] = [];
    let after = 0;
    for (;;) {
      const page = await auditor().get(`/v1/audit/checkpoints?after=${after}&limit=1`);
      assert.equal(page.status, 200, page.text);
      assert.ok(page.body.items.length <= 1);
      all.push(...page.body.items);
      if (page.body.nextAfter === null) break;
      after = page.body.nextAfter;
    }
    assert.ok(all.length >= 2);
    assert.deepEqual(all.map((c) => c.number), all.map((_, i) => i + 1));
    for (const item of all) {
      assert.deepEqual(Object.keys(item).sort(), ['at', 'changedCount', 'jws', 'kid', 'number', 'prev', 'root', 'streams']);
      assert.ok(keys.has(item.kid));
    }
    const whole = await client(cs.url, ADMIN).get('/v1/audit/checkpoints?limit=100');
    assert.deepEqual(whole.body.items, all);
    assert.deepEqual((await auditor().get('/v1/audit/checkpoints/latest')).body, all.at(-1));
    for (const key of [KEYS.agent, KEYS.alice]) {
      assert.equal((await client(cs.url, key).get('/v1/audit/checkpoints')).status, 403);
      assert.equal((await client(cs.url, key).get('/v1/audit/checkpoints/latest')).status, 403);
    }
    assert.equal((await client(cs.url).get('/v1/audit/checkpoints')).status, 401);
    for (const bad of ['limit=0', 'limit=101', 'after=-1', 'after=x', 'cursor=1']) {
      const res = await auditor().get(`/v1/audit/checkpoints?${bad}`);
      assert.equal(res.status, 400, `${bad}: ${res.text}`);
      assert.equal(res.body.errors[0].parameter, bad.split('=')[0]);
    }
  });
});
