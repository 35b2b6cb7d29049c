import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { contentHash, type ActionEvent, type DomainEventBody } from '@countersign/contracts';
import { projectAction, type ActionView } from './action-view.ts';
import { auditEntryFor } from './audit-entry.ts';
import { policyVersion, proposal, publishStream, sealStream } from './testing/streams.ts';

const version = policyVersion('rules');
const decision = { rule: 'prod-deploy', policyVersion: version, paramsHash: contentHash({}) };
const conditions = [{ rule: 'prod-deploy', expression: "resource.startsWith('prod/')", result: 'held' as const }];

const body = {
  proposed: proposal('deploy.release'),
  evaluated: {
    type: 'PolicyEvaluated',
    data: {
      outcome: 'require_approval', policyVersion: version, matchedRules: ['prod-deploy'], rule: 'prod-deploy', reason: 'prod deploys need a lead',
      conditions, explanation: 'Rule prod-deploy matched (its condition held) and requires 1 approval from team-leads.',
    },
  },
  requested: {
    type: 'ApprovalRequested',
    data: {
      ...decision, quorum: 1, distinctGroups: false, groups: ['team-leads'], eligible: ['alice'], eligibleGroups: { alice: ['team-leads'] },
      deadline: '2026-01-01T01:00:00.000Z', channels: ['slack:#deploys'],
      escalation: { at: '2026-01-01T00:30:00.000Z', groups: ['sre-leads'], channels: ['slack:#sre'] },
      breakGlass: { groups: ['oncall'], eligible: ['dave'], reviewGroups: ['security'], reviewWithinSeconds: 86_400 },
    },
  },
  escalated: { type: 'ApprovalEscalated', data: { groups: ['sre-leads'], added: ['bob', 'carol'], addedGroups: { bob: ['sre-leads'], carol: ['sre-leads'] }, at: '2026-01-01T00:30:00.000Z' } },
  breakGlassVote: { type: 'VoteRecorded', data: { voter: 'dave', decision: 'approve', comment: 'outage, cannot wait', via: 'api', breakGlass: true } },
  approved: { type: 'ActionApproved', data: { ...decision, reason: 'break-glass approval by dave', automatic: false, approvers: ['dave'], breakGlass: true } },
  review: { type: 'ReviewRequested', data: { reason: 'break-glass approval by dave', approvedBy: 'dave', reviewGroups: ['security'], reviewers: ['erin'], due: '2026-01-02T00:00:06.000Z' } },
} satisfies Record<string, DomainEventBody>;

const fold = (events: ActionEvent[]) => events.reduce<ActionView | undefined>((v, e) => projectAction(v, e), undefined)!;
/** The audit rows of a stream, each built from the view after its event. */
const rows = (bodies: DomainEventBody[]) => {
  let view: ActionView | undefined;
  return sealStream(bodies).map((e) => auditEntryFor((view = projectAction(view, e)!), e));
};

