/**
 * The requester's side: propose an export, wait for the decision, and write the job (action id,
 * grant, params) for the executor. Run it again with the same arguments after an interruption: the
 * idempotency key makes it find the same action. See README.md:
 *
 *   COUNTERSIGN_API_KEY=demo-agent-key node --import tsx examples/executor/request.ts orders 5000 > /tmp/job.json
 */
import { Countersign } from '@countersign/sdk';
import type { Job } from './executor.ts';

const [table = 'orders', rows = '5000'] = process.argv.slice(2);
const cs = new Countersign({ url: process.env.COUNTERSIGN_URL ?? 'http://127.0.0.1:8080', apiKey: process.env.COUNTERSIGN_API_KEY ?? 'demo-agent-key' });
const params = { format: 'csv', rows: Number(rows) };

const proposed = await cs.propose(
  { action: 'data.export', resource: `prod/${table}`, params, justification: 'nightly export, run by the executor' },
  { idempotencyKey: `executor-example:${table}:${rows}:${new Date().toISOString().slice(0, 10)}` },
);
console.error(`action ${proposed.id}: ${proposed.status}${proposed.status === 'pending' ? ` (approve it: POST /v1/actions/${proposed.id}/approve as ${proposed.approval?.eligible.join(' or ')})` : ''}`);

const decided = await cs.waitForDecision(proposed.id, { timeout: Number(process.env.WAIT_MS ?? 30 * 60_000) });
if (decided.status !== 'approved') {
  console.error(`action ${decided.id} was ${decided.status}: ${decided.decision?.reason ?? ''}`);
  process.exit(1);
}
const { grant, expiresAt } = await cs.getGrant(decided.id);
console.error(`grant issued, valid until ${expiresAt}`);
const job: Job = { actionId: decided.id, grant, params };
console.log(JSON.stringify(job));
