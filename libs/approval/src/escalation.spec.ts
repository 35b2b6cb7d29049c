import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ApprovalRequirement } from '@countersign/contracts';
import { ROUTER } from './context.ts';
import { nextTimer } from './state.ts';
import {
  agent7, cancel, DEADLINE, escalate, expire, propose, requireApproval, secondsAfter, T0, vote,
} from './testing/fixtures.ts';
import { draftOf, given } from './testing/given.ts';

const ESCALATES_AT = secondsAfter(T0, 900);
/** Two approvals from security (carol, erin); after 15 minutes the leads (lena, leo) may approve too. */
const securityThenLeads = (extra: Partial<ApprovalRequirement> = {}) =>
  requireApproval({
    groups: ['security'],
    quorum: 2,
    escalation: { afterSeconds: 900, groups: ['leads'], channels: ['slack:#leads'] },
    ...extra,
  });

describe('escalation timing (rule 4)', () => {
  it('given a rule that escalates, when approval is requested, then the request says when and to whom, and the first timer is the escalation', () => {
    const outcome = given(propose()).when(securityThenLeads());
    const request = draftOf(outcome.drafts, 'ApprovalRequested').data;
    assert.deepEqual(request.escalation, { at: ESCALATES_AT.toISOString(), groups: ['leads'], channels: ['slack:#leads'] });
    assert.deepEqual(nextTimer(outcome.state), { at: ESCALATES_AT.toISOString(), command: 'EscalateApproval' });
  });

  it('given a pending request, when the escalation timer fires early, then nothing happens and the escalation is still due', () => {
    const outcome = given(propose(), securityThenLeads()).when(escalate(secondsAfter(ESCALATES_AT, -1)));
    outcome.then([]);
    assert.deepEqual(nextTimer(outcome.state), { at: ESCALATES_AT.toISOString(), command: 'EscalateApproval' });
  });

  it('given a pending request, when the timer fires at the escalation time, then it escalates to the leads (humans only), once', () => {
    const outcome = given(propose(), securityThenLeads()).when(escalate(ESCALATES_AT));
    const [escalated] = outcome.then(['ApprovalEscalated']);
    assert.deepEqual(escalated.actor, ROUTER);
    // lead-bot is an agent: never an approver.
    assert.deepEqual(draftOf([escalated], 'ApprovalEscalated').data, {
      groups: ['leads'], added: ['lena', 'leo'], addedGroups: { lena: ['leads'], leo: ['leads'] },
      channels: ['slack:#leads'], at: ESCALATES_AT.toISOString(),
    });
    assert.equal(outcome.state.status, 'pending');
    assert.deepEqual(nextTimer(outcome.state), { at: DEADLINE.toISOString(), command: 'ExpireAction' });
    outcome.when(escalate(secondsAfter(ESCALATES_AT, 1))).then([]);
  });

  it('given a pending request whose timer was late, when it fires, then it still escalates', () => {
    given(propose(), securityThenLeads()).when(escalate(secondsAfter(ESCALATES_AT, 600))).then(['ApprovalEscalated']);
  });

  it('given an escalation without channels, then the event has none either', () => {
    const outcome = given(propose(), securityThenLeads({ escalation: { afterSeconds: 900, groups: ['leads'] } })).when(escalate(ESCALATES_AT));
    assert.equal('channels' in draftOf(outcome.drafts, 'ApprovalEscalated').data, false);
  });

  const decided = {
    'approved': [propose(), securityThenLeads({ quorum: 1 }), vote('carol')],
    'cancelled': [propose(), securityThenLeads(), cancel('rita')],
    'expired': [propose(), securityThenLeads(), expire(DEADLINE)],
  };
  for (const [name, history] of Object.entries(decided)) {
    it(`given an action already ${name}, when the escalation timer fires, then nothing happens`, () => {
      const outcome = given(...history).when(escalate(ESCALATES_AT));
      outcome.then([]);
      assert.equal(nextTimer(outcome.state), undefined);
    });
  }

  it('given a rule without escalation, then the only timer is the deadline, and an escalation timer does nothing', () => {
    const outcome = given(propose(), requireApproval());
    assert.deepEqual(nextTimer(outcome.state), { at: DEADLINE.toISOString(), command: 'ExpireAction' });
    outcome.when(escalate(ESCALATES_AT)).then([]);
  });

  it('given an escalation planned at the deadline, then the next timer is the expiry', () => {
    const atDeadline = given(propose(), securityThenLeads({ escalation: { afterSeconds: 3600, groups: ['leads'] } }));
    assert.deepEqual(nextTimer(atDeadline.state), { at: DEADLINE.toISOString(), command: 'ExpireAction' });
  });
});

