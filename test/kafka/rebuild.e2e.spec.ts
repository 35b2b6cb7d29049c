import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { until } from '../support/until.ts';
import { openSystemLog, readEvents } from '../support/verify-log.ts';
import { spawn } from 'node:child_process';
import mongoose from 'mongoose';
import { client, KEYS } from '../support/api-client.ts';
import { distributedEnv, removeDir, ROOT, startCountersign } from '../support/countersign-process.ts';
import { E2E_ENV } from '../support/e2e-env.ts';

const COLLECTIONS = ['actions', 'audit_entries', 'action_events'];

async function snapshot(url: string, db: string): Promise<Record<string, unknown[]>> {
  const conn = await mongoose.createConnection(url, { dbName: db }).asPromise();
  try {
    const out: Record<string, unknown[]> = {};
    for (const name of COLLECTIONS) out[name] = await conn.collection(name).find({}).sort({ _id: 1 }).toArray();
    return out;
  } finally {
    await conn.close();
  }
}

function cli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['apps/cli/bin/countersign.mjs', ...args], { cwd: ROOT, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('read models dropped and rebuilt from offset 0 (kafka + mongodb)', () => {
  it('equal the ones before, document for document', async () => {
    const cs = await startCountersign({ env: E2E_ENV });
    const env: Record<string, string> = { ...E2E_ENV, ...distributedEnv(cs.dataDir) };
    try {
      const agent = client(cs.url, KEYS.agent);
      await agent.propose({ action: 'data.read', resource: 'prod/r1' });
      const pending = await agent.propose({ action: 'iam.escalate', resource: 'iam/role/r2' });
      await client(cs.url, KEYS.alice).post(`/v1/actions/${pending.body.id}/approve`, { comment: 'one of two' });
      const denied = await agent.propose({ action: 'data.export', resource: 'prod/r3' });
      await client(cs.url, KEYS.bob).post(`/v1/actions/${denied.body.id}/deny`, { reason: 'no' });
      await client(cs.url, KEYS.carol).post(`/v1/actions/${denied.body.id}/approve`, {});
      await agent.propose({ action: 'db.drop', resource: 'prod/r4' });
      // Answers come from the log: the projector may still be writing. Stop it once the read model
      // holds every event the log has (action_events has one document per event).
      const log = await openSystemLog({ brokers: env.COUNTERSIGN_KAFKA_BROKERS, namespace: env.COUNTERSIGN_KAFKA_NAMESPACE, mongoUrl: env.COUNTERSIGN_MONGO_URL, database: env.COUNTERSIGN_MONGO_DB });
      const inLog = await readEvents(log).finally(() => log.close());
      await until(async () => (await snapshot(env.COUNTERSIGN_MONGO_URL, env.COUNTERSIGN_MONGO_DB)).action_events.length >= inLog.length, 'the projector to catch up');
      await cs.processes.get('audit-projector')!.stop();
      const before = await snapshot(env.COUNTERSIGN_MONGO_URL, env.COUNTERSIGN_MONGO_DB);
      assert.ok(before.actions.length >= 4 && before.audit_entries.length > 10);

      const rebuilt = await cli(['readmodel', 'rebuild'], env);
      assert.equal(rebuilt.code, 0, rebuilt.stderr);
      assert.match(rebuilt.stdout, /rebuilt read models from \d+ events/);
      assert.deepEqual(await snapshot(env.COUNTERSIGN_MONGO_URL, env.COUNTERSIGN_MONGO_DB), before);

      const again = await cli(['readmodel', 'project', '--from', '0'], env);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /projected 0 new events/);
      assert.deepEqual(await snapshot(env.COUNTERSIGN_MONGO_URL, env.COUNTERSIGN_MONGO_DB), before);

      const bad = await cli(['readmodel', 'project', '--from', 'yesterday'], env);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /--from.*whole number/);
    } finally {
      await cs.kill9();
      await removeDir(cs.dataDir);
    }
  });
});
