import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { SDK_VERSION } from './version.js';

describe('version', () => {
  it('given the package manifest, the User-Agent version is the published one', () => {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    assert.equal(SDK_VERSION, manifest.version);
  });
});
