import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { client, KEYS, type Client } from '../support/api-client.ts';
import { removeDir, startCountersign, type RunningCountersign, SHAPE } from '../support/countersign-process.ts';
import { E2E_ENV } from '../support/e2e-env.ts';
import { hostileRequests, type HostileRequest } from '../support/hostile-requests.ts';

/** Batches of generated requests; after each, a routine proposal must still be decided at once. */
const BATCHES = 4;
const RUNS_PER_BATCH = 100;
/** A request that takes longer than this counts as a dropped answer. */
const ANSWER_WITHIN_MS = 20_000;

/** Sends one request; the answer must be 2xx, or 4xx problem+json with type, title and status. */
async function answerOf(baseUrl: string, request: HostileRequest, statuses: Map<number, number>): Promise<string | undefined> {
  let res: Response;
  try {
    res = await fetch(baseUrl + request.path, { method: request.method, headers: request.headers, body: request.body, signal: AbortSignal.timeout(ANSWER_WITHIN_MS) });
  } catch (error) {
    return `no answer: ${(error as Error).message} ${String((error as Error).cause ?? '')}`;
  }
  const text = await res.text();
  statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
  if (res.status >= 200 && res.status < 300) return undefined;
  if (res.status < 400 || res.status >= 500) return `status ${res.status}: ${text.slice(0, 300)}`;
  if (!/^application\/problem\+json/.test(res.headers.get('content-type') ?? '')) return `status ${res.status} without problem+json: ${text.slice(0, 300)}`;
  const problem = JSON.parse(text);
  if (typeof problem.type !== 'string' || typeof problem.title !== 'string' || problem.status !== res.status) return `not a problem: ${text.slice(0, 300)}`;
  return undefined;
}

/** Issue 9: fast-check drives the running system's API with hostile requests. */
describe(`the API under generated hostile requests (${SHAPE})`, () => {
  let cs: RunningCountersign;
  let agent: Client;
  const known: string[] = [];

  before(async () => {
    // The fuzz is not about quotas: a generous byte allowance keeps the agent's routine proposals in.
    cs = await startCountersign({ env: { ...E2E_ENV, COUNTERSIGN_PROPOSAL_BYTES_PER_WINDOW: String(256 * 1024 * 1024) } });
    agent = client(cs.url, KEYS.agent);
    for (const resource of ['prod/a', 'prod/b', 'prod/c']) known.push((await agent.propose({ action: 'data.export', resource })).body.id);
    known.push((await agent.propose({ action: 'data.read', resource: 'prod/orders' })).body.id);
  });
  after(async () => {
    await cs.stop();
    await removeDir(cs.dataDir);
  });

  for (let batch = 1; batch <= BATCHES; batch += 1) {
    it(`batch ${batch}: every answer is 2xx or a 4xx problem, and a routine proposal is decided at once afterwards`, async (t) => {
      const statuses = new Map<number, number>();
      await fc.assert(
        fc.asyncProperty(hostileRequests(known), async (request) => {
          const fault = await answerOf(cs.url, request, statuses);
          assert.equal(fault, undefined, `${request.method} ${request.path} ${JSON.stringify(request.headers)}`);
        }),
        { numRuns: RUNS_PER_BATCH },
      );
      t.diagnostic(`answers by status: ${[...statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(', ')}`);
      const routine = await agent.propose({ action: 'data.read', resource: 'prod/orders' });
      assert.equal(routine.status, 201, routine.text);
      assert.equal(routine.body.status, 'approved');
    });
  }
});
