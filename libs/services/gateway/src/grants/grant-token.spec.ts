import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { ActionView } from '@countersign/audit';
import { contentHash } from '@countersign/contracts';
import { grantJwks, importGrantKeys, newGrantKeyFile, rotateGrantKeyFile, type GrantKeys } from '@countersign/runtime';
import { decodeJwt, decodeProtectedHeader, SignJWT } from 'jose';
import { checkGrant, DEFAULT_GRANT_TTL_SECONDS, GRANT_TYPE, issueGrant } from './grant-token.ts';

const APPROVED_AT = new Date('2026-12-01T10:00:00.000Z');
const PARAMS = { rows: 5000, format: 'csv' };
const secondsAfter = (s: number) => new Date(APPROVED_AT.getTime() + s * 1000);

function approved(overrides: Partial<ActionView> = {}): ActionView {
  return {
    _id: 'act-1', status: 'approved', action: 'data.export', resource: 'prod/customers', params: PARAMS, paramsHash: contentHash(PARAMS),
    requestHash: 'r'.repeat(64), requester: 'agent-7', requesterKind: 'agent', onBehalfOf: 'dave', correlationId: 'act-1',
    createdAt: APPROVED_AT.toISOString(), updatedAt: APPROVED_AT.toISOString(), votes: [], rejections: [], notifications: [],
    delivery: { delivered: 0, failures: 0, failing: [] }, involved: [],
    policy: { outcome: 'require_approval', policyVersion: 'pv-1', matchedRules: ['exports'], rule: 'exports', reason: 'r', grantTtlSeconds: 120, grantAudience: 'exporter' },
    decision: { outcome: 'approved', at: APPROVED_AT.toISOString(), by: ['alice'], automatic: false, reason: 'ok', rule: 'exports', policyVersion: 'pv-1', paramsHash: contentHash(PARAMS) },
    ...overrides,
  } as ActionView;
}

const keysNow = async (): Promise<{ keys: GrantKeys; file: Awaited<ReturnType<typeof newGrantKeyFile>> }> => {
  const file = await newGrantKeyFile(APPROVED_AT);
  return { file, keys: await importGrantKeys(file) };
};

