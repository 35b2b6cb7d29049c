import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { COLLECTIONS, type AuditEntry, type StoredEvent } from '@countersign/audit';
import type { GatewayLimits } from '@countersign/config';
import type { ActionEvent } from '@countersign/contracts';
import type { ReadModelStore } from '@countersign/readmodel';
import type { Request, Response } from 'express';
import { ActionWaiter } from '../action-waiter.ts';
import type { Caller } from '../auth.ts';
import { READ_MODELS } from '../infrastructure.ts';
import { GATEWAY_LIMITS } from '../limits.ts';
import { DelegatedVotes } from '../delegations/delegated-votes.ts';
import { ActionStream } from './action-stream.ts';
import { ApproverFeed } from './approver-feed.ts';
import { ApproverFeeds, readModelResolver } from './approver-feeds.ts';
import { replayFeed } from './feed-replay.ts';
import { formatFeedId, type FeedPosition } from './last-event-id.ts';
import { covers, settled } from './read-model-settle.ts';
import { SseSession, StreamSlots } from './sse-session.ts';
import type { StreamTap } from './stream-tap.ts';

/** The tap on the follower of the events topic, made with the module (the follower's filter needs it). */
export const STREAM_TAP = Symbol('GATEWAY_STREAM_TAP');

/**
 * How far back an approver feed looks before its position. Positions are times, and events do
 * not reach a gateway in the order of their times on Kafka (partitions are read side by side,
 * routers' clocks differ): an event stamped a little before the last one a client got may come
 * after it. Looking back this far, a resumed feed misses none of them; it may send some entries
 * again, with their ids unchanged, which clients drop.
 */
export const FEED_LOOK_BACK_MS = 30_000;
/** How long a new stream waits for the projector to pass where the follower was (read-model-settle.ts). */
const SETTLE_WAIT_MS = 30_000;
/** Events read from the read model per query. */
const READ_PAGE = 500;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const asEnvelope = ({ _id, eventId, ...rest }: StoredEvent) => ({ ...rest, id: eventId }) as unknown as ActionEvent;
const presentEntry = ({ _id, ...rest }: AuditEntry) => ({ id: _id, ...rest });
const REQUEST_TYPES = new Set(['ApprovalRequested', 'ApprovalEscalated']);

/**
 * The gateway's Server-Sent Event streams: an action's events (`GET /v1/actions/:id/stream`) and
 * an approver's feed (`GET /v1/stream?approver=me`). Each stream registers with the tap before it
 * reads the read model, so nothing the follower delivers afterwards passes it by; what the
 * follower delivered before is in the read model once the projector passes that point, and is
 * read again then if it was not at the first read (read-model-settle.ts). Duplicates between the
 * two are dropped by seq (actions) or entry id (feeds).
 */
@Injectable()
export class EventStreams implements OnModuleDestroy {
  private readonly slots: StreamSlots;
  private readonly feeds: ApproverFeeds;
  private readonly feedSessions = new Set<SseSession>();

  constructor(
    @Inject(READ_MODELS) private readonly store: ReadModelStore,
    @Inject(ActionWaiter) private readonly waiter: ActionWaiter,
    @Inject(GATEWAY_LIMITS) private readonly limits: GatewayLimits,
    @Inject(STREAM_TAP) private readonly tap: StreamTap,
    @Inject(DelegatedVotes) private readonly delegated: DelegatedVotes,
  ) {
    this.slots = new StreamSlots(limits.maxStreams);
    this.feeds = new ApproverFeeds(tap, { resolve: readModelResolver(store), sleep, now: () => Date.now() });
    // A hub that cannot keep up lets every feed go; their clients resume from their positions.
    this.feeds.overflowed(() => {
      for (const session of [...this.feedSessions]) session.close();
    });
  }

  /** The process is stopping: open responses would keep the HTTP server from closing. */
  onModuleDestroy(): void {
    this.slots.closeAll();
  }

