import {
  decide, decideSettled, evolve, evolveSettled, initialState, nextTimer, outsiderRefusal, settledRefusal,
  standingFollowUps, unprocessable, unprocessableSettled,
  type ApprovalEventDraft, type ApprovalState, type ApprovalTimer, type DecideContext, type OutsiderRefusal, type Settled, type StandingChecks,
} from '@countersign/approval';
import { decideAnyLedger, emptyLedger, evolveAnyLedger, ledgerFollowUps, type AnyLedger, type FollowUp } from './ledgers.ts';
import { isStandingLedgerId, sealEvents, validateEvent, describeErrors, type ActionCommand, type ActionEvent } from '@countersign/contracts';
import { encodeHead, type StreamHead } from './stream-head.ts';
import { held } from './working-set.ts';

/** What the router holds of a stream: an action's (working-set.ts), or a ledger (standing approvals, ADR 0004; delegations, ADR 0010). */
type Form =
  | { state: ApprovalState; settled?: never; ledger?: never }
  | { settled: Settled; state?: never; ledger?: never }
  | { ledger: AnyLedger; state?: never; settled?: never };

type StreamEntry = Form & {
  head?: { seq: number; hash: string };
  /** The log partition the stream lives on (same number on the commands, events and heads topics). */
  partition: number;
};

type Decision = DecideContext & { newId: () => string; standing?: StandingChecks };

/** Without the policy library's matching, no standing approval covers anything (fail closed). */
const MATCH_NOTHING: StandingChecks = { resourceMatches: () => false, holds: () => ({ error: 'no condition evaluator was given' }) };

/** A stream with no events yet: a ledger if its id names one, else an action. */
const emptyEntry = (streamId: string, partition: number): StreamEntry => {
  const ledger = emptyLedger(streamId, isStandingLedgerId(streamId));
  return ledger ? { ledger, partition } : { state: initialState, partition };
};

const evolveForm = (form: Form, event: ActionEvent): Form =>
  form.ledger ? { ledger: evolveAnyLedger(form.ledger, event) } : form.settled ? { settled: evolveSettled(form.settled, event) } : { state: evolve(form.state, event) };
export interface HeadRecord { key: string; value: Record<string, unknown> }

/**
 * The router's memory: the chain head of every action stream it owns, with the full state of open
 * actions and the compact form of settled ones (working-set.ts). Loaded from the heads topic (or
 * built by replaying the events), advanced only after the events it produced are durable.
 */
export class StreamTable {
  private readonly streams = new Map<string, StreamEntry>();

