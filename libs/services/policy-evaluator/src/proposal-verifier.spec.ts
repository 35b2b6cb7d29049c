import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  contentHash, idempotentActionId, parseSignedProposal, signProposal, type ProposeActionCommand, type SignedProposal, type SignedProposalRecord,
} from '@countersign/contracts';
import type { DeliveredRecord } from '@countersign/eventlog';
import { loadDirectory } from '@countersign/identity';
import { UnavailableError, UnprocessableMessage } from '@countersign/messaging';
import { ephemeralProposalKeys, type ProposalKeys } from '@countersign/runtime';
import { exportJWK, generateKeyPair } from 'jose';
import { ProposalVerifier } from './proposal-verifier.ts';

const NOW = Date.parse('2026-11-22T10:00:00.000Z');
const etlKey = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
const otherKey = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
const x = (await exportJWK(etlKey.publicKey)).x!;

const loaded = loadDirectory([{
  path: 'p.yaml',
  text: `apiVersion: countersign.dev/v1\nkind: PrincipalList\nspec:\n  principals:\n    - id: alice\n      kind: human\n      identities: ["slack:U0ALICE"]\n` +
    `    - id: etl\n      kind: agent\n      owner: alice\n      identities: ["ci:etl"]\n      signingKeys: [{ id: etl-1, publicKey: ${x} }]\n`,
}]);
assert.ok(loaded.ok);
const directory = loaded.directory;
const gateway = await ephemeralProposalKeys();

function verifier(keys: Partial<ProposalKeys> = {}, clock = { now: () => new Date(NOW) }): ProposalVerifier {
  return new ProposalVerifier(directory, clock, { ...gateway, ...keys });
}

let n = 0;
function proposal(overrides: { by?: string; key?: string; issuedAt?: string; data?: Partial<ProposeActionCommand['data']>; actionId?: string } = {}): ProposeActionCommand {
  const by = overrides.by ?? 'etl';
  const key = overrides.key ?? `run-${(n += 1)}`;
  const params = { table: 'orders' };
  return {
    id: `01964f3a-0000-7000-8000-${String(n).padStart(12, '0')}`,
    type: 'ProposeAction',
    actionId: overrides.actionId ?? idempotentActionId(by, key),
    issuedAt: overrides.issuedAt ?? new Date(NOW - 1000).toISOString(),
    actor: { id: by, kind: by === 'alice' ? 'human' : 'agent' },
    correlationId: 'c',
    data: {
      action: 'data.read', resource: 'prod/orders', params, paramsHash: contentHash(params), requestHash: contentHash({}),
      requester: { id: by, kind: by === 'alice' ? 'human' : 'agent', identities: [] }, idempotencyKey: key, ...overrides.data,
    },
  };
}

async function signed(command: ProposeActionCommand, kid = 'etl/etl-1', privateKey = etlKey.privateKey): Promise<SignedProposal> {
  return parsed(await signProposal(command, { kid, privateKey }));
}
function parsed(jws: SignedProposalRecord): SignedProposal {
  const check = parseSignedProposal(JSON.parse(JSON.stringify(jws)));
  assert.ok(check.ok, JSON.stringify(check));
  return check.value;
}
const at = (command: ProposeActionCommand, offset = '1'): DeliveredRecord => ({ topic: 'countersign.proposals', key: command.actionId, partition: 0, offset, raw: '', value: undefined });

async function refusal(v: ProposalVerifier, s: SignedProposal, record: DeliveredRecord = at(s.command)): Promise<string> {
  const error = await v.verified(s, record).then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof UnprocessableMessage, `should have been refused, got ${String(error)}`);
  return error.message;
}

