import type { Request, Response } from 'express';
import { Problem } from '../problem.ts';
import { frameComment, frameEvent, frameRetry, SSE_HEADERS, type SseEvent } from './sse-frame.ts';

/** Bytes a client may leave unread before its stream is closed (it resumes with Last-Event-ID). */
export const MAX_UNREAD_BYTES = 1024 * 1024;
/** What a client waits before reconnecting, as the stream tells it. */
const RETRY_MS = 2000;

/**
 * The open event streams of one gateway instance, bounded (COUNTERSIGN_MAX_STREAMS): a stream
 * takes a slot before it reads anything, and gives it back when it ends, however it ends.
 */
export class StreamSlots {
  private readonly sessions = new Set<SseSession>();
  private taken = 0;

  constructor(readonly capacity: number) {}

  get open(): number {
    return this.taken;
  }

  /** A slot, or 503 too-many-streams (nothing was read or sent). */
  take(): () => void {
    if (this.taken >= this.capacity) {
      throw new Problem(503, 'too-many-streams', 'Too many event streams are open.',
        `This gateway instance holds at most ${this.capacity} event streams open at once. Retry shortly, or poll with ?wait=.`,
        undefined, {}, { 'Retry-After': '5' });
    }
    this.taken += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.taken -= 1;
    };
  }

  track(session: SseSession): void {
    this.sessions.add(session);
    session.onClose(() => this.sessions.delete(session));
  }

  /** Ends every open stream (the process is shutting down: the HTTP server waits for open responses). */
  closeAll(): void {
    for (const session of [...this.sessions]) session.close();
  }
}

/**
 * One open `text/event-stream` response: headers, events, a heartbeat comment every
 * `heartbeatMs`, and one end, whoever ends it (the client going away, the server, a client that
 * reads too slowly). Whatever the stream holds is released by the `onClose` callbacks.
 */
export class SseSession {
  private closed = false;
  private opened = false;
  /** Frames sent before the headers were written, written right after them. */
  private early: string[] = [];
  private readonly closers: Array<() => void> = [];
  private heartbeat?: NodeJS.Timeout;

  constructor(
    private readonly req: Request,
    private readonly res: Response,
    private readonly heartbeatMs: number,
  ) {
    // 'close' on the response: the client went away (or the response ended); either way, stop.
    res.on('close', () => this.close());
    req.socket.setNoDelay(true);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Writes the status and headers, and starts the heartbeat. */
  open(): void {
    if (this.opened) return;
    // Closed before it began (the process stopping): answered, not left hanging.
    if (this.closed) return void (this.res.headersSent ? undefined : this.res.status(503).set('Retry-After', '1').end());
    if (this.res.destroyed) return this.close();
    this.opened = true;
    this.res.status(200).set(SSE_HEADERS);
    this.res.flushHeaders();
    const early = this.early;
    this.early = [];
    this.write(frameRetry(RETRY_MS) + frameComment('stream open') + early.join(''));
    this.heartbeat = setInterval(() => this.write(frameComment('heartbeat')), this.heartbeatMs);
    this.heartbeat.unref();
  }

  send(event: SseEvent): void {
    this.write(frameEvent(event));
  }

  onClose(callback: () => void): void {
    if (this.closed) callback();
    else this.closers.push(callback);
  }

  /** Ends the stream (the response too, once it has begun). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.early = [];
    clearInterval(this.heartbeat);
    if (this.opened && !this.res.writableEnded) this.res.end();
    for (const callback of this.closers.splice(0)) callback();
  }

  private write(text: string): void {
    if (this.closed) return;
    if (!this.opened) {
      this.early.push(text);
      return;
    }
    if (this.res.writableEnded) return;
    this.res.write(text);
    // A client that does not read must not hold the server's memory: it is let go, and resumes.
    if (this.res.writableLength > MAX_UNREAD_BYTES) this.close();
  }
}