describe('action view: explanation, escalation, break-glass and publication', () => {
  it('given an evaluation with an explanation, the view shows it and the conditions that held', () => {
    const view = fold(sealStream([body.proposed, body.evaluated]));
    assert.equal(view.policy?.explanation, body.evaluated.data.explanation);
    assert.deepEqual(view.policy?.conditions, conditions);
    assert.deepEqual([view.policy?.rule, view.policy?.reason, view.policy?.matchedRules], ['prod-deploy', 'prod deploys need a lead', ['prod-deploy']]);
  });

  it('given a request, the approval shows where it asks, the planned escalation and who may break glass', () => {
    const view = fold(sealStream([body.proposed, body.evaluated, body.requested]));
    assert.deepEqual(view.approval?.channels, ['slack:#deploys']);
    assert.deepEqual(view.approval?.escalation, { at: '2026-01-01T00:30:00.000Z', groups: ['sre-leads'], channels: ['slack:#sre'], escalated: false });
    assert.deepEqual(view.approval?.breakGlass?.eligible, ['dave']);
    // dave may see the action to break glass, but it is not in his queue of ordinary approvals.
    assert.deepEqual(view.approval?.eligible, ['alice']);
    assert.ok(view.involved.includes('dave'));
  });

  it('when the request escalates, the added principals become eligible (and find it with approver=me)', () => {
    const view = fold(sealStream([body.proposed, body.evaluated, body.requested, body.escalated]));
    assert.deepEqual(view.approval?.eligible, ['alice', 'bob', 'carol']);
    assert.deepEqual(view.approval?.groups, ['team-leads', 'sre-leads']);
    assert.deepEqual(view.approval?.escalation, {
      at: '2026-01-01T00:30:00.000Z', groups: ['sre-leads'], channels: ['slack:#sre'], escalated: true, escalatedAt: '2026-01-01T00:30:00.000Z', added: ['bob', 'carol'],
    });
    assert.ok(['bob', 'carol'].every((p) => view.involved.includes(p)));
    assert.equal(view.status, 'pending');
    // and they count for the groups they were added for, as the router counts them
    assert.deepEqual(view.approval?.eligibleGroups, { alice: ['team-leads'], bob: ['sre-leads'], carol: ['sre-leads'] });
  });

  it('when someone breaks glass, the vote and the decision are flagged and the review shows who must look and by when', () => {
    const view = fold(sealStream([body.proposed, body.evaluated, body.requested, body.breakGlassVote, body.approved, body.review]));
    assert.equal(view.status, 'approved');
    assert.equal(view.votes[0].breakGlass, true);
    assert.equal(view.decision?.breakGlass, true);
    assert.deepEqual(view.decision?.by, ['dave']);
    assert.deepEqual(view.review, {
      status: 'requested', reason: 'break-glass approval by dave', approvedBy: 'dave', reviewGroups: ['security'], reviewers: ['erin'],
      due: '2026-01-02T00:00:06.000Z', requestedAt: '2026-01-01T00:00:05.000Z',
    });
    assert.ok(view.involved.includes('erin'));
  });

  it('an ordinary approval carries no break-glass flag', () => {
    const vote = { type: 'VoteRecorded', data: { voter: 'alice', decision: 'approve', via: 'api' } } satisfies DomainEventBody;
    const approved = { type: 'ActionApproved', data: { ...decision, reason: 'approved by alice', automatic: false, approvers: ['alice'] } } satisfies DomainEventBody;
    const view = fold(sealStream([body.proposed, body.evaluated, body.requested, vote, approved]));
    assert.equal('breakGlass' in view.votes[0], false);
    assert.equal('breakGlass' in view.decision!, false);
    assert.equal(view.review, undefined);
  });

  it('given an approved policy publication, the action shows the version it published', () => {
    const previous = policyVersion('old');
    const view = fold(publishStream('new', { previous, rollbackOf: previous }));
    assert.equal(view.status, 'approved');
    assert.deepEqual(view.policyPublished, { version: policyVersion('new'), previousVersion: previous, rollbackOf: previous });
  });
});

