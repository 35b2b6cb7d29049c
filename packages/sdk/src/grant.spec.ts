import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import { CountersignUnavailable, GrantInvalid } from './errors.js';
import { verifyGrant } from './grant.js';
import { paramsHash } from './hashing.js';
import { grantKeys, signGrant, type FakeKeys } from './testing/fake-api.js';
import { json, scriptedFetch } from './testing/replies.js';

const ACTION_ID = '01a20091-eb2d-75d6-af37-4376e1c720d1';
const params = { format: 'csv', rows: 5000 };

let keys: FakeKeys;
let claims: Record<string, unknown>;

before(async () => {
  keys = await grantKeys('k-2026-01');
  claims = {
    sub: ACTION_ID, action: 'data.export', resource: 'prod/customers', paramsHash: await paramsHash(params),
    requester: 'demo-agent', approvers: ['alice'], policyVersion: 'a815c8c3', rule: 'prod-export',
  };
});

async function reason(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof GrantInvalid, `expected GrantInvalid, got ${String(error)}`);
  return error.reason;
}

describe('verifyGrant', () => {
  it('given a grant for exactly these params, action, resource and id, returns its claims', async () => {
    const token = await signGrant(keys, claims);
    const verified = await verifyGrant(token, { jwks: keys.jwks, params: { rows: 5000, format: 'csv' }, action: 'data.export', resource: 'prod/customers', actionId: ACTION_ID });
    assert.equal(verified.sub, ACTION_ID);
    assert.deepEqual(verified.approvers, ['alice']);
  });

  it('given other params, refuses: the approval covers exactly the proposed ones', async () => {
    const token = await signGrant(keys, claims);
    assert.equal(await reason(verifyGrant(token, { jwks: keys.jwks, params: { format: 'csv', rows: 5001 } })), 'params-mismatch');
    assert.equal(await reason(verifyGrant(token, { jwks: keys.jwks, params: { format: 'csv', rows: 5000, extra: null } })), 'params-mismatch');
  });

  it('given another action, resource or action id, refuses naming which', async () => {
    const token = await signGrant(keys, claims);
    assert.equal(await reason(verifyGrant(token, { jwks: keys.jwks, params, action: 'data.read' })), 'action-mismatch');
    assert.equal(await reason(verifyGrant(token, { jwks: keys.jwks, params, resource: 'prod/orders' })), 'resource-mismatch');
    assert.equal(await reason(verifyGrant(token, { jwks: keys.jwks, params, actionId: '01a20091-0000-75d6-af37-4376e1c720d1' })), 'action-id-mismatch');
  });

  it('given an expired grant, refuses beyond the clock tolerance and accepts within it', async () => {
    const exp = Math.floor(Date.now() / 1000) - 3;
    const token = await signGrant(keys, { ...claims, iat: exp - 300, exp });
    assert.ok(await verifyGrant(token, { jwks: keys.jwks, params }));
    assert.equal(await reason(verifyGrant(token, { jwks: keys.jwks, params, clockTolerance: 0 })), 'expired');
    assert.equal(await reason(verifyGrant(token, { jwks: keys.jwks, params, now: (exp + 60) * 1000 })), 'expired');
  });

  it('given a grant not valid yet, refuses it', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await signGrant(keys, { ...claims, nbf: now + 600, iat: now, exp: now + 900 });
    assert.equal(await reason(verifyGrant(token, { jwks: keys.jwks, params })), 'not-yet-valid');
    const issuedLater = await signGrant(keys, { ...claims, iat: now + 600, exp: now + 900 });
    assert.equal(await reason(verifyGrant(issuedLater, { jwks: keys.jwks, params })), 'not-yet-valid');
  });

  it('given a key that is not in the key set (rotated out, or a stranger), refuses it as unknown-kid', async () => {
    const stranger = await grantKeys('k-2025-12');
    assert.equal(await reason(verifyGrant(await signGrant(stranger, claims), { jwks: keys.jwks, params })), 'unknown-kid');
  });

  it('given a key set with the current and a retired key, verifies grants of both', async () => {
    const retired = await grantKeys('k-2025-12');
    const jwks = { keys: [...keys.jwks.keys, ...retired.jwks.keys] };
    assert.ok(await verifyGrant(await signGrant(retired, claims), { jwks, params }));
    assert.ok(await verifyGrant(await signGrant(keys, claims), { jwks, params }));
  });

  it('given a forged signature under a known kid, refuses it as bad-signature', async () => {
    const forger = await grantKeys(keys.kid);
    assert.equal(await reason(verifyGrant(await signGrant(forger, claims), { jwks: keys.jwks, params })), 'bad-signature');
  });

  it('given another typ, issuer or algorithm, or no signature at all, refuses it', async () => {
    assert.equal(await reason(verifyGrant(await signGrant(keys, claims, { typ: 'JWT' }), { jwks: keys.jwks, params })), 'wrong-typ');
    assert.equal(await reason(verifyGrant(await signGrant(keys, { ...claims, iss: 'someone' }), { jwks: keys.jwks, params })), 'wrong-issuer');
    const es = await generateKeyPair('ES256');
    const es256 = await new SignJWT({ ...claims, iss: 'countersign' }).setProtectedHeader({ alg: 'ES256', kid: keys.kid, typ: 'countersign-grant+jwt' })
      .setIssuedAt().setExpirationTime('5m').sign(es.privateKey);
    assert.equal(await reason(verifyGrant(es256, { jwks: keys.jwks, params })), 'wrong-alg');
    const unsigned = new UnsecuredJWT({ ...claims, iss: 'countersign' }).setIssuedAt().setExpirationTime('5m').encode();
    assert.ok(['wrong-alg', 'malformed'].includes(await reason(verifyGrant(unsigned, { jwks: keys.jwks, params }))));
  });

  it('given a grant for an audience, needs the executor to name that audience', async () => {
    const token = await signGrant(keys, { ...claims, aud: 'exporter' });
    assert.ok(await verifyGrant(token, { jwks: keys.jwks, params, audience: 'exporter' }));
    assert.equal(await reason(verifyGrant(token, { jwks: keys.jwks, params, audience: 'deployer' })), 'wrong-audience');
    assert.equal(await reason(verifyGrant(token, { jwks: keys.jwks, params })), 'wrong-audience');
  });

  it('given a signed token whose claims are not a grant’s, refuses it as claims-invalid', async () => {
    const { paramsHash: _h, ...noHash } = claims;
    assert.equal(await reason(verifyGrant(await signGrant(keys, noHash), { jwks: keys.jwks, params })), 'claims-invalid');
    assert.equal(await reason(verifyGrant(await signGrant(keys, { ...claims, approvers: 'alice' }), { jwks: keys.jwks, params })), 'claims-invalid');
  });

  it('given a jwksUrl, fetches the key set once and reuses it', async () => {
    const stub = scriptedFetch([json(200, keys.jwks)]);
    const token = await signGrant(keys, claims);
    for (let i = 0; i < 3; i++) await verifyGrant(token, { jwksUrl: 'http://cs.test/.well-known/jwks.json', params, fetch: stub.fetch });
    assert.equal(stub.calls.length, 1);
  });

  it('given a jwksUrl that cannot be fetched, says Countersign is unavailable (not that the grant is bad)', async () => {
    const stub = scriptedFetch([new Response('<html>', { status: 502 })]);
    const token = await signGrant(keys, claims);
    await assert.rejects(verifyGrant(token, { jwksUrl: 'http://down.test/.well-known/jwks.json', params, fetch: stub.fetch }), CountersignUnavailable);
  });

  it('given no key set or no params, is a usage error', async () => {
    const token = await signGrant(keys, claims);
    await assert.rejects(verifyGrant(token, { params } as never), TypeError);
    await assert.rejects(verifyGrant(token, { jwks: keys.jwks } as never), TypeError);
  });

  it('property: any string that is not the grant is refused as GrantInvalid', async () => {
    const token = await signGrant(keys, claims);
    await fc.assert(fc.asyncProperty(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.stringMatching(/^[A-Za-z0-9_.-]{0,400}$/)), async (text) => {
      fc.pre(text.trim() !== token);
      await reason(verifyGrant(text, { jwks: keys.jwks, params }));
    }), { numRuns: 300 });
  });

  it('property: a grant with any character of its payload or signature changed is refused', async () => {
    const token = await signGrant(keys, claims);
    const [header] = token.split('.');
    await fc.assert(fc.asyncProperty(fc.integer({ min: header.length + 1, max: token.length - 2 }), fc.constantFrom(...'AQgw_-x7'), async (at, char) => {
      // The last character of a segment may carry only padding bits, so changing it may change nothing.
      fc.pre(token[at] !== char && token[at] !== '.' && token[at + 1] !== '.' && at !== token.length - 1);
      const tampered = token.slice(0, at) + char + token.slice(at + 1);
      await reason(verifyGrant(tampered, { jwks: keys.jwks, params }));
    }), { numRuns: 200 });
  });

  it('property: any params but the approved ones are refused; the approved ones in any key order pass', async () => {
    const token = await signGrant(keys, claims);
    await fc.assert(fc.asyncProperty(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }), async (other) => {
      fc.pre(JSON.stringify(other) !== JSON.stringify(params) && JSON.stringify(other) !== JSON.stringify({ rows: 5000, format: 'csv' }));
      assert.equal(await reason(verifyGrant(token, { jwks: keys.jwks, params: other })), 'params-mismatch');
    }), { numRuns: 100 });
    assert.ok(await verifyGrant(token, { jwks: keys.jwks, params: { rows: 5000, format: 'csv' } }));
  });
});
