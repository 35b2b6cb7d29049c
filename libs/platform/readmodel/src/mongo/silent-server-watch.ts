/**
 * When to replace the MongoDB client because its server has stopped answering it. The driver
 * recovers from a server that goes away (connections refused or reset: the pool is cleared and
 * refilled), but not from one that keeps its connections open and never answers on them: each
 * call then waits for its socket timeout, and calls keep going to the same pooled connections.
 * A CI chaos run saw every read of a gateway go unanswered for minutes after FerretDB came back.
 *
 * Pure bookkeeping of the client's round trips (the driver's command events): the client is
 * called stuck when no command has been answered for `stuckAfterMs` (since the last answer, the
 * client's start or its last replacement) and the silence is not just idleness: at least
 * `minCommands` commands failed unanswered (timeouts, network errors) or have waited in flight
 * for `stuckAfterMs`. One slow command alone (a large bulk write) is never enough. After a
 * replacement, the next waits at least `minGapMs`, so a server that is really down is not
 * hammered with new clients.
 */
export interface SilentServerWatchOptions {
  stuckAfterMs?: number;
  minCommands?: number;
  minGapMs?: number;
  now?: () => number;
}

export class SilentServerWatch {
  readonly stuckAfterMs: number;
  readonly minCommands: number;
  readonly minGapMs: number;
  private readonly now: () => number;
  /** Commands sent and not yet answered or failed, by request id: when each was sent. */
  private readonly inFlight = new Map<number, number>();
  private lastAnswerAt: number;
  private lastReplacedAt = Number.NEGATIVE_INFINITY;
  private unanswered = 0;

  constructor(options: SilentServerWatchOptions = {}) {
    this.stuckAfterMs = options.stuckAfterMs ?? 15_000;
    this.minCommands = options.minCommands ?? 3;
    this.minGapMs = options.minGapMs ?? 30_000;
    this.now = options.now ?? Date.now;
    this.lastAnswerAt = this.now();
  }

  /** Commands of a replaced client are not known here any more: their ends change nothing. */
  sent(requestId: number): void {
    this.inFlight.set(requestId, this.now());
  }

  /** The server replied (with a result or with an error of its own). */
  answered(requestId: number): void {
    if (!this.inFlight.delete(requestId)) return;
    this.lastAnswerAt = this.now();
    this.unanswered = 0;
  }

  /** The command ended without a reply from the server: a timeout, a network error. */
  failed(requestId: number): void {
    if (!this.inFlight.delete(requestId)) return;
    this.unanswered += 1;
  }

  /**
   * A call failed without sending a command: no server could be selected. A client whose server
   * came back but whose monitor never saw it fails every call this way, with no command events
   * at all (a chaos run: the projector's calls failed for minutes after FerretDB's restart while
   * the gateway's client had reconnected), so these count like commands that failed unanswered.
   */
  unreachable(): void {
    this.unanswered += 1;
  }

  /** Why the client should be replaced now, or undefined while it should be kept. */
  verdict(): string | undefined {
    const now = this.now();
    if (now - this.lastReplacedAt < this.minGapMs) return undefined;
    const silentMs = now - this.lastAnswerAt;
    if (silentMs < this.stuckAfterMs) return undefined;
    const waiting = [...this.inFlight.values()].filter((sentAt) => now - sentAt >= this.stuckAfterMs).length;
    if (this.unanswered < this.minCommands && waiting < this.minCommands) return undefined;
    return `no answer for ${silentMs} ms: ${this.unanswered} commands failed unanswered, ${waiting} waiting for ${this.stuckAfterMs} ms or more`;
  }

  /**
   * The client was replaced: what the old one had sent no longer counts (closing it fails those
   * commands), and the new one gets `stuckAfterMs` before it can be judged.
   */
  replaced(): void {
    this.inFlight.clear();
    this.unanswered = 0;
    this.lastReplacedAt = this.now();
    this.lastAnswerAt = this.lastReplacedAt;
  }
}
