/**
 * Routine infrastructure restarts under load, on a Kafka broker and a FerretDB of this file's own:
 * a broker restart (a rolling upgrade) and a database failover must cost answers (503 with
 * Retry-After), never the processes, the consumers or a decision.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { TOPICS, type ActionEvent } from '@countersign/contracts';
import { createKafkaEventLog, namespacedEventLog, type EventLog } from '@countersign/eventlog';
import { client, KEYS, type Client } from '../support/api-client.ts';
import { distributedEnv, removeDir, startCountersign } from '../support/countersign-process.ts';
import { startDedicatedInfra, type DedicatedInfra } from '../support/dedicated-infra.ts';
import { E2E_ENV } from '../support/e2e-env.ts';

const DECISIONS = new Set(['ActionApproved', 'ActionDenied', 'ActionExpired', 'ActionCancelled']);
const SERVICES = ['audit-projector', 'approval-router', 'policy-evaluator', 'notifier', 'gateway'];

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const readyz = async (url: string) => (await fetch(`${url}/readyz`).catch(() => undefined))?.status;

/** Proposals at a steady pace in the background, each answer kept. */
function steadyLoad(agent: Client, perSecond: number) {
  const answers: Array<{ status: number; id?: string; retryAfter: string | null }> = [];
  let running = true;
  const loop = (async () => {
    for (let i = 0; running; i += 1) {
      const started = Date.now();
      const res = await agent.propose({ action: 'data.read', resource: `prod/load-${i}` }).catch(() => undefined);
      answers.push(res ? { status: res.status, id: res.body?.id, retryAfter: res.headers.get('retry-after') } : { status: 0, retryAfter: null });
      await new Promise((r) => setTimeout(r, Math.max(0, 1000 / perSecond - (Date.now() - started))));
    }
  })();
  return { answers, stop: async () => ((running = false), await loop) };
}

/** Opens the system's Kafka log from the test, as a producer inside the cluster would. */
async function openLog(dataDir: string, brokers: string): Promise<EventLog> {
  const kafka = await createKafkaEventLog({ brokers: brokers.split(','), clientId: `e2e-${randomUUID().slice(0, 8)}`, log: () => undefined });
  return namespacedEventLog(kafka, distributedEnv(dataDir).COUNTERSIGN_KAFKA_NAMESPACE);
}

async function eventsOf(log: EventLog, actionId: string): Promise<ActionEvent[]> {
  const events: ActionEvent[] = [];
  await log.readAll(TOPICS.events, (records) => {
    for (const r of records) if ((r.value as ActionEvent)?.streamId === actionId) events.push(r.value as ActionEvent);
  });
  return events;
}

/**
 * What the log and the processes say of an action the read model lacks: whether its command and
 * events are on the log (lost, or not projected), and each process's readiness (a stuck consumer).
 */
async function diagnose(cs: Awaited<ReturnType<typeof startCountersign>>, infra: DedicatedInfra, id: string): Promise<string> {
  const log = await openLog(cs.dataDir, infra.env.COUNTERSIGN_KAFKA_BROKERS);
  try {
    const commands: string[] = [];
    await log.readAll(TOPICS.proposals, (records) => {
      for (const r of records) if (r.key === id) commands.push(`proposal at ${r.partition}/${r.offset}`);
    });
    await log.readAll(TOPICS.commands, (records) => {
      for (const r of records) if ((r.value as { actionId?: string })?.actionId === id) commands.push(`${(r.value as { type: string }).type} at ${r.partition}/${r.offset}`);
    });
    const events = (await eventsOf(log, id)).map((e) => `${e.seq}:${e.type}`);
    const deadLetters: string[] = [];
    await log.readAll(TOPICS.deadLetter, (records) => {
      for (const r of records) if (r.key === id || JSON.stringify(r.value).includes(id)) deadLetters.push(JSON.stringify(r.value).slice(0, 600));
    });
    const ready = await Promise.all(SERVICES.map(async (s) => `${s} ${(await fetch(`${cs.serviceUrl(s)}/readyz`).then((r) => r.text()).catch((e) => String(e))).slice(0, 400)}`));
    const warnings = cs.output().split('\n').filter((line) => /warn|error|fail|dead/i.test(line)).slice(-30);
    return [`commands on the log: ${JSON.stringify(commands)}`, `events on the log: ${JSON.stringify(events)}`, `dead letters: ${JSON.stringify(deadLetters)}`, ...ready, 'last warnings:', ...warnings].join('\n');
  } finally {
    await log.close();
  }
}

