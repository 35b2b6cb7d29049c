/**
 * The executor's side: read a job (JSON on stdin or in a file), verify, redeem, run, report.
 *
 *   COUNTERSIGN_API_KEY=demo-agent-key node --import tsx examples/executor/run.ts /tmp/job.json
 *
 * JWKS_FILE=<saved key set> verifies without fetching the server's /.well-known/jwks.json.
 */
import { readFileSync } from 'node:fs';
import { Countersign } from '@countersign/sdk';
import { executeJob, type Job } from './executor.ts';

const text = readFileSync(process.argv[2] ?? 0, 'utf8');
const job = JSON.parse(text) as Job;
const cs = new Countersign({ url: process.env.COUNTERSIGN_URL ?? 'http://127.0.0.1:8080', apiKey: process.env.COUNTERSIGN_API_KEY ?? 'demo-agent-key' });

const result = await executeJob(cs, job, {
  action: 'data.export',
  resourceAllowed: (resource) => resource.startsWith('prod/'),
  keys: process.env.JWKS_FILE ? { jwks: JSON.parse(readFileSync(process.env.JWKS_FILE, 'utf8')) } : { jwksUrl: cs.jwksUrl },
  ...(process.env.EXECUTOR_AUDIENCE ? { audience: process.env.EXECUTOR_AUDIENCE } : {}),
  run: async (params, claims) => `exported ${String(params.rows)} rows of ${claims.resource} as ${String(params.format)} (approved by ${claims.approvers.join(', ')})`,
});
console.log(JSON.stringify(result));
process.exit(result.status === 'succeeded' ? 0 : 1);
