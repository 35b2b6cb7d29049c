import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Problem } from '../problem.ts';
import { parseApiKeySignInBody } from './api-key-sign-in-body.ts';

const FORM = 'application/x-www-form-urlencoded';
const bytes = (text: string) => new TextEncoder().encode(text);
const refusal = (type: string | undefined, body: string | Uint8Array) => {
  try {
    parseApiKeySignInBody(type, typeof body === 'string' ? bytes(body) : body);
  } catch (error) {
    if (error instanceof Problem) return error;
    throw error;
  }
  assert.fail('accepted');
};

describe('parseApiKeySignInBody', () => {
  it('given the form as a browser sends it, then the key and returnTo, decoded', () => {
    assert.deepEqual(parseApiKeySignInBody(FORM, bytes('returnTo=%2Fconsole%2Factions%2Fa-1&apiKey=bob-key%2B1')), { apiKey: 'bob-key+1', returnTo: '/console/actions/a-1' });
  });

  it('given JSON, then the same', () => {
    assert.deepEqual(parseApiKeySignInBody('application/json; charset=utf-8', bytes('{"apiKey":"bob-key"}')), { apiKey: 'bob-key' });
  });

  it('given a missing or empty key, a repeated or unknown field, then 400 naming the field', () => {
    for (const [body, pointer] of [['returnTo=%2Fconsole', '/apiKey'], ['apiKey=', '/apiKey'], ['apiKey=a&apiKey=b', '/apiKey'], ['apiKey=a&next=x', '']] as const) {
      const problem = refusal(FORM, body);
      assert.equal(problem.status, 400, body);
      assert.equal(problem.errors?.[0]?.pointer, pointer, body);
    }
    assert.equal(refusal('application/json', '{"apiKey":"k","extra":1}').status, 400);
  });

  it('given another media type, a charset other than UTF-8 or bytes that are not UTF-8, then refused', () => {
    assert.equal(refusal('text/plain', 'apiKey=k').status, 415);
    assert.equal(refusal(undefined, 'apiKey=k').status, 415);
    assert.equal(refusal(`${FORM}; charset=latin1`, 'apiKey=k').status, 415);
    assert.equal(refusal(FORM, new Uint8Array([0x61, 0x3d, 0xff])).status, 400);
  });

  it('given any body and media type, then a parsed body or a problem, and never the key in a problem', () => {
    const key = 'sekrit-key-4711';
    fc.assert(fc.property(
      fc.constantFrom(FORM, 'application/json', 'text/plain', `${FORM};charset=UTF-8`, '', 'a/b/c'),
      fc.oneof(fc.string({ maxLength: 200 }), fc.string({ maxLength: 50 }).map((s) => `apiKey=${key}&${s}`), fc.string({ maxLength: 50 }).map((s) => `{"apiKey":"${key}",${s}`), fc.string({ maxLength: 50 }).map((s) => `{"${key}":${s}`)),
      (type, body) => {
        try {
          const parsed = parseApiKeySignInBody(type, bytes(body));
          assert.equal(typeof parsed.apiKey, 'string');
          assert.ok(parsed.apiKey.length >= 1 && parsed.apiKey.length <= 512);
        } catch (error) {
          assert.ok(error instanceof Problem, String(error));
          assert.ok(error.status === 400 || error.status === 415);
          assert.ok(!JSON.stringify({ detail: error.detail, errors: error.errors, title: error.title }).includes(key));
        }
      },
    ), { numRuns: 500 });
  });
});
