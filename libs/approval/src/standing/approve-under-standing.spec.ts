import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ActionCommand, ApproveUnderStandingData } from '@countersign/contracts';
import { decideSettled, settle } from '../settled.ts';
import type { Decided } from '../state.ts';
import { ACTION_ID, agent7, cancel, DEADLINE, PARAMS_HASH, propose, requireApproval, secondsAfter, T0, vote } from '../testing/fixtures.ts';
import { context, draftOf, given } from '../testing/given.ts';
import { EXPIRES, STANDING } from '../testing/ledger.ts';

const ALLOWS = { standing: { maxTtlSeconds: 3600, maxUses: 10 } };

function approveUnder(extra: Partial<ApproveUnderStandingData> = {}): ActionCommand {
  return {
    id: `under-${Math.random().toString(36).slice(2)}`, type: 'ApproveUnderStanding', actionId: ACTION_ID, issuedAt: T0.toISOString(),
    actor: { id: 'approval-router', kind: 'service' }, correlationId: ACTION_ID,
    data: {
      id: STANDING, use: 2, maxUses: 5, expiresAt: EXPIRES.toISOString(), sourceActionId: 'act-source', grantedBy: ['alice'], rule: 'exports',
      paramsHash: PARAMS_HASH, ...extra,
    },
  };
}

describe('an action approved under a standing approval', () => {
  it('given a pending action, when its requester ledger counted a use, then it is approved citing the standing approval, by its grantors', () => {
    const drafts = given(propose(), requireApproval(ALLOWS)).when(approveUnder()).then(['ActionApproved']);
    const approved = draftOf(drafts, 'ActionApproved');
    assert.deepEqual(approved.data.approvers, ['alice']);
    assert.equal(approved.data.automatic, false);
    assert.deepEqual(approved.data.standing, { id: STANDING, use: 2, maxUses: 5, expiresAt: EXPIRES.toISOString(), sourceActionId: 'act-source' });
    assert.match(approved.data.reason, new RegExp(`^Approved under standing approval ${STANDING} \\(use 2 of 5, until .+\\), granted by alice when they approved action act-source\\.$`));
    assert.equal(approved.data.paramsHash, PARAMS_HASH);
    assert.deepEqual(approved.actor, { id: 'approval-router', kind: 'service' });
  });

  it('given an action no longer pending, past its deadline, or on other terms, then nothing happens', () => {
    given(propose(), requireApproval(ALLOWS), cancel('rita')).when(approveUnder()).then([]);
    given(propose(), requireApproval(ALLOWS)).when(approveUnder(), { now: DEADLINE }).then([]);
    given(propose(), requireApproval(ALLOWS)).when(approveUnder({ paramsHash: 'f'.repeat(64) })).then([]);
    given(propose(), requireApproval(ALLOWS)).when(approveUnder({ rule: 'other' })).then([]);
  });

  it('given grantors who could not approve it by vote, then nothing happens (rules 2 and 3)', () => {
    given(propose(), requireApproval({ ...ALLOWS, quorum: 2 })).when(approveUnder()).then([]);
    given(propose(), requireApproval(ALLOWS)).when(approveUnder({ grantedBy: ['zed'] })).then([]);
    given(propose(agent7), requireApproval(ALLOWS)).when(approveUnder({ grantedBy: ['dave'] })).then([]);
  });

  it('given a settled action, then the compact form ignores it as the full state does', () => {
    const decided = given(propose(), requireApproval(ALLOWS), vote('alice'));
    const command = approveUnder();
    assert.deepEqual(decideSettled(command, settle(decided.state as Decided), context()), []);
    decided.when(command).then([]);
  });

  it('is the end of a vote arriving later: refused as already decided', () => {
    const approved = given(propose(), requireApproval(ALLOWS), approveUnder());
    approved.when(vote('bob'), { now: secondsAfter(T0, 1) }).thenRejected('already_decided');
  });
});
