/**
 * The invariants a crash or an outage must not break, checked on the events topic itself (the
 * truth), not on a read model: every accepted action decided exactly once with the outcome its
 * client was promised, no action the clients never asked for, every stream's seq gap-free from 1
 * and its hash chain intact. Pure: the caller reads the topic (verify-log.ts).
 */
import { DECISION_TYPES, isStandingLedgerId, verifyChain, type ActionEvent } from '@countersign/contracts';

export type Outcome = 'approved' | 'denied';

export interface LogReport {
  streams: number;
  events: number;
  /** Decision events by type, over every stream. */
  decisions: Record<string, number>;
  /** Every event by type (refusals show here: a retried vote that had counted is refused). */
  types: Record<string, number>;
  /** Accepted actions whose stream has no decision yet (or no stream at all). */
  undecided: string[];
  /** Broken invariants, one line each; empty when the log is sound. */
  problems: string[];
}

const DECISIONS: ReadonlySet<string> = new Set(DECISION_TYPES);
const OUTCOME_OF: Record<string, Outcome> = { ActionApproved: 'approved', ActionDenied: 'denied', ActionExpired: 'denied', ActionCancelled: 'denied' };

/**
 * `events` in log order (per partition; a stream lives in one partition, keyed by its id);
 * `expected` maps every action a client was told was accepted to the outcome it must end with.
 * An accepted action still undecided is listed in `undecided`, not in `problems`: the caller
 * decides whether it may still come (while waiting) or is lost (at the end).
 */
export function checkLog(events: readonly ActionEvent[], expected: ReadonlyMap<string, Outcome>): LogReport {
  const streams = new Map<string, ActionEvent[]>();
  for (const event of events) {
    const stream = streams.get(event.streamId);
    if (stream) stream.push(event);
    else streams.set(event.streamId, [event]);
  }
  const problems: string[] = [];
  const decisions: Record<string, number> = {};
  const types: Record<string, number> = {};
  const seenIds = new Set<string>();
  for (const event of events) {
    types[event.type] = (types[event.type] ?? 0) + 1;
    if (seenIds.has(event.id)) problems.push(`event ${event.id} (${event.type} #${event.seq} of ${event.streamId}) is in the log twice`);
    seenIds.add(event.id);
  }
  for (const [streamId, stream] of streams) {
    const chain = verifyChain(stream);
    if (!chain.ok) problems.push(`${streamId}: chain broken at seq ${chain.seq}: ${chain.problem}`);
    // A requester ledger of standing approvals (ADR 0004) is no action: its chain is all there is to check.
    if (isStandingLedgerId(streamId)) continue;
    if (stream[0].type !== 'ActionProposed') problems.push(`${streamId}: starts with ${stream[0].type}, not ActionProposed`);
    const proposals = stream.filter((e) => e.type === 'ActionProposed').length;
    if (proposals > 1) problems.push(`${streamId}: proposed ${proposals} times`);
    const decided = stream.filter((e) => DECISIONS.has(e.type));
    for (const d of decided) decisions[d.type] = (decisions[d.type] ?? 0) + 1;
    if (decided.length > 1) problems.push(`${streamId}: decided ${decided.length} times (${decided.map((d) => `${d.type} #${d.seq}`).join(', ')})`);
    const want = expected.get(streamId);
    if (want === undefined) problems.push(`${streamId}: in the log, but no client was told it was accepted`);
    else if (decided.length > 0 && OUTCOME_OF[decided[0].type] !== want) {
      problems.push(`${streamId}: ${decided[0].type}, but the client expects ${want}`);
    }
  }
  const undecided = [...expected.keys()].filter((id) => !streams.get(id)?.some((e) => DECISIONS.has(e.type)));
  return { streams: streams.size, events: events.length, decisions, types, undecided, problems };
}
