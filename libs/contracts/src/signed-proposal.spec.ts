import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FlattenedSign, flattenedVerify, generateKeyPair } from 'jose';
import { actionIdProblem, idempotentActionId } from './action-ids.ts';
import { canonicalJson, contentHash } from './hash-chain.ts';
import { parseSignedProposal, signProposal, verifyProposalSignature, type ProposeActionCommand, type SignedProposalRecord } from './signed-proposal.ts';
import { describeErrors } from './validation.ts';

const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
const signer = { kid: 'etl/etl-1', privateKey };

const command: ProposeActionCommand = {
  id: '01964f3a-0000-7000-8000-000000000001',
  type: 'ProposeAction',
  actionId: idempotentActionId('etl', 'nightly-2026-11-22'),
  issuedAt: '2026-11-22T10:00:00.000Z',
  actor: { id: 'etl', kind: 'agent' },
  correlationId: 'c-1',
  data: {
    action: 'data.read', resource: 'prod/orders', params: { limit: 10 }, paramsHash: contentHash({ limit: 10 }),
    requestHash: contentHash({ action: 'data.read' }), requester: { id: 'etl', kind: 'agent', identities: [] }, idempotencyKey: 'nightly-2026-11-22',
  },
};
const record = await signProposal(command, signer);
const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** The same 64 bytes with a padding bit of the last character flipped: decoders ignore it. */
const respelled = (text: string) => text.slice(0, -1) + ALPHABET[ALPHABET.indexOf(text.at(-1)!) ^ 1];
const header = { alg: 'EdDSA', kid: 'etl/etl-1', typ: 'countersign-proposal+jws' };

function refusal(value: unknown): string {
  const parsed = parseSignedProposal(value);
  assert.equal(parsed.ok, false, 'should have been refused');
  return parsed.ok ? '' : describeErrors(parsed.errors);
}

