import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { standingApprovalId, type StandingTerms } from '@countersign/contracts';
import { ACTION_ID, agent7, breakGlass, propose, proposePublish, requireApproval, secondsAfter, T0, vote } from '../testing/fixtures.ts';
import { draftOf, given } from '../testing/given.ts';

const TERMS: StandingTerms = { resource: 'db/**', when: 'params.rows <= 10000', maxUses: 5, ttlSeconds: 1800 };
const ALLOWS = { standing: { maxTtlSeconds: 3600, maxUses: 10 } };
const offer = (voter: string, terms: StandingTerms = TERMS) => vote(voter, 'approve', { standing: terms });

describe('offering a standing approval with a vote', () => {
  it('given a rule that allows it, when the approval completes the quorum with an offer, then the approval grants it and says so', () => {
    const drafts = given(propose(), requireApproval(ALLOWS)).when(offer('alice')).then(['VoteRecorded', 'ActionApproved']);
    assert.deepEqual(draftOf(drafts, 'VoteRecorded').data.standing, TERMS);
    const approved = draftOf(drafts, 'ActionApproved').data;
    assert.deepEqual(approved.grantedStanding, {
      id: standingApprovalId(ACTION_ID), resource: 'db/**', when: 'params.rows <= 10000', maxUses: 5, expiresAt: secondsAfter(T0, 1800).toISOString(),
    });
    assert.match(approved.reason, /Standing approval .+ granted to rita: data\.export on db\/\*\* where params\.rows <= 10000, up to 5 use\(s\) until /);
    assert.equal(approved.standing, undefined);
  });

  it('given a quorum of 2, then both approvers must offer the same terms', () => {
    const both = given(propose(), requireApproval({ ...ALLOWS, quorum: 2 }), offer('alice')).when(offer('bob'));
    assert.equal(draftOf(both.drafts, 'ActionApproved').data.grantedStanding?.maxUses, 5);

    const one = given(propose(), requireApproval({ ...ALLOWS, quorum: 2 }), offer('alice')).when(vote('bob'));
    const approved = draftOf(one.drafts, 'ActionApproved').data;
    assert.equal(approved.grantedStanding, undefined);
    assert.match(approved.reason, /No standing approval: bob did not offer one/);

    const differ = given(propose(), requireApproval({ ...ALLOWS, quorum: 2 }), offer('alice')).when(offer('bob', { ...TERMS, maxUses: 4 }));
    const different = draftOf(differ.drafts, 'ActionApproved').data;
    assert.equal(different.grantedStanding, undefined);
    assert.match(different.reason, /offered different terms/);
  });

  it('given a first offer of a quorum of 2, then it is recorded and nothing is granted yet', () => {
    given(propose(), requireApproval({ ...ALLOWS, quorum: 2 })).when(offer('alice')).then(['VoteRecorded']);
  });

  it('refuses an offer the rule does not allow, or beyond its bounds, or over a glob that is not canonical', () => {
    given(propose(), requireApproval()).when(offer('alice')).thenRejected('standing_not_allowed', /Rule exports does not allow standing approvals/);
    given(propose(), requireApproval(ALLOWS)).when(offer('alice', { ...TERMS, maxUses: 11 })).thenRejected('standing_not_allowed', /at most 10 use/);
    given(propose(), requireApproval(ALLOWS)).when(offer('alice', { ...TERMS, ttlSeconds: 3601 })).thenRejected('standing_not_allowed', /at most 3600 s/);
    given(propose(), requireApproval(ALLOWS)).when(offer('alice', { ...TERMS, resource: '/db/**' })).thenRejected('standing_not_allowed', /write "db\/\*\*"/);
    given(propose(), requireApproval(ALLOWS)).when(offer('alice', { ...TERMS, when: '  ' })).thenRejected('standing_not_allowed', /blank/);
  });

  it('refuses an offer with a denial, with break-glass, or on a policy change', () => {
    given(propose(), requireApproval(ALLOWS)).when(vote('alice', 'deny', { comment: 'no', standing: TERMS })).thenRejected('standing_not_allowed', /never with a denial/);
    const glass = { ...ALLOWS, breakGlass: { groups: ['oncall'], reviewGroups: ['security'], reviewWithinSeconds: 86_400 } };
    const emergency = { ...breakGlass('olga', 'down'), data: { ...breakGlass('olga', 'down').data, standing: TERMS } } as ReturnType<typeof vote>;
    given(propose(), requireApproval(glass)).when(emergency).thenRejected('standing_not_allowed', /break-glass/);
    given(proposePublish(), requireApproval(ALLOWS)).when(offer('alice')).thenRejected('standing_not_allowed', /Policy changes/);
  });

  it('refuses the requester (and the human an agent acts for) as for any vote, before looking at the offer (rule 2)', () => {
    given(propose(), requireApproval(ALLOWS)).when(offer('rita')).thenRejected('self_approval');
    given(propose(agent7), requireApproval(ALLOWS)).when(offer('dave')).thenRejected('self_approval');
  });

  it('records the rule bounds on the request', () => {
    const { state } = given(propose(), requireApproval(ALLOWS));
    assert.ok(state.status === 'pending');
    assert.deepEqual(state.request.standing, { maxTtlSeconds: 3600, maxUses: 10 });
  });
});
