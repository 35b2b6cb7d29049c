import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { Request, Response } from 'express';
import { Problem } from '../problem.ts';
import { MAX_UNREAD_BYTES, SseSession, StreamSlots } from './sse-session.ts';

/** Enough of an express response for a stream: what was written, and whether it ended. */
function fakeResponse() {
  const res = Object.assign(new EventEmitter(), {
    written: '', statusCode: 0, headers: {} as Record<string, string>, headersSent: false, writableEnded: false, destroyed: false, writableLength: 0,
    status(code: number) { res.statusCode = code; return res; },
    set(headers: Record<string, string>) { Object.assign(res.headers, headers); return res; },
    flushHeaders() { res.headersSent = true; },
    write(text: string) { res.written += text; return true; },
    end() { res.writableEnded = true; res.headersSent = true; res.emit('close'); },
  });
  return res;
}
const fakeRequest = () => ({ socket: { setNoDelay: () => undefined } }) as unknown as Request;

describe('open event streams', () => {
  it('given every slot taken, when one more stream asks, then 503 too-many-streams with Retry-After; a slot given back twice counts once', () => {
    const slots = new StreamSlots(2);
    const a = slots.take();
    slots.take();
    assert.throws(() => slots.take(), (error: unknown) => error instanceof Problem && error.status === 503 && error.code === 'too-many-streams' && error.headers['Retry-After'] === '5');
    a();
    a();
    assert.equal(slots.open, 1);
    slots.take();
    assert.throws(() => slots.take());
  });

  it('given events sent before the headers, when opened, then the headers come first, then a retry, then those events', () => {
    const res = fakeResponse();
    const session = new SseSession(fakeRequest(), res as unknown as Response, 60_000);
    session.send({ id: '1', event: 'ActionProposed', data: { a: 1 } });
    assert.equal(res.written, '');
    session.open();
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['Content-Type'], 'text/event-stream; charset=utf-8');
    assert.equal(res.written, 'retry: 2000\n\n: stream open\n\nid: 1\nevent: ActionProposed\ndata: {"a":1}\n\n');
    session.close();
  });

  it('given an open stream, when the client goes away, then everything it held is released once', () => {
    const res = fakeResponse();
    const session = new SseSession(fakeRequest(), res as unknown as Response, 60_000);
    let released = 0;
    session.onClose(() => void released++);
    session.open();
    res.emit('close');
    res.emit('close');
    assert.equal(released, 1);
    assert.equal(session.isClosed, true);
  });

  it('given a heartbeat interval, when it passes, then a comment is written', async () => {
    const res = fakeResponse();
    const session = new SseSession(fakeRequest(), res as unknown as Response, 5);
    session.open();
    const deadline = Date.now() + 5000;
    while (!res.written.includes(': heartbeat') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    session.close();
    assert.match(res.written, /: heartbeat\n\n/);
  });

  it('given a client that does not read, when too much is unread, then the stream is closed', () => {
    const res = fakeResponse();
    const session = new SseSession(fakeRequest(), res as unknown as Response, 60_000);
    session.open();
    res.writableLength = MAX_UNREAD_BYTES + 1;
    session.send({ id: '2', event: 'VoteRecorded', data: {} });
    assert.equal(session.isClosed, true);
    assert.equal(res.writableEnded, true);
  });

  it('given a stream closed before it began (a refusal), then the response is left for the problem', () => {
    const res = fakeResponse();
    const session = new SseSession(fakeRequest(), res as unknown as Response, 60_000);
    session.close();
    assert.equal(res.writableEnded, false);
    assert.equal(res.headersSent, false);
  });
});