describe('a signed proposal record', () => {
  it('is the JWS jose makes of it, byte for byte, and verifies under the public key', async () => {
    const pair = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const made = await signProposal(command, { kid: 'etl/etl-1', privateKey: pair.privateKey });
    const jose = await new FlattenedSign(new TextEncoder().encode(canonicalJson(command))).setProtectedHeader({ ...header }).sign(pair.privateKey);
    assert.deepEqual(made, { protected: jose.protected, payload: jose.payload, signature: jose.signature });
    await flattenedVerify(made, pair.publicKey, { algorithms: ['EdDSA'] });
    await assert.rejects(signProposal(command, { kid: 'etl/etl-1', privateKey: pair.publicKey }), /Ed25519 private key/);
  });

  it('verifies under its signer\'s public key only, and not once a byte of it changed', async () => {
    const [pair, other] = await Promise.all([generateKeyPair('EdDSA', { crv: 'Ed25519' }), generateKeyPair('EdDSA', { crv: 'Ed25519' })]);
    const made = await signProposal(command, { kid: 'etl/etl-1', privateKey: pair.privateKey });
    assert.equal(verifyProposalSignature(made, pair.publicKey), true);
    assert.equal(verifyProposalSignature(made, other.publicKey), false);
    assert.equal(verifyProposalSignature(made, pair.privateKey), false, 'a private key is not a verifying key');
    const payload = Buffer.from(made.payload, 'base64url').toString().replace('"etl"', '"elt"');
    assert.equal(verifyProposalSignature({ ...made, payload: Buffer.from(payload).toString('base64url') }, pair.publicKey), false);
  });

  it('is a flattened JWS over the canonical command, naming its signer', () => {
    assert.deepEqual(Object.keys(record).sort(), ['payload', 'protected', 'signature']);
    assert.equal(Buffer.from(record.payload, 'base64url').toString(), canonicalJson(command));
    assert.deepEqual(JSON.parse(Buffer.from(record.protected, 'base64url').toString()), header);
    const parsed = parseSignedProposal(JSON.parse(JSON.stringify(record)));
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.value.command, command);
    assert.deepEqual(parsed.value.signer, { principal: 'etl', keyId: 'etl-1' });
    assert.equal(parsed.value.actionId, command.actionId);
  });

  const cases: [string, unknown, RegExp][] = [
    ['a plain command, unsigned', command, /\/protected is required; \/payload is required; \/signature is required|\/type is not an allowed property/],
    ['padding in base64url', { ...record, signature: `${record.signature}=` }, /\/signature must match pattern/],
    ['a second spelling of the same bytes', { ...record, payload: `${record.payload.slice(0, -1)}${String.fromCharCode(record.payload.charCodeAt(record.payload.length - 1) ^ 1)}` }, /\/payload/],
    ['a signature spelled another way (the padding bits of its last character set)', { ...record, signature: respelled(record.signature) }, /^\/signature is not an Ed25519 signature: 64 bytes/],
    ['a signature of another length', { ...record, signature: record.signature.slice(0, 80) }, /^\/signature is not an Ed25519 signature/],
    ['another algorithm', { ...record, protected: b64({ ...header, alg: 'HS256' }) }, /^\/protected\/alg must be equal to constant/],
    ['another type of token', { ...record, protected: b64({ ...header, typ: 'JWT' }) }, /^\/protected\/typ must be equal to constant/],
    ['a critical extension', { ...record, protected: b64({ ...header, crit: ['b64'], b64: false }) }, /\/protected\/crit is not an allowed property/],
    ['a kid that names no principal/key', { ...record, protected: b64({ ...header, kid: 'etl' }) }, /^\/protected\/kid must match pattern/],
    ['a header that is not JSON', { ...record, protected: b64('{alg') }, /^\/protected is not valid JSON/],
    ['a payload that is not canonical', { ...record, payload: b64(JSON.stringify(command, null, 1)) }, /^\/payload is not RFC 8785 canonical JSON/],
    ['a payload with a duplicate key', { ...record, payload: b64('{"id":"a","id":"b"}') }, /^\/payload\/id is a duplicate key/],
    ['a payload that is no command', { ...record, payload: b64(canonicalJson({ ...command, data: { ...command.data, params: 'x' } })) }, /^\/payload\/data\/params must be object/],
    ['another command', { ...record, payload: b64(canonicalJson({ ...command, type: 'CancelAction', data: { by: 'etl' } })) }, /^\/payload\/type the proposals topic carries ProposeAction only, not CancelAction/],
  ];
  for (const [name, value, reason] of cases) {
    it(`is refused with the field named: ${name}`, () => assert.match(refusal(value), reason));
  }

  it('never throws on arbitrary JSON, and refuses what is not a signed proposal', () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => {
      assert.equal(parseSignedProposal(value).ok, false);
    }), { numRuns: 500 });
  });

  it('never throws on arbitrary strings in its three fields', () => {
    const part = fc.oneof(fc.string(), fc.base64String().map((s) => s.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')), fc.constantFrom(record.protected, record.payload, record.signature));
    fc.assert(fc.property(part, part, part, (p, q, s) => {
      const parsed = parseSignedProposal({ protected: p, payload: q, signature: s } satisfies SignedProposalRecord);
      if (parsed.ok) assert.equal(q, record.payload, 'only the genuine payload parses');
    }), { numRuns: 500 });
  });
});

describe('action ids of proposals', () => {
  it('are derived from the idempotency key per principal, or a UUIDv7 without one', () => {
    assert.equal(idempotentActionId('etl', 'k'), idempotentActionId('etl', 'k'));
    assert.notEqual(idempotentActionId('etl', 'k'), idempotentActionId('other', 'k'));
    assert.equal(actionIdProblem(idempotentActionId('etl', 'k'), 'etl', 'k'), undefined);
    assert.match(actionIdProblem(idempotentActionId('other', 'k'), 'etl', 'k')!, /^actionId must be [0-9a-f-]{36}, the id etl's idempotency key leads to/);
    assert.equal(actionIdProblem('01964f3a-0000-7000-8000-000000000001', 'etl', undefined), undefined);
    assert.match(actionIdProblem(idempotentActionId('etl', 'k'), 'etl', undefined)!, /must be a lowercase UUIDv7/);
  });
});
