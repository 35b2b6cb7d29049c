import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GrantInvalid } from './errors.js';
import { verifyGrant } from './grant.js';
import { paramsHash } from './hashing.js';
import { grantKeys, signGrant } from './testing/fake-api.js';
import { json, scriptedFetch } from './testing/replies.js';

const ACTION_ID = '01a20091-eb2d-75d6-af37-4376e1c720d1';
const params = { rows: 1 };

describe('verifyGrant and the checkpoint keys of the same key set (ADR 0007)', () => {
  it('given a grant signed with a checkpoint key of the published set, refuses it, from a saved set and from the URL', async () => {
    // given the published set: a grant key, and a checkpoint key (it carries notBefore) that signed a grant-shaped token
    const grant = await grantKeys('grant-1');
    const checkpoint = await grantKeys('checkpoint-1');
    const jwks = { keys: [...grant.jwks.keys, { ...checkpoint.jwks.keys[0], notBefore: '2026-01-01T00:00:00.000Z' }] };
    const claims = { sub: ACTION_ID, action: 'a', resource: 'r', paramsHash: await paramsHash(params), requester: 'x', approvers: ['y'], policyVersion: 'v', rule: 'r' };
    const forged = await signGrant(checkpoint, claims);
    // then it verifies under neither a saved set nor the fetched one; a real grant still does
    const reasonOf = async (promise: Promise<unknown>) => {
      const error = await promise.then(() => undefined, (e: unknown) => e);
      assert.ok(error instanceof GrantInvalid, String(error));
      return error.reason;
    };
    assert.equal(await reasonOf(verifyGrant(forged, { jwks, params })), 'unknown-kid');
    const { fetch } = scriptedFetch([json(200, jwks)]);
    assert.equal(await reasonOf(verifyGrant(forged, { jwksUrl: 'http://cs.test/.well-known/jwks.json', fetch, params })), 'unknown-kid');
    const verified = await verifyGrant(await signGrant(grant, claims), { jwks, params });
    assert.equal(verified.sub, ACTION_ID);
  });
});
