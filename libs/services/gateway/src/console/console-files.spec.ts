import assert from 'node:assert/strict';
import { sep } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { cacheControl, consoleTarget, contentType } from './console-files.ts';

describe('console files', () => {
  it('given the console root or a client route, when resolved, then index.html answers (SPA fallback)', () => {
    for (const rest of ['', '/', '/audit', '/actions/01a2-x', '/settings/', '/policies']) {
      assert.deepEqual(consoleTarget(rest), { kind: 'index' }, rest);
    }
  });

  it('given a hashed asset, when resolved, then it is that file, cached for a year', () => {
    const target = consoleTarget('/assets/index-5e0pgw5d.js');
    assert.deepEqual(target, { kind: 'file', relative: `assets${sep}index-5e0pgw5d.js` });
    assert.equal(cacheControl(`assets${sep}index-5e0pgw5d.js`), 'public, max-age=31536000, immutable');
    assert.equal(contentType('assets/index.js'), 'text/javascript; charset=utf-8');
    assert.equal(contentType('assets/index.css'), 'text/css; charset=utf-8');
  });

  it('given paths that climb, hide or are malformed, when resolved, then nothing is served', () => {
    for (const rest of ['/../package.json', '/assets/../../x.js', '/%2e%2e/secret.js', '/.env', '/assets/%00.js', '/%E0%A4%A', '/a\\..\\b.js']) {
      assert.deepEqual(consoleTarget(rest), { kind: 'not-found' }, rest);
    }
  });

  it('property: a file target never names a parent, hidden or absolute path', () => {
    const segment = fc.oneof(fc.constantFrom('..', '.', '', 'assets', '%2e%2e', '%2F', 'a.js', '.git', '%5c'), fc.string({ maxLength: 8 }));
    fc.assert(fc.property(fc.array(segment, { maxLength: 6 }), (segments) => {
      const target = consoleTarget('/' + segments.join('/'));
      if (target.kind !== 'file') return;
      const parts = target.relative.split(sep);
      assert.ok(!target.relative.startsWith(sep));
      assert.ok(parts.every((p) => p !== '' && p !== '..' && !p.startsWith('.') && !p.includes('\\') && !p.includes('\0')), target.relative);
    }), { numRuns: 2000 });
  });
});