describe('audit rows of the new events', () => {
  it('say in a sentence who may now vote, who broke glass and who must review by when', () => {
    const [, evaluated, requested, escalated, vote, approved, review] = rows([
      body.proposed, body.evaluated, body.requested, body.escalated, body.breakGlassVote, body.approved, body.review,
    ]);
    assert.match(evaluated.summary, /^policy [0-9a-f]{12}: require_approval under rule prod-deploy — Rule prod-deploy matched/);
    assert.deepEqual(evaluated.details?.conditions, conditions);
    assert.equal(evaluated.details?.explanation, body.evaluated.data.explanation);
    assert.match(requested.summary, /escalates to sre-leads at .*break-glass possible for dave/);
    assert.equal(escalated.summary, 'escalated to sre-leads: bob, carol may now vote');
    assert.deepEqual(escalated.details, { groups: ['sre-leads'], added: ['bob', 'carol'], at: '2026-01-01T00:30:00.000Z' });
    assert.equal(vote.summary, 'break-glass approval by dave via api: outage, cannot wait');
    assert.deepEqual([vote.approvers, vote.details], [['dave'], { breakGlass: true }]);
    assert.deepEqual([approved.outcome, approved.approvers, approved.details], ['approved', ['dave'], { breakGlass: true }]);
    assert.equal(approved.summary, 'approved under break-glass by dave: break-glass approval by dave');
    assert.equal(review.summary, 'break-glass approval by dave — review requested from security by 2026-01-02T00:00:06.000Z');
    assert.deepEqual([review.type, review.approvers, review.details], ['ReviewRequested', ['dave'], { reviewGroups: ['security'], reviewers: ['erin'], due: '2026-01-02T00:00:06.000Z' }]);
  });

  it('name a published policy by its short version, author, approvers and what it rolls back', () => {
    const previous = policyVersion('old');
    const events = publishStream('new', { previous, rollbackOf: previous, author: 'alice', approvers: ['bob', 'carol'] });
    let view: ActionView | undefined;
    const [, , row] = events.map((e) => auditEntryFor((view = projectAction(view, e)!), e));
    assert.equal(row.summary, `policy ${policyVersion('new').slice(0, 12)} published by alice, approved by bob, carol (rolls back ${previous.slice(0, 12)})`);
    assert.deepEqual([row.approvers, row.policyVersion], [['bob', 'carol'], policyVersion('new')]);
    assert.deepEqual(row.details, { author: 'alice', files: ['policies/main.yaml'], previousVersion: previous, rollbackOf: previous });
  });

  it('keep a sentence on every row, the existing events included', () => {
    const vote = { type: 'VoteRecorded', data: { voter: 'alice', decision: 'deny', comment: 'not today', via: 'slack' } } satisfies DomainEventBody;
    const denied = { type: 'ActionDenied', data: { ...decision, reason: 'not today', automatic: false, deniedBy: 'alice' } } satisfies DomainEventBody;
    const summaries = rows([body.proposed, body.evaluated, body.requested, vote, denied]).map((r) => r.summary);
    assert.equal(summaries[0], 'demo-agent proposed deploy.release on prod/c');
    assert.equal(summaries[3], 'alice denied via slack: not today');
    assert.equal(summaries[4], 'denied by alice: not today');
  });
});

describe('the recorded review of a break-glass approval', () => {
  const approvedAlone = [body.proposed, body.evaluated, body.requested, body.breakGlassVote, body.approved, body.review];
  const recorded = (verdict: 'upheld' | 'concerns', comment: string, late: boolean) =>
    ({ type: 'ReviewRecorded', data: { reviewer: 'erin', verdict, comment, late } }) satisfies DomainEventBody;

  it('when the reviewer raises concerns, the view shows the verdict, who, when and the comment', () => {
    const view = fold(sealStream([...approvedAlone, recorded('concerns', 'no incident ticket', false)]));
    assert.deepEqual(view.review, {
      status: 'concerns', reason: 'break-glass approval by dave', approvedBy: 'dave', reviewGroups: ['security'], reviewers: ['erin'],
      due: '2026-01-02T00:00:06.000Z', requestedAt: '2026-01-01T00:00:05.000Z',
      reviewedBy: 'erin', reviewedAt: '2026-01-01T00:00:06.000Z', comment: 'no incident ticket', late: false,
    });
    assert.equal(view.status, 'approved', 'the approval stands whatever the verdict');
  });

  it('the audit row says who reviewed with what verdict, and names the approver under review', () => {
    const upheld = rows([...approvedAlone, recorded('upheld', 'INC-1 confirms it', false)]).at(-1)!;
    assert.equal(upheld.summary, 'break-glass approval reviewed by erin: upheld');
    assert.deepEqual([upheld.type, upheld.actor, upheld.approvers, upheld.comment], ['ReviewRecorded', 'erin', ['dave'], 'INC-1 confirms it']);
    assert.deepEqual(upheld.details, { reviewer: 'erin', verdict: 'upheld', late: false, due: '2026-01-02T00:00:06.000Z' });
    const concerns = rows([...approvedAlone, recorded('concerns', 'no incident ticket', true)]).at(-1)!;
    assert.equal(concerns.summary, 'break-glass approval reviewed by erin: concerns — no incident ticket (late: it was due 2026-01-02T00:00:06.000Z)');
    assert.equal(concerns.details?.late, true);
  });
});
