import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readWebAuthnConfig } from './webauthn-config.ts';

describe('the relying party, read at start', () => {
  it('given no public URL, when read, then it is http://localhost:<PORT> with a two-minute challenge', () => {
    assert.deepEqual(readWebAuthnConfig({ PORT: '8080' }), { rpID: 'localhost', origin: 'http://localhost:8080', rpName: 'Countersign', challengeTtlMs: 120_000 });
  });

  it('given COUNTERSIGN_PUBLIC_URL, when read, then the RP ID is its host name and the origin its origin', () => {
    const config = readWebAuthnConfig({ COUNTERSIGN_PUBLIC_URL: 'https://approvals.example.com/', COUNTERSIGN_STEP_UP_TTL: '90s' });
    assert.deepEqual([config.rpID, config.origin, config.challengeTtlMs], ['approvals.example.com', 'https://approvals.example.com', 90_000]);
  });

  it('given a bad URL or TTL, when read, then it throws naming the variable', () => {
    assert.throws(() => readWebAuthnConfig({ COUNTERSIGN_PUBLIC_URL: 'not a url' }), /^Error: COUNTERSIGN_PUBLIC_URL: /);
    assert.throws(() => readWebAuthnConfig({ COUNTERSIGN_PUBLIC_URL: 'ftp://x' }), /^Error: COUNTERSIGN_PUBLIC_URL: /);
    assert.throws(() => readWebAuthnConfig({ COUNTERSIGN_STEP_UP_TTL: '1h' }), /^Error: COUNTERSIGN_STEP_UP_TTL: /);
  });
});
