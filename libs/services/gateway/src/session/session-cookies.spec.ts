import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { clearCookie, cookieNames, cookieToken, cookieValues, newCookieToken, setCookie, tokenDigest } from './session-cookies.ts';

describe('session cookies', () => {
  const name = 'countersign-session';
  const token = newCookieToken();

  it('finds the one well-formed token among other cookies', () => {
    assert.equal(cookieToken(`a=1; ${name}=${token}; b=2`, name), token);
    assert.equal(cookieToken(`x${name}=${token}`, name), undefined);
  });

  it('refuses none, a malformed one, and two at once (tossing: which was meant is not ours to guess)', () => {
    assert.equal(cookieToken(undefined, name), undefined);
    assert.equal(cookieToken(`${name}=short`, name), undefined);
    assert.equal(cookieToken(`${name}=${token}; ${name}=${newCookieToken()}`, name), undefined);
  });

  it('sets HttpOnly, SameSite=Lax cookies, Secure and __Host- on https', () => {
    const https = cookieNames(true);
    assert.equal(https.session, '__Host-countersign-session');
    const cookie = setCookie(https.session, token, { path: '/', secure: true, maxAge: 60 });
    for (const part of ['HttpOnly', 'SameSite=Lax', 'Secure', 'Path=/', 'Max-Age=60']) assert.ok(cookie.includes(part), cookie);
    assert.ok(!setCookie('countersign-login', token, { path: '/auth', secure: false, maxAge: 600 }).includes('Secure'));
    assert.ok(clearCookie(name, { path: '/', secure: false }).includes('Max-Age=0'));
  });

  it('stores only a digest: 64 hex digits, never the token', () => {
    assert.match(tokenDigest(token), /^[0-9a-f]{64}$/);
    assert.ok(!tokenDigest(token).includes(token));
  });

  it('property: parsing any Cookie header never throws, and gives only well-formed tokens', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (header) => {
      const found = cookieToken(header, name);
      cookieValues(header, name);
      return found === undefined || /^[A-Za-z0-9_-]{43}$/.test(found);
    }), { numRuns: 2000 });
  });

  it('property: a token set among arbitrary other cookies is found', () => {
    const other = fc.tuple(fc.stringMatching(/^[a-z]{1,10}$/), fc.stringMatching(/^[A-Za-z0-9]{0,10}$/)).filter(([n]) => n !== name);
    fc.assert(fc.property(fc.array(other, { maxLength: 5 }), fc.array(other, { maxLength: 5 }), (before, after) => {
      const header = [...before.map(([n, v]) => `${n}=${v}`), `${name}=${token}`, ...after.map(([n, v]) => `${n}=${v}`)].join('; ');
      return cookieToken(header, name) === token;
    }), { numRuns: 500 });
  });
});
