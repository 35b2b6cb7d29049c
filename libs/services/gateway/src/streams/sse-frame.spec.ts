import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { frameComment, frameEvent, frameRetry, jsonLine } from './sse-frame.ts';

/** A client's reading of a stream (WHATWG event-stream parsing, the fields this API writes). */
function parse(text: string): Array<{ id?: string; event?: string; data: string }> {
  const events: Array<{ id?: string; event?: string; data: string }> = [];
  let current: { id?: string; event?: string; data: string[] } = { data: [] };
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line === '') {
      if (current.data.length > 0) events.push({ ...(current.id !== undefined ? { id: current.id } : {}), ...(current.event ? { event: current.event } : {}), data: current.data.join('\n') });
      current = { data: [] };
      continue;
    }
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') current.id = value;
    else if (field === 'event') current.event = value;
    else if (field === 'data') current.data.push(value);
  }
  return events;
}

describe('SSE framing', () => {
  it('given an event, when framed, then it is id, event and one data line of JSON, ended by a blank line', () => {
    const framed = frameEvent({ id: '7', event: 'VoteRecorded', data: { voter: 'bob', comment: 'line one\nline two\r\n' } });
    assert.equal(framed, 'id: 7\nevent: VoteRecorded\ndata: {"voter":"bob","comment":"line one\\nline two\\r\\n"}\n\n');
    assert.deepEqual(parse(framed), [{ id: '7', event: 'VoteRecorded', data: '{"voter":"bob","comment":"line one\\nline two\\r\\n"}' }]);
  });

  it('given U+2028 and U+2029 in a string, when framed, then they are written as JSON escapes', () => {
    assert.equal(jsonLine({ a: 'x\u2028y\u2029z' }), '{"a":"x\\u2028y\\u2029z"}');
  });

  it('given an id or a name that could break the framing, when framed, then it is refused (a bug, not input)', () => {
    assert.throws(() => frameEvent({ id: '1\n\ndata: x', event: 'x', data: {} }));
    assert.throws(() => frameEvent({ id: '1\0', event: 'x', data: {} }));
    assert.throws(() => frameEvent({ id: '', event: 'x', data: {} }));
    assert.throws(() => frameEvent({ id: '1', event: 'a\rb', data: {} }));
    assert.throws(() => frameComment('x\ndata: injected'));
  });

  it('given comments and a retry, when a client parses them, then they carry no event', () => {
    assert.deepEqual(parse(frameRetry(2000) + frameComment('heartbeat')), []);
    assert.equal(frameRetry(2000), 'retry: 2000\n\n');
  });

  it('whatever JSON is sent, a client reads exactly one event with that value back', () => {
    fc.assert(fc.property(fc.jsonValue(), fc.nat(), (value, seq) => {
      const framed = frameEvent({ id: String(seq), event: 'ActionProposed', data: value });
      const events = parse(framed);
      assert.equal(events.length, 1);
      assert.equal(events[0].id, String(seq));
      assert.deepEqual(JSON.parse(events[0].data), JSON.parse(JSON.stringify(value)));
      // One line each for id, event and data, then the blank line.
      assert.equal(framed.split('\n').length, 5);
    }), { numRuns: 300 });
  });
});