describe('grants: issued from an approval, verified by the gateway', () => {
  it('given an approved action, when its grant is issued, then it names what was approved, by whom, under which rule, for the rule\'s TTL', async () => {
    const { keys } = await keysNow();
    const issued = await issueGrant(approved(), keys);
    const claims = decodeJwt(issued.grant);
    assert.deepEqual(decodeProtectedHeader(issued.grant), { alg: 'EdDSA', kid: keys.signer.kid, typ: GRANT_TYPE });
    assert.equal(claims.sub, 'act-1');
    assert.equal(claims.aud, 'exporter');
    assert.equal(claims.paramsHash, contentHash(PARAMS));
    assert.deepEqual(claims.approvers, ['alice']);
    assert.equal(claims.onBehalfOf, 'dave');
    assert.equal(claims.exp! - claims.iat!, 120);
    assert.equal(issued.expiresAt, secondsAfter(120).toISOString());
    assert.equal(issued.jti, claims.jti);
    assert.equal((await issueGrant(approved(), keys)).grant, issued.grant, 'the same approval and key give the same grant on every replica');
  });

  it('given a rule without grantTtl or an automatic approval, then the default TTL applies and nobody is named as approver', async () => {
    const { keys } = await keysNow();
    const view = approved({ policy: { outcome: 'allow', policyVersion: 'pv-1', matchedRules: ['reads'], rule: 'reads', reason: 'r' } });
    view.decision = { ...view.decision!, automatic: true, by: ['approval-router'] };
    const claims = decodeJwt((await issueGrant(view, keys)).grant);
    assert.equal(claims.exp! - claims.iat!, DEFAULT_GRANT_TTL_SECONDS);
    assert.deepEqual(claims.approvers, []);
    assert.equal(claims.aud, undefined);
  });

  it('given a grant, when checked for its action in time, then it verifies; for another action, after expiry or tampered, it does not', async () => {
    const { keys } = await keysNow();
    const { grant } = await issueGrant(approved(), keys);
    assert.equal((await checkGrant(grant, 'act-1', keys, secondsAfter(60))).ok, true);
    assert.deepEqual(await checkGrant(grant, 'act-2', keys, secondsAfter(60)), { ok: false, code: 'grant-invalid', detail: 'is not a grant for action act-2' });
    assert.equal((await checkGrant(grant, 'act-1', keys, secondsAfter(120))).ok === false && (await checkGrant(grant, 'act-1', keys, secondsAfter(120)) as { code: string }).code, 'grant-expired');
    assert.equal((await checkGrant(grant, 'act-1', keys, secondsAfter(3600), { allowExpired: true })).ok, true, 'a report checks the grant as of its issue');
    const [h, p, s] = grant.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...decodeJwt(grant), paramsHash: 'f'.repeat(64) })).toString('base64url')}.${s}`;
    assert.match((await checkGrant(forged, 'act-1', keys, secondsAfter(60)) as { detail: string }).detail, /signature that does not verify/);
    assert.equal((await checkGrant(`${h}.${p}.${s}x`, 'act-1', keys, secondsAfter(60))).ok, false);
  });

  it('given a token of another type or another issuer\'s key, when checked, then it is refused', async () => {
    const { keys } = await keysNow();
    const other = await keysNow();
    const otherGrant = (await issueGrant(approved(), other.keys)).grant;
    assert.match((await checkGrant(otherGrant, 'act-1', keys, secondsAfter(1)) as { detail: string }).detail, /does not know/);
    const wrongType = await new SignJWT({ ...decodeJwt(otherGrant) }).setProtectedHeader({ alg: 'EdDSA', kid: keys.signer.kid, typ: 'JWT' }).sign(keys.signer.privateKey);
    assert.equal((await checkGrant(wrongType, 'act-1', keys, secondsAfter(1))).ok, false);
  });

  it('given a rotation, then old grants verify for a day after the retirement and the JWKS lists both keys until then', async () => {
    const { file, keys } = await keysNow();
    const old = (await issueGrant(approved(), keys)).grant;
    const rotated = await importGrantKeys(await rotateGrantKeyFile(file, secondsAfter(30)));
    assert.notEqual(rotated.signer.kid, keys.signer.kid);
    assert.equal((await checkGrant(old, 'act-1', rotated, secondsAfter(60))).ok, true);
    assert.equal(grantJwks(rotated, secondsAfter(60)).keys.length, 2);
    assert.equal(grantJwks(rotated, secondsAfter(30 + 86_400)).keys.length, 1);
    assert.match((await checkGrant(old, 'act-1', rotated, secondsAfter(30 + 86_400), { allowExpired: true }) as { detail: string }).detail, /does not use any more/);
    assert.notEqual((await issueGrant(approved(), rotated)).jti, decodeJwt(old).jti, 'a new key issues another grant (jti) for the same approval');
    assert.equal(JSON.stringify(grantJwks(rotated, secondsAfter(60))).includes('"d"'), false, 'no private half is ever published');
  });

  it('given any string as a grant, when checked, then the answer is a refusal, never an exception', async () => {
    const { keys } = await keysNow();
    await fc.assert(fc.asyncProperty(fc.oneof(fc.string({ maxLength: 300 }), fc.array(fc.base64String({ maxLength: 80 }), { minLength: 3, maxLength: 3 }).map((p) => p.join('.').replace(/[+/=]/g, 'A'))), async (token) => {
      const check = await checkGrant(token, 'act-1', keys, secondsAfter(1));
      assert.equal(check.ok, false);
    }), { numRuns: 200 });
  });
});

describe('the grant key file', () => {
  it('given malformed files, when imported, then each names the field at fault', async () => {
    const good = await newGrantKeyFile(APPROVED_AT);
    const cases: Array<[unknown, RegExp]> = [
      [null, /^\/keys must be an array/],
      [{ keys: [] }, /^\/keys must hold 1 to 100 keys/],
      [{ keys: [{ ...good.keys[0], kid: 'a b' }] }, /^\/keys\/0\/kid must be/],
      [{ keys: [{ ...good.keys[0], createdAt: 'yesterday' }] }, /^\/keys\/0\/createdAt must be an ISO-8601 time/],
      [{ keys: [{ ...good.keys[0], privateJwk: { kty: 'RSA' } }] }, /^\/keys\/0\/privateJwk must be an Ed25519 private key/],
      [{ keys: [good.keys[0], { ...good.keys[0], kid: 'other' }] }, /^\/keys\/1\/retiredAt is missing: only one key may sign/],
      [{ keys: [{ ...good.keys[0], retiredAt: APPROVED_AT.toISOString() }] }, /^\/keys has no signing key/],
    ];
    for (const [raw, expected] of cases) await assert.rejects(importGrantKeys(raw), (error: Error) => expected.test(error.message));
  });
});