  /**
   * Applies an event already in the log (replay). Returns an error message when the event cannot
   * follow its stream (a corrupt stream): the stream keeps its last good state.
   */
  apply(event: ActionEvent, partition: number): string | undefined {
    const entry = this.streams.get(event.streamId) ?? emptyEntry(event.streamId, partition);
    if (entry.head && event.seq <= entry.head.seq) return undefined; // replayed twice
    try {
      const next = evolveForm(entry, event);
      this.streams.set(event.streamId, { ...next, head: { seq: event.seq, hash: event.hash }, partition });
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  }

  /** Takes a stream's head as the heads topic gave it; a settleable full state is held compact. */
  load(streamId: string, head: StreamHead, partition: number): void {
    const form: Form = head.ledger ? { ledger: head.ledger } : head.settled ? { settled: head.settled } : held(head.state);
    this.streams.set(streamId, { ...form, head: { seq: head.seq, hash: head.hash }, partition });
  }

  /** Holds every replayed stream of `partition` in its working form; returns their heads, to write. */
  settleReplayed(partition: number): HeadRecord[] {
    const heads: HeadRecord[] = [];
    for (const [id, entry] of this.streams) {
      if (entry.partition !== partition || !entry.head) continue;
      const next: StreamEntry = entry.state ? { ...held(entry.state), head: entry.head, partition } : entry;
      this.streams.set(id, next);
      heads.push(headRecord(id, next));
    }
    return heads;
  }

  /** Where a stream's chain ends, if it has events. */
  headOf(streamId: string): { seq: number; hash: string } | undefined {
    return this.streams.get(streamId)?.head;
  }

  /** The timer an action needs now (only open actions have one). */
  timer(streamId: string): ApprovalTimer | undefined {
    const entry = this.streams.get(streamId);
    return entry?.state ? nextTimer(entry.state) : undefined;
  }

  /** The streams of a partition (timers to arm after loading it). */
  *idsOf(partition: number): Generator<string> {
    for (const [id, entry] of this.streams) if (entry.partition === partition) yield id;
  }

  /** How many action streams are held in full and how many compact, and how many requester ledgers (logs, the benchmark). */
  census(): { full: number; settled: number; ledgers: number } {
    let settled = 0;
    let ledgers = 0;
    for (const entry of this.streams.values()) {
      if (entry.settled) settled += 1;
      else if (entry.ledger) ledgers += 1;
    }
    return { full: this.streams.size - settled - ledgers, settled, ledgers };
  }

  /** Forgets the streams of partitions this instance no longer owns; returns their ids. */
  dropPartitions(partitions: readonly number[]): string[] {
    const dropped: string[] = [];
    for (const [id, entry] of this.streams) {
      if (partitions.includes(entry.partition)) {
        this.streams.delete(id);
        dropped.push(id);
      }
    }
    return dropped;
  }

  get size(): number {
    return this.streams.size;
  }

  /**
   * Decides a batch of commands against a working copy, so a failed append leaves the table
   * untouched and the redelivered batch is decided again from the same state. Returns the events,
   * the new head of every stream they extend (to commit with them), the refusals that must not
   * grow an action's chain (outsiders, repeated refusals), for the security stream, and the
   * commands the events send to other streams (standing approvals, ADR 0004), to commit with them.
   */
  decideBatch(
    commands: ReadonlyArray<{ command: ActionCommand; partition: number }>,
    ctx: () => Decision,
  ): { events: ActionEvent[]; heads: HeadRecord[]; refusals: Array<OutsiderRefusal & { command: ActionCommand }>; followUps: FollowUp[]; commit: () => void } {
    const working = new Map<string, StreamEntry>();
    const events: ActionEvent[] = [];
    const refusals: Array<OutsiderRefusal & { command: ActionCommand }> = [];
    const followUps: FollowUp[] = [];
    for (const { command, partition } of commands) {
      const entry = working.get(command.actionId) ?? this.streams.get(command.actionId) ?? emptyEntry(command.actionId, partition);
      const c = ctx();
      const refusal = entry.ledger ? undefined : entry.settled ? settledRefusal(command, entry.settled, c) : outsiderRefusal(command, entry.state, c);
      if (refusal) {
        refusals.push({ ...refusal, command });
        continue;
      }
      const drafts = entry.ledger ? decideAnyLedger(command, entry.ledger, { ...c, standing: c.standing ?? MATCH_NOTHING }) : entry.settled ? decideSettled(command, entry.settled, c) : decide(command, entry.state, c);
      const sealed = this.seal(command, drafts, entry, c);
      if (sealed) {
        working.set(command.actionId, sealed.entry);
        events.push(...sealed.events);
        followUps.push(...sealed.followUps);
      }
    }
    return { events, heads: [...working].map(([id, e]) => headRecord(id, e)), refusals, followUps, commit: () => this.commit(working) };
  }

  /**
   * The rejection of a command the router kept failing on (dead-lettered by the transport), when
   * its action exists: the sender gets an answer instead of waiting.
   */
  rejectUnprocessable(command: ActionCommand, partition: number, reason: string, c: Decision): { events: ActionEvent[]; heads: HeadRecord[]; commit: () => void } {
    const entry = this.streams.get(command.actionId) ?? emptyEntry(command.actionId, partition);
    // A ledger records no refusals: its commands come from routers and the gateway, which answers people itself.
    const drafts = entry.ledger ? [] : entry.settled ? unprocessableSettled(command, reason, entry.settled, c) : unprocessable(command, reason, entry.state, c);
    const sealed = this.seal(command, drafts, entry, c);
    const working = new Map(sealed ? [[command.actionId, sealed.entry]] : []);
    return { events: sealed?.events ?? [], heads: [...working].map(([id, e]) => headRecord(id, e)), commit: () => this.commit(working) };
  }

  private seal(command: ActionCommand, drafts: ApprovalEventDraft[], entry: StreamEntry, c: Decision) {
    if (drafts.length === 0) return undefined;
    const sealed = sealEvents(drafts, {
      streamId: command.actionId,
      head: entry.head,
      causationId: command.id,
      correlationId: command.correlationId,
      traceparent: command.traceparent,
      now: () => c.now,
      newId: c.newId,
    }) as ActionEvent[];
    let form: Form = entry.ledger ? { ledger: entry.ledger } : entry.settled ? { settled: entry.settled } : { state: entry.state };
    for (const event of sealed) {
      const check = validateEvent(event);
      if (!check.ok) throw new Error(`router produced an invalid ${event.type}: ${describeErrors(check.errors)}`);
      form = evolveForm(form, event);
    }
    // From the full state, before an action that just settled is held compact (its request is needed).
    const followUps = form.ledger ? ledgerFollowUps(sealed, form.ledger) : form.state ? standingFollowUps(sealed, form.state) : [];
    const last = sealed[sealed.length - 1];
    const next = form.state ? held(form.state) : form;
    return { events: sealed, followUps, entry: { ...next, head: { seq: last.seq, hash: last.hash }, partition: entry.partition } };
  }

  private commit(working: Map<string, StreamEntry>): void {
    for (const [id, entry] of working) this.streams.set(id, entry);
  }
}

function headRecord(id: string, entry: StreamEntry): HeadRecord {
  const { seq, hash } = entry.head!;
  const form = entry.ledger ? { ledger: entry.ledger } : entry.settled ? { settled: entry.settled } : { state: entry.state };
  return { key: id, value: encodeHead({ seq, hash, ...form } as StreamHead) };
}
