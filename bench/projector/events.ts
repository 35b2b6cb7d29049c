/**
 * The events a projector benchmark projects: auto-allowed proposals (~1 KB of parameters each),
 * as the router writes them (ActionProposed, then PolicyEvaluated and ActionApproved), in the
 * order a log delivers them: each action's decision comes `lag` proposals after its proposal, so
 * with a lag near the batch size about half the views are written in one batch and replaced in
 * the next, as on a busy log.
 */
import { contentHash, sealEvents, TOPICS, validateEvent, type ActionEvent, type DomainEventBody } from '@countersign/contracts';
import type { DeliveredRecord } from '@countersign/eventlog';

const T0 = Date.UTC(2026, 0, 1);
const router = { id: 'approval-router', kind: 'service' } as const;
const VERSION = contentHash([{ path: 'policies/main.yaml', text: 'bench' }]);

export function streamOf(i: number): ActionEvent[] {
  const streamId = `act-${String(i).padStart(7, '0')}`;
  const params = { table: 'customers', limit: i, note: 'x'.repeat(800) };
  const paramsHash = contentHash(params);
  const requester = `agent-${i % 50}`;
  const bodies: DomainEventBody[] = [
    { type: 'ActionProposed', data: { action: 'data.read', resource: `prod/customers/${i % 97}`, params, paramsHash, requestHash: contentHash([streamId, params]), requester: { id: requester, kind: 'agent', identities: [] } } },
    { type: 'PolicyEvaluated', data: { outcome: 'allow', policyVersion: VERSION, matchedRules: ['reads'], rule: 'reads', reason: 'reads are allowed' } },
    { type: 'ActionApproved', data: { rule: 'reads', policyVersion: VERSION, paramsHash, reason: 'allowed by policy', automatic: true, approvers: [] } },
  ];
  let n = 0;
  return sealEvents(bodies.map((b) => ({ ...b, actor: b.type === 'ActionProposed' ? { id: requester, kind: 'agent' as const } : router })), {
    streamId, causationId: `cmd-${streamId}`, correlationId: streamId, now: () => new Date(T0 + i * 10 + n++), newId: () => `evt-${streamId}-${n}`,
  }) as ActionEvent[];
}

/** `actions` streams in log order (decisions `lag` proposals late), as delivered records. */
export function logOf(actions: number, lag: number): DeliveredRecord[] {
  const streams = Array.from({ length: actions }, (_, i) => streamOf(i));
  for (const e of streams[0]) if (!validateEvent(e).ok) throw new Error(`bench event ${e.type} is not valid`);
  const order: ActionEvent[] = [];
  for (let i = 0; i < actions + lag; i += 1) {
    if (i < actions) order.push(streams[i][0]);
    if (i >= lag) order.push(...streams[i - lag].slice(1));
  }
  return order.map((e, offset) => ({ topic: TOPICS.events, key: e.streamId, partition: 0, offset: String(offset), raw: JSON.stringify(e), value: e }));
}

export function batchesOf<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