describe('infrastructure outages under load (kafka + mongodb)', () => {
  let infra: DedicatedInfra;
  before(async () => (infra = await startDedicatedInfra()));
  after(async () => infra?.down());

  it('a broker stopped and started again: 503 with Retry-After meanwhile, readiness says why, every consumer resumes by itself, every accepted proposal is decided once', async () => {
    const cs = await startCountersign({ env: { ...E2E_ENV, ...infra.env } });
    try {
      const agent = client(cs.url, KEYS.agent);
      const load = steadyLoad(agent, 8);
      await until(() => load.answers.filter((a) => a.status === 201).length >= 10, 'proposals decided before the outage');
      await infra.stop('kafka');
      await until(() => load.answers.some((a) => a.status === 503), 'a 503 while the broker is away');
      const unavailable = load.answers.find((a) => a.status === 503)!;
      assert.match(unavailable.retryAfter ?? '', /^\d+$/, 'a 503 says when to try again');
      await until(async () => (await readyz(cs.serviceUrl('approval-router'))) === 503, 'the router not ready while the broker is away');
      await infra.up();
      await until(async () => (await Promise.all(SERVICES.map((s) => readyz(cs.serviceUrl(s))))).every((s) => s === 200), 'every process ready again');
      await until(() => load.answers.filter((a) => a.status === 201).length >= 20 && load.answers.at(-1)?.status === 201, 'proposals decided again');
      await load.stop();

      assert.deepEqual(load.answers.filter((a) => a.status >= 500 && a.status !== 503), [], 'no answer but 503 for the outage');
      for (const process of cs.processes.values()) assert.equal(await Promise.race([process.exited, Promise.resolve('alive')]), 'alive');
      const accepted = load.answers.filter((a) => (a.status === 201 || a.status === 202) && a.id);
      assert.ok(accepted.length >= 20);
      for (const { id, status } of accepted) {
        const decided = await agent.get(`/v1/actions/${id}?wait=30s`);
        if (decided.body.status !== 'approved') assert.fail(`action ${id} (answered ${status}) not decided after the outage: ${decided.status} ${decided.text}\n${await diagnose(cs, infra, id!)}`);
        const chain = await agent.get(`/v1/actions/${id}/events`);
        const decisions = chain.body.events.filter((e: { type: string }) => DECISIONS.has(e.type));
        assert.equal(decisions.length, 1, `action ${id} has one decision`);
      }
    } finally {
      await cs.kill9();
      await removeDir(cs.dataDir);
    }
  });

  it('the database stopped and started again: the gateway answers 503 and lives, a router starts and decides without it, the read models catch up', async () => {
    const cs = await startCountersign({ env: { ...E2E_ENV, ...infra.env } });
    const log = await openLog(cs.dataDir, infra.env.COUNTERSIGN_KAFKA_BROKERS);
    try {
      const agent = client(cs.url, KEYS.agent);
      const pending = await agent.propose({ action: 'data.export', resource: 'prod/during-failover' });
      assert.equal(pending.body.status, 'pending');
      const id = pending.body.id as string;

      await infra.stop('ferretdb');
      const read = await agent.get(`/v1/actions/${id}`);
      assert.equal(read.status, 503, read.text);
      assert.match(read.headers.get('retry-after') ?? '', /^\d+$/);
      assert.equal(read.headers.get('content-type'), 'application/problem+json; charset=utf-8');

      // The router, evaluator and notifier never need the database: a router restarted now starts.
      await cs.processes.get('approval-router')!.kill9();
      await cs.startService('approval-router', 'approval-router', infra.env);
      await cs.processes.get('notifier')!.kill9();
      await cs.startService('notifier', 'notifier', infra.env);
      // A vote put on the commands topic directly (a producer inside the cluster) is decided now.
      await log.append(TOPICS.commands, [{
        key: id,
        value: {
          id: randomUUID(), type: 'CastVote', actionId: id, issuedAt: new Date().toISOString(), actor: { id: 'bob', kind: 'human' },
          correlationId: id, data: { voter: 'bob', voterIdentities: [], decision: 'approve', via: 'api' },
        },
      }]);
      await until(async () => (await eventsOf(log, id)).some((e) => e.type === 'ActionApproved'), 'the decision on the log while the database is away');
      assert.equal((await agent.get(`/v1/actions/${id}`)).status, 503, 'still no read model');
      for (const name of ['gateway', 'audit-projector']) assert.equal(await Promise.race([cs.processes.get(name)!.exited, Promise.resolve('alive')]), 'alive', `${name} is alive`);

      await infra.up();
      await until(async () => (await agent.get(`/v1/actions/${id}`)).body?.status === 'approved', 'the read model caught up');
      const chain = await agent.get(`/v1/actions/${id}/events`);
      assert.deepEqual(chain.body.events.map((e: { type: string }) => e.type), ['ActionProposed', 'PolicyEvaluated', 'ApprovalRequested', 'VoteRecorded', 'ActionApproved']);
      const fresh = await agent.propose({ action: 'data.read', resource: 'prod/after-failover' });
      assert.equal(fresh.body.status, 'approved');
    } finally {
      await log.close();
      await cs.kill9();
      await removeDir(cs.dataDir);
    }
  });
});
