import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { safeReturnTo } from './return-to.ts';

describe('safeReturnTo: where sign-in sends the browser back', () => {
  it('keeps a path under /console with its query and fragment', () => {
    assert.equal(safeReturnTo('/console'), '/console');
    assert.equal(safeReturnTo('/console/actions/a-1?tab=events#top'), '/console/actions/a-1?tab=events#top');
  });

  it('replaces anything else by /console', () => {
    for (const raw of [
      undefined, '', 'console', 'https://evil.example/console', '//evil.example/console', '/\\evil.example', '\\\\evil.example',
      '/consolex', '/console/../v1/actions', '/console/%2e%2e/v1', '/console/..%2fv1', '/console//evil', '/auth/logout',
      'javascript:alert(1)', '/console\n/x', '/console\t', ['/console/a'], '/%2f%2fevil.example', 'x'.repeat(3000),
    ]) assert.equal(safeReturnTo(raw), '/console', JSON.stringify(raw));
  });

  it('property: whatever it is given, the result is a path under /console on the same origin', () => {
    const base = 'https://gateway.example';
    const pieces = fc.constantFrom('/console', '/', '//', '\\', '..', '%2e', '%2f', 'evil.example', '?', '#', '@', ':', 'https:', '\t', '/consolex', 'a');
    const raw = fc.oneof(fc.string({ unit: 'binary', maxLength: 60 }), fc.array(pieces, { maxLength: 8 }).map((p) => p.join('')));
    fc.assert(fc.property(raw, (r) => {
      const result = safeReturnTo(r);
      const url = new URL(result, base);
      return url.origin === base && (url.pathname === '/console' || url.pathname.startsWith('/console/')) && result.startsWith('/console');
    }), { numRuns: 2000 });
  });
});