describe('verifying a signed proposal', () => {
  it("gives a pipeline's own proposal, with the requester as the principals file has it", async () => {
    const command = proposal();
    const verified = await verifier().verified(await signed(command), at(command));
    assert.deepEqual(verified.data.requester, { id: 'etl', kind: 'agent', identities: ['ci:etl', 'signing-key:etl-1'], onBehalfOf: 'alice' });
    assert.deepEqual({ ...verified, data: { ...verified.data, requester: command.data.requester } }, command);
  });

  it("gives the gateway's proposal on behalf of the caller it authenticated, as signed", async () => {
    const command = proposal({ by: 'alice', data: { requester: { id: 'alice', kind: 'human', identities: ['slack:U0ALICE', 'apikey:alice-1'] } } });
    const verified = await verifier().verified(await signed(command, gateway.signer!.kid, gateway.signer!.privateKey), at(command));
    assert.deepEqual(verified, command);
  });

  const refusals: [string, () => Promise<string>, RegExp][] = [
    ['forged: signed with another key', async () => refusal(verifier(), await signed(proposal(), 'etl/etl-1', otherKey.privateKey)), /bad signature: the record does not verify under etl\/etl-1/],
    ['a principal the file does not list', async () => refusal(verifier(), await signed(proposal({ by: 'mallory' }), 'mallory/k')), /unknown principal: mallory/],
    ['a key the principal does not have', async () => refusal(verifier(), await signed(proposal(), 'etl/etl-2')), /unknown key: etl has no signing key etl-2/],
    ['a principal without keys', async () => refusal(verifier(), await signed(proposal({ by: 'alice' }), 'alice/a-1')), /unknown key: alice has no signing key a-1/],
    ['a gateway key this evaluator does not know', async () => {
      const other = await ephemeralProposalKeys();
      return refusal(verifier(), await signed(proposal({ by: 'alice' }), other.signer!.kid, other.signer!.privateKey));
    }, /unknown key: countersign-gateway\/\S+ is not a gateway key/],
    ['a pipeline proposing for someone else', async () => refusal(verifier(), await signed(proposal({ data: { requester: { id: 'alice', kind: 'human', identities: [] } } }))), /requester alice \(actor etl\) is not the signer etl: only the gateway proposes on behalf of others/],
    ['a pipeline claiming another owner', async () => refusal(verifier(), await signed(proposal({ data: { requester: { id: 'etl', kind: 'agent', identities: [], onBehalfOf: 'bob' } } }))), /requester.onBehalfOf bob is not etl's owner \(alice\)/],
    ['a pipeline claiming an identity it lacks', async () => refusal(verifier(), await signed(proposal({ data: { requester: { id: 'etl', kind: 'agent', identities: ['slack:U0ALICE'] } } }))), /requester.identities holds slack:U0ALICE/],
    ['stale', async () => refusal(verifier(), await signed(proposal({ issuedAt: new Date(NOW - 300_001).toISOString() }))), /stale: issued at 2026-11-22T09:54:59.999Z, more than 300 s ago/],
    ['from the future', async () => refusal(verifier(), await signed(proposal({ issuedAt: new Date(NOW + 30_001).toISOString() }))), /more than 30 s in the future/],
    ['an action id that is not the idempotency key\'s', async () => refusal(verifier(), await signed(proposal({ actionId: idempotentActionId('alice', 'k') }))), /actionId must be/],
    ['params that are not the hashed ones', async () => refusal(verifier(), await signed(proposal({ data: { params: { table: 'users' } } }))), /paramsHash is not the SHA-256 of the canonical params/],
    ['a resource not in canonical form', async () => refusal(verifier(), await signed(proposal({ data: { resource: '/prod//orders' } }))), /\/payload\/data\/resource is not in canonical form/],
    ['a record keyed by another action', async () => {
      const command = proposal();
      return refusal(verifier(), await signed(command), { ...at(command), key: 'elsewhere' });
    }, /the record key "elsewhere" is not the action id/],
  ];
  for (const [name, refuse, reason] of refusals) {
    it(`refuses, saying why: ${name}`, async () => assert.match(await refuse(), reason));
  }

  it('refuses a replay in another record, but not the same record delivered again', async () => {
    const v = verifier();
    const command = proposal();
    const s = await signed(command);
    await v.verified(s, at(command, '7'));
    await v.verified(s, at(command, '7'));
    assert.match(await refusal(v, s, at(command, '8')), /replayed: command etl\/01964f3a-\S+ was already received in another record/);
  });

  it('forgets a command once its record is stale, and waits rather than forget a fresh one', async () => {
    let now = NOW;
    const v = verifier({ replayCapacity: 1 }, { now: () => new Date(now) });
    const first = proposal();
    await v.verified(await signed(first), at(first, '1'));
    const second = proposal();
    await assert.rejects(v.verified(await signed(second), at(second, '2')), (e: unknown) => e instanceof UnavailableError && /capacity/.test((e as Error).message));
    now += 300_000;
    const third = proposal({ issuedAt: new Date(now).toISOString() });
    await v.verified(await signed(third), at(third, '3'));
  });

  it('refuses any change to a signed record', async () => {
    const command = proposal({ key: 'mutated' });
    const jws = await signProposal(command, { kid: 'etl/etl-1', privateKey: etlKey.privateKey });
    const v = verifier();
    const fields = ['protected', 'payload', 'signature'] as const;
    await fc.assert(fc.asyncProperty(fc.constantFrom(...fields), fc.nat(), fc.constantFrom(...'ABCabc012-_'), async (field, index, char) => {
      const text = jws[field];
      const i = index % text.length;
      fc.pre(text[i] !== char);
      const mutated = { ...jws, [field]: text.slice(0, i) + char + text.slice(i + 1) };
      const check = parseSignedProposal(mutated);
      if (!check.ok) return; // refused by its shape
      await assert.rejects(v.verified(check.value, at(command)), UnprocessableMessage);
    }), { numRuns: 300 });
  });
});
