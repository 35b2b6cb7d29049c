import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Problem } from './problem.ts';
import { contentTypeProblem, parseJsonBody } from './request-body.ts';

const utf8 = (text: string) => new TextEncoder().encode(text);

/** The problem a body is refused with, or undefined when it parses. */
function refusal(bytes: Uint8Array): Problem | undefined {
  try {
    parseJsonBody(bytes);
    return undefined;
  } catch (error) {
    assert.ok(error instanceof Problem, `not a problem: ${String(error)}`);
    return error;
  }
}

describe('the media type of a request body', () => {
  it('given JSON, with or without charset=utf-8 in any case, then it is accepted', () => {
    for (const type of ['application/json', 'application/json; charset=utf-8', 'Application/JSON;charset="UTF-8"', 'application/merge-patch+json', 'application/json; charset=utf8']) {
      assert.equal(contentTypeProblem(type), undefined, type);
    }
  });

  it('given another charset, then 415 names the Content-Type header and the charset', () => {
    const problem = contentTypeProblem('application/json; charset=iso-8859-1');
    assert.equal(problem?.status, 415);
    assert.deepEqual(problem?.errors, [{ header: 'Content-Type', detail: 'names the charset "iso-8859-1"; only utf-8 is accepted' }]);
    assert.equal(contentTypeProblem('application/json; charset=utf-16')?.status, 415);
  });

  it('given no type, another type or something that is not a media type, then 415 names the header', () => {
    for (const type of [undefined, '', 'text/plain', 'application/x-www-form-urlencoded', 'json', 'text/json', 'application/json-seq']) {
      const problem = contentTypeProblem(type);
      assert.equal(problem?.status, 415, String(type));
      assert.equal(problem?.errors?.[0].header, 'Content-Type');
    }
  });

  it('property: any header value gives no problem or a 415 naming Content-Type, never an exception', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (header) => {
      const problem = contentTypeProblem(header);
      if (problem) assert.deepEqual([problem.status, problem.errors?.[0].header], [415, 'Content-Type']);
    }), { numRuns: 500 });
  });
});

describe('parsing a request body', () => {
  it('given JSON, then it is the value; given nothing, then there is no body', () => {
    assert.deepEqual(parseJsonBody(utf8('{"reason":"fine 😀"}')), { reason: 'fine 😀' });
    assert.equal(parseJsonBody(new Uint8Array()), undefined);
  });

  it('given a lone surrogate in free text, then 400 names the field', () => {
    const problem = refusal(utf8('{"reason":"bye \\ud800"}'));
    assert.equal(problem?.status, 400);
    assert.equal(problem?.errors?.[0].pointer, '/reason');
  });

  it('given a duplicate key, then 400 names it instead of letting the last one win', () => {
    const problem = refusal(utf8('{"action":"data.read","resource":"a","resource":"b"}'));
    assert.deepEqual([problem?.status, problem?.errors?.[0].pointer], [400, '/resource']);
  });

  it('given params nested 1,600 deep in a 3 KB body, then 400 names the field under /params', () => {
    const body = `{"action":"data.read","resource":"r","params":${'{"a":'.repeat(1600)}1${'}'.repeat(1600)}}`;
    const problem = refusal(utf8(body));
    assert.equal(problem?.status, 400);
    assert.match(problem?.errors?.[0].pointer ?? '', /^\/params(\/a)+$/);
  });

  it('given bytes that are not UTF-8 or text that is not JSON, then 400 malformed-json points at the whole body', () => {
    for (const bytes of [new Uint8Array([0x7b, 0xff, 0x7d]), utf8('{"a":'), utf8('{"a":1,}'), utf8(' ')]) {
      const problem = refusal(bytes);
      assert.deepEqual([problem?.status, problem?.code, problem?.errors?.[0].pointer], [400, 'malformed-json', '']);
    }
  });

  it('property: any bytes parse or are refused with a 400 whose errors each name a pointer', () => {
    const bodies = fc.oneof(
      fc.uint8Array({ maxLength: 200 }),
      fc.jsonValue({ maxDepth: 5 }).map((v) => utf8(JSON.stringify(v))),
      fc.string({ unit: 'binary', maxLength: 100 }).map((s) => utf8(JSON.stringify({ reason: s }))),
    );
    fc.assert(fc.property(bodies, (bytes) => {
      const problem = refusal(bytes);
      if (!problem) return;
      assert.equal(problem.status, 400);
      assert.ok(problem.errors?.length && problem.errors.every((e) => typeof e.pointer === 'string' && e.detail), JSON.stringify(problem.errors));
    }), { numRuns: 500 });
  });
});
