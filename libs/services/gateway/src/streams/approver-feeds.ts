import { auditEntryId, COLLECTIONS, type ActionView, type AuditEntry } from '@countersign/audit';
import type { ActionEvent } from '@countersign/contracts';
import type { ReadModelStore } from '@countersign/readmodel';
import type { ApproverFeed } from './approver-feed.ts';
import type { StreamTap } from './stream-tap.ts';

/** Feed events waiting to be resolved; past it every feed is closed (clients resume) and the queue dropped. */
export const MAX_QUEUED = 10_000;
const FIRST_PAUSE_MS = 5;
const MAX_PAUSE_MS = 1000;
/**
 * How long the head of the queue waits for the read model before it is skipped: a projector down
 * this long (or an event it dead-lettered) must not stop every feed behind one event.
 */
export const HEAD_WAIT_MS = 60_000;

/** A feed event as the feeds send it (its audit row), with who it concerns. */
export interface Resolved {
  entry: AuditEntry;
  principals: readonly string[];
}

export interface FeedsIo {
  /** The event's audit row and who it concerns, once the read model has it; undefined to look again later. */
  resolve(event: ActionEvent): Promise<Resolved | undefined>;
  sleep(ms: number): Promise<void>;
  now(): number;
}

/**
 * The approver feeds of one gateway instance: gets each feed event (a request, an escalation, a
 * decision) once from the tap, while any feed is open, and hands its audit row to the open feeds
 * of the principals it concerns. Events are resolved one at a time, in the order the follower
 * delivered them: the row is read once the projector has written it (the action's view reached
 * the event's seq; the projector writes views after rows), so a feed shows what the audit trail
 * shows, and a decision is sent to those eligible on its action. Only the event at the head of the
 * queue waits for the projector, with a growing pause; an idle feed reads nothing.
 */
export class ApproverFeeds {
  private readonly feeds = new Map<string, Set<ApproverFeed>>();
  private queue: ActionEvent[] = [];
  private running = false;
  private onOverflow: () => void = () => undefined;

  constructor(
    tap: StreamTap,
    private readonly io: FeedsIo,
  ) {
    tap.connectFeeds((event) => this.enqueue(event), () => this.feeds.size > 0);
  }

  /** Sends `feed` what concerns its principals from now on; call the result to stop. */
  add(feed: ApproverFeed): () => void {
    const removals = [...new Set(feed.principals)].map((principal) => {
      let set = this.feeds.get(principal);
      if (!set) {
        set = new Set();
        this.feeds.set(principal, set);
      }
      set.add(feed);
      const held = set;
      return () => {
        held.delete(feed);
        if (held.size === 0 && this.feeds.get(principal) === held) this.feeds.delete(principal);
      };
    });
    return () => removals.forEach((remove) => remove());
  }

  /** Called when the queue overflows (the streams close their feeds). */
  overflowed(callback: () => void): void {
    this.onOverflow = callback;
  }

  get open(): number {
    const open = new Set<ApproverFeed>();
    for (const set of this.feeds.values()) for (const feed of set) open.add(feed);
    return open.size;
  }

  private enqueue(event: ActionEvent): void {
    if (this.queue.length >= MAX_QUEUED) {
      this.queue = [];
      this.onOverflow();
      return;
    }
    this.queue.push(event);
    if (!this.running) void this.run();
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0) {
        const head = this.queue[0];
        const resolved = await this.resolveHead();
        if (this.queue[0] !== head) continue; // the queue overflowed meanwhile and was dropped
        this.queue.shift();
        if (resolved) this.dispatch(resolved);
      }
    } finally {
      this.running = false;
    }
  }

  /** Resolves the head of the queue, waiting for the projector; gives up when no feed is left, or after HEAD_WAIT_MS. */
  private async resolveHead(): Promise<Resolved | undefined> {
    const head = this.queue[0];
    const deadline = this.io.now() + HEAD_WAIT_MS;
    for (let pause = FIRST_PAUSE_MS; ; pause = Math.min(pause * 2, MAX_PAUSE_MS)) {
      if (this.queue[0] !== head || this.feeds.size === 0) return undefined;
      const resolved = await this.io.resolve(head).catch(() => undefined);
      if (resolved || this.queue[0] !== head) return resolved;
      const left = deadline - this.io.now();
      if (left <= 0) return undefined;
      await this.io.sleep(Math.min(pause, left));
    }
  }

  private dispatch({ entry, principals }: Resolved): void {
    // A feed that carries two of the principals (its owner's and a delegator's) gets the entry once.
    const feeds = new Set<ApproverFeed>();
    for (const principal of new Set(principals)) for (const feed of this.feeds.get(principal) ?? []) feeds.add(feed);
    for (const feed of feeds) feed.live(entry);
  }
}

/**
 * Resolution against the read models: once the action's view has reached the event, its audit
 * row is there too. A request concerns the principals it made eligible (`eligible`, or `added` by
 * an escalation); a decision, everyone eligible on the action.
 */
export function readModelResolver(store: ReadModelStore): FeedsIo['resolve'] {
  const actions = store.collection<ActionView>(COLLECTIONS.actions);
  const audit = store.collection<AuditEntry>(COLLECTIONS.audit);
  return async (event) => {
    const view = await actions.get(event.streamId);
    if (!view || view.lastSeq < event.seq) return undefined;
    const entry = await audit.get(auditEntryId(event.streamId, event.seq));
    if (!entry) return undefined;
    return { entry, principals: concerned(entry, view) };
  };
}

function concerned(entry: AuditEntry, view: ActionView): readonly string[] {
  const details = (entry.details ?? {}) as { eligible?: unknown; added?: unknown };
  const list = entry.type === 'ApprovalRequested' ? details.eligible : entry.type === 'ApprovalEscalated' ? details.added : view.approval?.eligible;
  return Array.isArray(list) ? list.filter((p): p is string => typeof p === 'string') : [];
}
