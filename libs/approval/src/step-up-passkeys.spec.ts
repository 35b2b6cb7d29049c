import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { passkeyLedgerId, type ActionCommand, type PasskeyRegisteredData } from '@countersign/contracts';
import { grant, ledger, LEDGER } from './testing/ledger.ts';
import { nextId, T0 } from './testing/fixtures.ts';
import { MAX_PASSKEYS } from './step-up-passkeys.ts';

// Passkeys are event-sourced in their owner's ledger (ADR 0009): one router decides each principal's
// registrations and removals in order; refusals are silent, as in every ledger.
const key = (principal: string, credentialId = 'cred-1', extra: Partial<PasskeyRegisteredData> = {}): PasskeyRegisteredData => ({
  principal, credentialId, publicKey: 'pQECAyYgASFYIA', counter: 0, transports: ['internal'], name: 'laptop', ...extra,
});
const sent = (type: 'RegisterPasskey' | 'RemovePasskey', data: object, by: string, stream: string): ActionCommand =>
  ({ id: nextId(type), type, actionId: stream, issuedAt: T0.toISOString(), actor: { id: by, kind: 'human' }, correlationId: stream, data }) as ActionCommand;
const register = (principal: string, credentialId = 'cred-1', by = principal, stream = passkeyLedgerId(principal)) =>
  sent('RegisterPasskey', key(principal, credentialId), by, stream);
const remove = (principal: string, credentialId: string, by = principal) => sent('RemovePasskey', { principal, credentialId, removedBy: by }, by, passkeyLedgerId(principal));

describe('passkeys in a principal\'s ledger', () => {
  it('given rita\'s ledger, when she registers a passkey, then PasskeyRegistered is appended and the ledger holds it', () => {
    const after = ledger().when(register('rita'));
    after.then(['PasskeyRegistered']);
    assert.deepEqual(after.state.passkeys, { 'cred-1': { principal: 'rita', name: 'laptop' } });
  });

  it('given the ledger is rita\'s, when a registration names rita but is sent by someone else, then nothing is appended', () => {
    ledger().when(register('rita', 'cred-1', 'alice')).then([]);
  });

  it('given a registration for alice, when it is keyed on rita\'s ledger, then nothing is appended', () => {
    ledger().when(register('alice', 'cred-1', 'alice', LEDGER)).then([]);
  });

  it('given a live passkey, when the same credential is registered again, then nothing is appended', () => {
    ledger(register('rita')).when(register('rita')).then([]);
  });

  it(`given ${MAX_PASSKEYS} live passkeys, when one more is registered, then nothing is appended`, () => {
    const full = ledger(...Array.from({ length: MAX_PASSKEYS }, (_, i) => register('rita', `cred-${i}`)));
    full.when(register('rita', 'cred-more')).then([]);
  });

  it('given a live passkey, when its owner removes it, then PasskeyRemoved is appended and the ledger forgets it', () => {
    const after = ledger(register('rita')).when(remove('rita', 'cred-1'));
    after.then(['PasskeyRemoved']);
    assert.deepEqual(after.state.passkeys, {});
  });

  it('given a live passkey, when another (non-admin) principal removes it, then nothing is appended', () => {
    ledger(register('rita')).when(remove('rita', 'cred-1', 'alice')).then([]);
  });

  it('given a removed passkey, when it is removed again, then nothing is appended', () => {
    ledger(register('rita'), remove('rita', 'cred-1')).when(remove('rita', 'cred-1')).then([]);
  });

  it('given standing approvals in the ledger, when a passkey is registered, then both are kept', () => {
    const after = ledger(grant()).when(register('rita'));
    assert.equal(Object.keys(after.state.approvals).length, 1);
    assert.equal(Object.keys(after.state.passkeys ?? {}).length, 1);
  });
});
