import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkCsrf, newCsrfToken, sameSecret } from './csrf.ts';

const ORIGIN = 'https://countersign.example';

describe('CSRF checks of session requests', () => {
  const token = newCsrfToken();

  it('lets safe methods through without a token', () => {
    for (const method of ['GET', 'HEAD', 'OPTIONS', 'get']) assert.deepEqual(checkCsrf(method, {}, token, ORIGIN), { ok: true });
  });

  it('given a state-changing request, then it needs the session token and, when sent, the gateway origin', () => {
    assert.deepEqual(checkCsrf('POST', { token }, token, ORIGIN), { ok: true });
    assert.deepEqual(checkCsrf('POST', { token, origin: ORIGIN }, token, ORIGIN), { ok: true });
    assert.equal((checkCsrf('POST', {}, token, ORIGIN) as { header: string }).header, 'X-CSRF-Token');
    assert.equal((checkCsrf('DELETE', { token: newCsrfToken() }, token, ORIGIN) as { header: string }).header, 'X-CSRF-Token');
    assert.equal((checkCsrf('POST', { token: [token, token] }, token, ORIGIN) as { header: string }).header, 'X-CSRF-Token');
    assert.equal((checkCsrf('POST', { token, origin: 'https://evil.example' }, token, ORIGIN) as { header: string }).header, 'Origin');
    assert.equal((checkCsrf('POST', { token, origin: 'null' }, token, ORIGIN) as { header: string }).header, 'Origin');
  });

  it('property: sameSecret is equality of strings', () => {
    fc.assert(fc.property(fc.string({ maxLength: 64 }), fc.string({ maxLength: 64 }), (a, b) => sameSecret(a, b) === (a === b) && sameSecret(a, a)), { numRuns: 1000 });
  });

  it('property: a token other than the session one never passes', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 80 }), fc.constantFrom('POST', 'PUT', 'PATCH', 'DELETE'), (presented, method) =>
      presented === token || !checkCsrf(method, { token: presented }, token, ORIGIN).ok), { numRuns: 1000 });
  });
});