  /** Streams action `id`'s events after seq `after`; 404 (nothing opened) if the caller may not see it. */
  async action(caller: Caller, id: string, after: number, req: Request, res: Response): Promise<void> {
    const release = this.slots.take();
    const session = new SseSession(req, res, this.limits.streamHeartbeatMs);
    const read = (from: number) => this.readEvents(id, from);
    const stream = new ActionStream(after, {
      read,
      send: (event) => session.send({ id: String(event.seq), event: event.type, data: event }),
      sleep,
    });
    // Registered first: whatever the follower delivers from now on reaches the stream.
    const unwatch = this.tap.watchAction(id, (event) => stream.live(event));
    session.onClose(() => {
      release();
      unwatch();
      stream.close();
    });
    const position = this.tap.position();
    let covered: boolean;
    try {
      // A delegate sees the actions its delegators may vote on, as GET /v1/actions/:id shows them.
      const view = await this.delegated.visibleAction(this.waiter, caller, id);
      covered = await covers(this.store, position);
      stream.offer(await read(after));
      // The view may come from the log (this gateway answered it) ahead of the read model.
      stream.expect(view.lastSeq);
    } catch (error) {
      session.close(); // before it began: releases what it holds; the problem is answered as usual
      throw error;
    }
    this.begin(session);
    stream.start();
    if (!covered) this.settle(session, position, () => stream.refresh());
  }

  /**
   * Streams `caller`'s approver feed from `position` (or from now), each entry an audit row:
   * `request` for ApprovalRequested naming the caller eligible and ApprovalEscalated adding them,
   * `decision` for the decision of an action the caller is eligible on; the same for each delegator
   * whose delegation to the caller is active when the feed opens.
   */
  async approverFeed(caller: Caller, position: FeedPosition | undefined, req: Request, res: Response): Promise<void> {
    const me = caller.principal.id;
    // The queues of the delegators whose delegation to me is active now, as GET /v1/actions?approver=me
    // lists them; a delegation made or ended later shows when the client reconnects.
    const principals = [me, ...(await this.delegated.delegatorsOf(me)).filter((p) => p !== me)];
    const release = this.slots.take();
    const session = new SseSession(req, res, this.limits.streamHeartbeatMs);
    const feed = new ApproverFeed(principals, {
      replay: (from, page) => replayFeed(this.store, principals, from, page),
      send: (entry) => session.send({ id: formatFeedId({ at: entry.at, entryId: entry._id }), event: REQUEST_TYPES.has(entry.type) ? 'request' : 'decision', data: presentEntry(entry) }),
      overflow: () => session.close(),
    });
    const remove = this.feeds.add(feed);
    session.onClose(() => {
      release();
      remove();
      feed.close();
      this.feedSessions.delete(session);
    });
    this.feedSessions.add(session);
    const tapped = this.tap.position();
    let covered: boolean;
    try {
      covered = await covers(this.store, tapped);
    } catch (error) {
      session.close();
      throw error;
    }
    this.begin(session);
    const from = new Date((position ? Date.parse(position.at) : Date.now()) - FEED_LOOK_BACK_MS).toISOString();
    void (async () => {
      await feed.replay(from);
      if (!covered && (await settled(this.store, tapped, SETTLE_WAIT_MS, () => session.isClosed))) await feed.replay(from);
    })().catch(() => session.close()); // the read models failed mid-replay: the client resumes from what it got
  }

  private begin(session: SseSession): void {
    session.open();
    this.slots.track(session);
  }

  /** Once the projector passes where the follower was, `again` reads the read model once more. */
  private settle(session: SseSession, position: ReturnType<StreamTap['position']>, again: () => Promise<void>): void {
    void settled(this.store, position, SETTLE_WAIT_MS, () => session.isClosed).then((ok) => (ok ? again() : undefined));
  }

  /** The action's stored events with a seq above `after`, in order, every page of them. */
  private async readEvents(id: string, after: number): Promise<ActionEvent[]> {
    const events = this.store.collection<StoredEvent>(COLLECTIONS.events);
    const out: ActionEvent[] = [];
    for (let from = after; ;) {
      const page = await events.find({ streamId: id, seq: { $gt: from } }, { sort: { seq: 1 }, limit: READ_PAGE });
      out.push(...page.map(asEnvelope));
      if (page.length < READ_PAGE) return out;
      from = page.at(-1)!.seq;
    }
  }
}
