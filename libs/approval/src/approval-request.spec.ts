import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { agent7, propose, requireApproval, secondsAfter, T0 } from './testing/fixtures.ts';
import { draftOf, given } from './testing/given.ts';

describe('the request carries the rule\'s channels, escalation and break-glass clauses', () => {
  it('given a rule with none of them, then the request has no such fields (the schema allows no empty placeholders)', () => {
    const request = draftOf(given(propose()).when(requireApproval()).drafts, 'ApprovalRequested').data;
    assert.deepEqual(Object.keys(request).sort(), ['deadline', 'distinctGroups', 'eligible', 'eligibleGroups', 'groups', 'policyVersion', 'quorum', 'rule']);
  });

  it('given a rule with channels, owners and every clause, then the request copies the channels and fixes the clauses in time', () => {
    const requirement = {
      owners: ['carol'],
      channels: ['slack:#data-approvals', 'teams:exports'],
      escalation: { afterSeconds: 600, groups: ['leads'], channels: ['slack:#leads'] },
      breakGlass: { groups: ['oncall'], reviewGroups: ['security'], reviewWithinSeconds: 7200 },
    };
    const now = secondsAfter(T0, 30);
    const request = draftOf(given(propose()).when(requireApproval(requirement), { now }).drafts, 'ApprovalRequested').data;
    assert.deepEqual(request.channels, ['slack:#data-approvals', 'teams:exports']);
    assert.deepEqual(request.escalation, { at: secondsAfter(now, 600).toISOString(), groups: ['leads'], channels: ['slack:#leads'] });
    assert.deepEqual(request.breakGlass, { groups: ['oncall'], eligible: ['alice', 'olga'], reviewGroups: ['security'], reviewWithinSeconds: 7200 });
    assert.equal(request.deadline, secondsAfter(now, 3600).toISOString());
    assert.equal('owners' in request, false, 'owners are already among the principals');
  });

  it('given an agent acting for dave, then neither may break glass, though both sit in the break-glass group', () => {
    const breakGlass = { groups: ['sre'], reviewGroups: ['security'], reviewWithinSeconds: 60 };
    const request = draftOf(given(propose(agent7)).when(requireApproval({ breakGlass })).drafts, 'ApprovalRequested').data;
    assert.deepEqual(request.breakGlass?.eligible, ['alice', 'bob', 'erin', 'rita', 'rita-admin']);
  });
});