describe('escalated approvers', () => {
  it('given the request has not escalated, when a lead votes, then they are not eligible yet', () => {
    given(propose(), securityThenLeads(), vote('carol')).when(vote('lena')).thenRejected('not_eligible', /members of security/);
  });

  it('given one security approval and the escalation, when a lead approves, then that completes the quorum', () => {
    const outcome = given(propose(), securityThenLeads(), vote('carol'), escalate(ESCALATES_AT)).when(vote('lena'));
    const approved = draftOf(outcome.then(['VoteRecorded', 'ActionApproved']), 'ActionApproved');
    assert.deepEqual(approved.data.approvers, ['carol', 'lena']);
    assert.equal(outcome.state.status, 'approved');
    assert.ok(outcome.state.status === 'approved' && outcome.state.escalated, 'the decided state keeps the escalation');
  });

  it('given the escalation, when someone outside both groups votes, then they are told both groups may vote', () => {
    given(propose(), securityThenLeads(), escalate(ESCALATES_AT)).when(vote('zed'))
      .thenRejected('not_eligible', /members of security or leads/);
  });

  it('given the escalation, when a lead denies with a reason, then that denies', () => {
    given(propose(), securityThenLeads(), escalate(ESCALATES_AT)).when(vote('leo', 'deny', { comment: 'not today' }))
      .then(['VoteRecorded', 'ActionDenied']);
  });

  it('given an escalation to the requester\'s own group, then the requester is not added', () => {
    const toSre = securityThenLeads({ escalation: { afterSeconds: 900, groups: ['sre'] } });
    // erin is already eligible (security); agents never are.
    const added = (requester = propose()) =>
      draftOf(given(requester, toSre).when(escalate(ESCALATES_AT)).drafts, 'ApprovalEscalated').data.added;
    assert.deepEqual(added(), ['alice', 'bob', 'dave', 'rita-admin']);
    assert.deepEqual(added(propose(agent7)), ['alice', 'bob', 'rita', 'rita-admin'], 'nor the human an agent acts for');
    given(propose(), toSre, escalate(ESCALATES_AT)).when(vote('rita')).thenRejected('self_approval');
  });

  it('given distinct groups nobody can fill without the escalation, then the request waits for it, and a lead fills the second group', () => {
    const sreAndDba = requireApproval({ groups: ['sre', 'dba'], quorum: 2, distinctGroups: true, escalation: { afterSeconds: 900, groups: ['leads'] } });
    const pending = given(propose(), sreAndDba);
    assert.equal(pending.state.status, 'pending', 'not denied at once: the escalation can complete it');
    pending.when(vote('alice')).when(vote('bob')).then(['VoteRecorded']);
    const escalated = given(propose(), sreAndDba, vote('alice'), escalate(ESCALATES_AT));
    const escalation = escalated.events.find((e) => e.type === 'ApprovalEscalated');
    assert.deepEqual(escalation?.type === 'ApprovalEscalated' && escalation.data.addedGroups, { lena: ['leads'], leo: ['leads'] });
    escalated.when(vote('lena')).then(['VoteRecorded', 'ActionApproved']);
  });

  it('given too few approvers even after escalating, then the action is denied at once, and says so', () => {
    const outcome = given(propose()).when(securityThenLeads({ quorum: 5 }));
    const denied = draftOf(outcome.then(['PolicyEvaluated', 'ActionDenied']), 'ActionDenied');
    assert.match(denied.data.reason, /5 approval\(s\).*after escalation, also members of leads.*only 4 eligible/);
  });

  it('given an escalated request that expires, then the expiry counts the escalated approvals', () => {
    const outcome = given(propose(), securityThenLeads({ quorum: 2 }), escalate(ESCALATES_AT), vote('lena')).when(expire(DEADLINE));
    assert.match(draftOf(outcome.drafts, 'ActionExpired').data.reason, /1 of 2 required/);
  });

  it('given an escalated request, when another escalation event is folded in, then the stream is refused as corrupt', () => {
    const again = { type: 'ApprovalEscalated' as const, data: { groups: ['leads'], added: [], addedGroups: {}, at: ESCALATES_AT.toISOString() }, actor: ROUTER };
    assert.throws(() => given(propose(), securityThenLeads(), escalate(ESCALATES_AT), again), /ApprovalEscalated .* cannot follow/);
  });
});
