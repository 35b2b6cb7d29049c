import { Agent, request } from 'node:http';
import { httpProposal, percentile, wallNow } from './proposals.ts';

/** One request of an open-loop run. Times are wall-clock ms (`wallNow`). */
export interface Outcome {
  /** When the schedule said to send it: t0 + i / rate. Latency counts from here. */
  scheduled: number;
  /** When it got a socket (later than `scheduled` when the driver or the agent fell behind). */
  sent?: number;
  /** When the whole response was in (or the request failed). */
  finished?: number;
  status?: number;
  /** The action's id and status from the response body. */
  actionId?: string;
  actionStatus?: string;
  error?: string;
}

export interface Target {
  url: string;
  apiKey: string;
  agent: Agent;
  /** Give up on a request after this long (the gateway answers 202 well before). */
  timeoutMs: number;
}

export function keepAliveAgent(sockets: number): Agent {
  return new Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets, scheduling: 'fifo' });
}

/**
 * Sends `rate` proposals a second for `seconds`, each at its scheduled time, never waiting for
 * earlier answers (no coordinated omission), and resolves once every request has finished.
 */
export async function openLoop(target: Target, rate: number, seconds: number, firstIndex = 0): Promise<Outcome[]> {
  const count = Math.max(1, Math.round(rate * seconds));
  const outcomes: Outcome[] = [];
  const pending: Promise<void>[] = [];
  const t0 = wallNow() + 20;
  for (let i = 0; i < count; i++) {
    const scheduled = t0 + (i * 1000) / rate;
    const wait = scheduled - wallNow();
    // Timers fire late rather than early; a late send still counts from its scheduled time.
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    // Behind schedule: still let responses in now and then, so their times are taken when they land.
    else if (i % 16 === 0) await new Promise((r) => setImmediate(r));
    const outcome: Outcome = { scheduled };
    outcomes.push(outcome);
    pending.push(send(target, httpProposal(1024, firstIndex + i), outcome));
  }
  await Promise.all(pending);
  return outcomes;
}

function send(target: Target, body: string, outcome: Outcome): Promise<void> {
  return new Promise((resolve) => {
    const done = (patch: Partial<Outcome>) => {
      if (outcome.finished !== undefined) return;
      Object.assign(outcome, patch, { finished: wallNow() });
      resolve();
    };
    const req = request(`${target.url}/v1/actions`, {
      method: 'POST',
      agent: target.agent,
      timeout: target.timeoutMs,
      headers: { authorization: `Bearer ${target.apiKey}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    req.once('socket', () => (outcome.sent = wallNow()));
    req.once('timeout', () => req.destroy(new Error(`no answer within ${target.timeoutMs} ms`)));
    req.once('error', (error) => done({ error: error.message }));
    req.once('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.once('error', (error) => done({ status: res.statusCode, error: error.message }));
      res.once('end', () => {
        let parsed: { id?: unknown; status?: unknown } = {};
        try {
          parsed = JSON.parse(text) as typeof parsed;
        } catch {
          /* a non-JSON answer is counted by its status code */
        }
        done({
          status: res.statusCode,
          ...(typeof parsed.id === 'string' ? { actionId: parsed.id } : {}),
          ...(typeof parsed.status === 'string' ? { actionStatus: parsed.status } : {}),
        });
      });
    });
    req.end(body);
  });
}

export interface StepSummary {
  rate: number;
  requests: number;
  /** 201 with the action decided (approved: every proposal here is auto-allowed). */
  decided: number;
  /** 202: not decided within the gateway's answer wait. */
  accepted: number;
  /** Anything else: other statuses, 201s not approved, transport errors and timeouts. */
  failed: number;
  failures: Map<string, number>;
  /** Scheduled send → decided 201, over the decided requests only (failures are counted above, never as fast). */
  p50: number;
  p99: number;
  max: number;
  /** How far behind schedule the driver put requests on the wire (its own saturation). */
  sendLagP99: number;
}

export function summarize(rate: number, outcomes: Outcome[]): StepSummary {
  const failures = new Map<string, number>();
  const latencies: number[] = [];
  let accepted = 0;
  for (const o of outcomes) {
    if (o.status === 201 && o.actionStatus === 'approved') latencies.push(o.finished! - o.scheduled);
    else if (o.status === 202) accepted++;
    else {
      const why = o.error ? `error: ${o.error}` : `${o.status} ${o.actionStatus ?? ''}`.trim();
      failures.set(why, (failures.get(why) ?? 0) + 1);
    }
  }
  latencies.sort((a, b) => a - b);
  const lags = outcomes.filter((o) => o.sent !== undefined).map((o) => o.sent! - o.scheduled).sort((a, b) => a - b);
  return {
    rate, requests: outcomes.length, decided: latencies.length, accepted, failed: outcomes.length - latencies.length - accepted, failures,
    p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.at(-1) ?? NaN, sendLagP99: percentile(lags, 99),
  };
}

export const sustainable = (s: StepSummary, p99BudgetMs: number) => s.accepted === 0 && s.failed === 0 && s.decided > 0 && s.p99 < p99BudgetMs;
