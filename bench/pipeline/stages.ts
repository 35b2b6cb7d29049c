import { DECISION_TYPES } from '@countersign/contracts';
import { Kafka, logLevel } from 'kafkajs';
import type { Outcome } from './open-loop.ts';
import { percentile } from './proposals.ts';

/**
 * Where an action's time goes, from the stamps the services put on what they write: the
 * gateway's and the evaluator's commands carry `issuedAt`, the router's events `occurredAt`.
 * Works with both flows, told apart by message type:
 *   before issue 10: gateway → commands (ProposeAction) → router → events (ActionProposed) →
 *     evaluator → commands (RecordPolicyEvaluation) → router → events (decision);
 *   after: gateway → proposals (ProposeAction) → evaluator → commands (RecordProposal) →
 *     router → events (ActionProposed, PolicyEvaluated and the decision in one transaction).
 * The stamps are wall-clock milliseconds of processes on this machine (ISO strings, whole ms).
 */
export interface LogStamps {
  gateway?: number;
  /** The router's first transaction (the flow before issue 10 only has it before the evaluation). */
  routerProposed?: number;
  evaluator?: number;
  evaluatorType?: string;
  decided?: number;
}

const DECISIONS: readonly string[] = DECISION_TYPES;
const EVALUATIONS = ['RecordPolicyEvaluation', 'RecordProposal'];

/** Folds one record of the proposals, commands or events topic into the stamps of its action. */
export function recordLogMessage(stamps: Map<string, LogStamps>, value: string): void {
  let m: { type?: unknown; actionId?: unknown; streamId?: unknown; issuedAt?: unknown; occurredAt?: unknown };
  try {
    m = JSON.parse(value) as typeof m;
  } catch {
    return;
  }
  if (typeof m.type !== 'string') return;
  const id = typeof m.actionId === 'string' ? m.actionId : typeof m.streamId === 'string' ? m.streamId : undefined;
  // Events carry occurredAt, commands issuedAt.
  const at = Date.parse(String(m.occurredAt ?? m.issuedAt));
  if (id === undefined || Number.isNaN(at)) return;
  const s = stamps.get(id) ?? {};
  // The first of each wins: a redelivered record or a retried command does not move a stamp later.
  if (m.type === 'ProposeAction') s.gateway ??= at;
  else if (EVALUATIONS.includes(m.type) && s.evaluator === undefined) {
    s.evaluator = at;
    s.evaluatorType = m.type;
  } else if (m.type === 'ActionProposed') s.routerProposed ??= at;
  else if (DECISIONS.includes(m.type)) s.decided ??= at;
  else return;
  stamps.set(id, s);
}

interface Point {
  name: string;
  at: number;
}

/** The points of one request on its way, in order; those the log did not show are left out. */
export function stagePoints(o: Outcome, s: LogStamps | undefined): Point[] {
  const points: Point[] = [{ name: 'scheduled', at: o.scheduled }];
  if (o.sent !== undefined) points.push({ name: 'sent', at: o.sent });
  if (s?.gateway !== undefined) points.push({ name: 'gateway command', at: s.gateway });
  // Only the flow before issue 10 has the router write ActionProposed ahead of the evaluation.
  if (s?.routerProposed !== undefined && s.evaluatorType === 'RecordPolicyEvaluation') points.push({ name: 'router ActionProposed', at: s.routerProposed });
  if (s?.evaluator !== undefined) points.push({ name: `evaluator ${s.evaluatorType}`, at: s.evaluator });
  if (s?.decided !== undefined) points.push({ name: 'router decision', at: s.decided });
  // A 202's answer left before the decision: its last stage would say nothing about the pipeline.
  if (o.status === 201 && o.finished !== undefined) points.push({ name: '201 received', at: o.finished });
  return points;
}

export interface StageRow {
  stage: string;
  n: number;
  p50: number;
  p99: number;
}

/** p50/p99 of each stage (consecutive points) over the requests that have an action id. */
export function stageTable(outcomes: Outcome[], stamps: Map<string, LogStamps>): StageRow[] {
  const byStage = new Map<string, number[]>();
  for (const o of outcomes) {
    if (o.actionId === undefined) continue;
    const points = stagePoints(o, stamps.get(o.actionId));
    for (let i = 1; i < points.length; i++) {
      const stage = `${points[i - 1].name} → ${points[i].name}`;
      const list = byStage.get(stage) ?? [];
      list.push(points[i].at - points[i - 1].at);
      byStage.set(stage, list);
    }
  }
  return [...byStage].map(([stage, values]) => {
    values.sort((a, b) => a - b);
    return { stage, n: values.length, p50: percentile(values, 50), p99: percentile(values, 99) };
  });
}

/** Follows the namespace's proposals, commands and events topics (those that exist) from the start. */
export async function followStages(brokers: string[], namespace: string, topics: string[]) {
  const stamps = new Map<string, LogStamps>();
  const kafka = new Kafka({ clientId: 'bench-stages', brokers, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `${namespace}.bench-stages`, maxWaitTimeInMs: 20, allowAutoTopicCreation: false });
  await consumer.connect();
  try {
    for (const topic of topics) await consumer.subscribe({ topic: `${namespace}.${topic}`, fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) if (message.value) recordLogMessage(stamps, message.value.toString('utf8'));
      },
    });
  } catch (error) {
    await consumer.disconnect();
    throw error;
  }
  return {
    stamps,
    /** Actions the gateway proposed that have no decision on the log yet. */
    undecided: () => [...stamps.values()].filter((s) => s.gateway !== undefined && s.decided === undefined).length,
    proposed: () => [...stamps.values()].filter((s) => s.gateway !== undefined).length,
    stop: () => consumer.disconnect(),
  };
}
