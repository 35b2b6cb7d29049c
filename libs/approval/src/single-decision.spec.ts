import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  DECISION_TYPES, POLICY_PUBLISH_ACTION, type ActionCommand, type ActionEvent, type ApprovalRequestedData, type ApprovalRequirement,
} from '@countersign/contracts';
import { decide } from './decide.ts';
import { currentRequest } from './escalation.ts';
import { distinctGroupCover } from './quorum.ts';
import { initialState, isFinal, type ApprovalState } from './state.ts';
import {
  agent7, cancel, DEADLINE, delivered, escalate, evaluate, expire, failed, propose, proposePublish, PUBLICATION, requireApproval, review, rita, secondsAfter, T0, vote,
} from './testing/fixtures.ts';
import { apply, context } from './testing/given.ts';

/** mulberry32: a tiny seeded PRNG, so a failing sequence can be replayed from its seed. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)];
  const some = <T>(items: readonly T[]): T[] => items.filter(() => next() < 0.4);
  return { int, pick, some };
}

const VOTERS = ['rita', 'rita-admin', 'alice', 'bob', 'carol', 'erin', 'dave', 'zed', 'olga', 'lena', 'agent-7', 'bot-1', 'mallory'];
const GROUPS = ['sre', 'security', 'admins', 'dba', 'oncall', 'leads'];
const ESCALATES_AT = secondsAfter(T0, 900);

function randomProposal(r: ReturnType<typeof prng>): ActionCommand {
  const requester = r.pick([rita, agent7]);
  switch (r.int(4)) {
    case 0: return proposePublish(PUBLICATION, requester);
    case 1: return proposePublish({ ...PUBLICATION, version: 'not-a-hash' }, requester);
    default: return propose(requester);
  }
}

function randomRequirement(r: ReturnType<typeof prng>, base: Partial<ApprovalRequirement> = {}): ActionCommand {
  return requireApproval({
    ...base,
    ...(r.int(2) ? { escalation: { afterSeconds: r.pick([60, 900, 3600]), groups: r.pick([['leads'], ['security', 'leads'], ['sre'], []]) } } : {}),
    ...(r.int(3) ? { breakGlass: { groups: r.pick([['oncall'], ['sre', 'oncall'], ['dba']]), reviewGroups: r.some(GROUPS), reviewWithinSeconds: 3600 } } : {}),
  });
}

/** A delivery outcome the notifier reports: it may come at any time, before or after the decision. */
function randomNotification(r: ReturnType<typeof prng>): ActionCommand {
  const channel = r.pick(['slack:#data-approvals', 'teams:19:abc', 'webhook:siem', 'callback']);
  const purpose = r.pick(['request', 'escalation', 'decision', 'callback'] as const);
  const attempt = 1 + r.int(3);
  return r.int(2)
    ? delivered({ channel, purpose, attempt, ...(r.int(2) ? { ref: { channel: 'C1', ts: '1.2' }, updated: true } : {}) })
    : failed({ channel, purpose, attempt, reason: r.pick(['HTTP 503', 'timeout']), ...(r.int(2) ? { nextAttemptAt: secondsAfter(T0, 30).toISOString() } : {}) });
}

/** A review, by a reviewer or not, with a comment or a blank one, at any point: only one after a ReviewRequested counts. */
function randomReview(r: ReturnType<typeof prng>, reviewers: readonly string[] = []): ActionCommand {
  const anyone = ['alice', 'carol', 'erin', 'olga', 'rita', 'zed'];
  const reviewer = r.pick(reviewers.length > 0 && r.int(2) ? reviewers : anyone);
  return review(reviewer, r.pick(['upheld', 'concerns'] as const), r.pick(['ok', 'no ticket', 'ok', ' ']));
}

function randomCommand(r: ReturnType<typeof prng>, sent: ActionCommand[], reviewers?: readonly string[]): ActionCommand {
  // Reviews may come at any time; break-glass approvals are rare and come late, so once one asks
  // for a review, reviews come often, half of them from its reviewers.
  if (r.int(reviewers ? 2 : 12) === 0) return randomReview(r, reviewers);
  switch (r.int(9)) {
    case 0: return randomProposal(r);
    case 1: return r.int(3) === 0 ? evaluate(r.pick(['allow', 'deny'] as const)) : randomRequirement(r, {
      groups: r.some(GROUPS), principals: r.some(VOTERS), quorum: 1 + r.int(3), distinctGroups: r.int(2) === 0,
    });
    case 2:
    case 3: {
      // Half the votes claim break-glass, most of those with a justification.
      const emergency = r.int(2) === 0;
      return vote(r.pick(emergency ? ['olga', 'alice', 'rita', 'dave', 'zed'] : VOTERS), r.pick(['approve', 'approve', 'deny'] as const), {
        ...(r.int(emergency ? 5 : 2) ? { comment: r.pick(emergency ? ['', 'outage', 'outage'] : ['', '  ', 'not now', 'ok']) } : {}),
        ...(emergency ? { breakGlass: true } : {}),
        voterIdentities: r.int(5) === 0 ? ['slack:URITA'] : [],
      });
    }
    case 4: return cancel(r.pick(['rita', 'agent-7', 'dave', 'alice']));
    case 5: return expire(secondsAfter(DEADLINE, r.pick([-60, -1, 0, 1, 600])));
    case 6: return escalate(secondsAfter(ESCALATES_AT, r.pick([-60, -1, 0, 1, 600, 3600])));
    case 7: return randomNotification(r);
    default: return sent.length > 0 ? r.pick(sent) : propose();
  }
}

/** What may follow a decision in its own batch: the review of a break-glass approval, a publication. */
const FOLLOW_UPS: ReadonlySet<string> = new Set(['ReviewRequested', 'PolicyPublished']);
/** What may follow the decision later, by its own command: the review a ReviewRequested asked for. */
const LATER: ReadonlySet<string> = new Set(['ReviewRecorded']);
/** What may be recorded at any point after the proposal, the decision included: delivery outcomes. */
const NOTIFICATIONS: ReadonlySet<string> = new Set(['NotificationDelivered', 'NotificationFailed']);

/** The invariants that must hold for every stream, whatever arrived in whatever order. */
function checkStream(events: ActionEvent[], state: ApprovalState) {
  const decisions = events.filter((e) => (DECISION_TYPES as readonly string[]).includes(e.type));
  assert.ok(decisions.length <= 1, `${decisions.length} decisions: ${decisions.map((e) => e.type).join(', ')}`);
  assert.equal(isFinal(state), decisions.length === 1);
  const decision = decisions.at(0);
  const after = decision ? events.slice(events.indexOf(decision) + 1) : [];
  const isFollowUp = (e: ActionEvent) => FOLLOW_UPS.has(e.type) && e.causationId === decision?.causationId;
  let n = 0;
  while (n < after.length && isFollowUp(after[n])) n += 1;
  const follow = after.slice(0, n);
  assert.deepEqual(
    after.slice(n).filter((e) => e.type !== 'CommandRejected' && !NOTIFICATIONS.has(e.type) && !LATER.has(e.type)).map((e) => e.type), [],
    'only refusals, delivery outcomes and the review after the decision and its follow-ups',
  );
  const reviewRequest = follow.find((e) => e.type === 'ReviewRequested');
  const reviews = events.filter((e) => e.type === 'ReviewRecorded');
  assert.ok(reviews.length <= (reviewRequest ? 1 : 0), `${reviews.length} reviews recorded${reviewRequest ? '' : ' with none requested'}`);
  for (const e of reviews) {
    assert.ok(events.indexOf(e) > events.indexOf(reviewRequest!), 'a review only after it was requested');
    assert.ok(reviewRequest?.type === 'ReviewRequested' && reviewRequest.data.reviewers.includes(e.actor.id), `${e.actor.id} reviewed without being a reviewer`);
    assert.ok(e.type === 'ReviewRecorded' && e.data.comment.trim() !== '', 'a review says what was found');
  }
  assert.ok(events.every((e) => !FOLLOW_UPS.has(e.type) || follow.includes(e)), 'follow-ups only right after the decision, in its batch');

  const proposal = events.find((e) => e.type === 'ActionProposed');
  const notifications = events.filter((e) => NOTIFICATIONS.has(e.type));
  assert.ok(notifications.every((e) => proposal && events.indexOf(e) > events.indexOf(proposal)), 'delivery outcomes only after the proposal');
  assert.ok(notifications.every((e) => e.actor.id === 'notifier'), 'delivery outcomes are the notifier\'s');
  const request = events.find((e) => e.type === 'ApprovalRequested')?.data as ApprovalRequestedData | undefined;
  const escalations = events.filter((e) => e.type === 'ApprovalEscalated');
  assert.ok(escalations.length <= 1, 'escalates at most once');
  assert.ok(escalations.every((e) => !decision || events.indexOf(e) < events.indexOf(decision)), 'escalates only while pending');
  const escalated = escalations[0]?.type === 'ApprovalEscalated' ? escalations[0].data : undefined;
  const voting = request ? currentRequest({ request, escalated }) : undefined;
  const requester = proposal?.type === 'ActionProposed' ? proposal.data.requester : undefined;
  const selves = new Set([requester?.id, requester?.onBehalfOf]);
  const votes = events.flatMap((e) => (e.type === 'VoteRecorded' ? [e.data] : []));
  assert.equal(new Set(votes.map((v) => v.voter)).size, votes.length, 'each approver counts once');
  for (const { voter, breakGlass } of votes) {
    const eligible = breakGlass ? request?.breakGlass?.eligible : voting?.eligible;
    assert.ok(eligible?.includes(voter), `${voter} voted without being eligible`);
    assert.ok(!selves.has(voter), `${voter} voted on their own action`);
  }

  const approvedByVotes = decision?.type === 'ActionApproved' && !decision.data.automatic;
  const breakGlass = decision?.type === 'ActionApproved' && decision.data.breakGlass === true;
  const published = decision?.type === 'ActionApproved' && proposal?.type === 'ActionProposed' && proposal.data.action === POLICY_PUBLISH_ACTION;
  assert.deepEqual(follow.map((e) => e.type), [...(breakGlass ? ['ReviewRequested'] : []), ...(published ? ['PolicyPublished'] : [])]);
  if (decision?.type === 'ActionApproved' && breakGlass) {
    assert.equal(decision.data.approvers.length, 1, 'break-glass: one approver');
    assert.ok(request?.breakGlass?.eligible.includes(decision.data.approvers[0]), 'break-glass only by its eligible');
  } else if (decision?.type === 'ActionApproved' && approvedByVotes) {
    assert.ok(voting, 'a voted approval follows a request');
    const counted = voting.distinctGroups ? distinctGroupCover(decision.data.approvers, voting.eligibleGroups) : decision.data.approvers.length;
    assert.ok(counted >= voting.quorum, 'approved only with a quorum');
  }
  if (published) {
    const publication = follow.find((e) => e.type === 'PolicyPublished');
    assert.ok(publication?.type === 'PolicyPublished' && publication.data.version === PUBLICATION.version, 'only well-formed content is published');
  }
  if (decision?.type === 'ActionDenied' && !decision.data.automatic) assert.ok(decision.data.reason.trim().length > 0, 'a voted denial says why');
}

describe('exactly one decision per action, whatever the command sequence', () => {
  const RUNS = 400;

  it(`holds over ${RUNS} seeded random sequences, and every command redelivered changes nothing`, () => {
    let decided = 0;
    let notifiedAfterDecision = 0;
    const seen = new Map<string, number>();
    for (let seed = 1; seed <= RUNS; seed += 1) {
      const r = prng(seed);
      const sent: ActionCommand[] = [];
      let stream = { state: initialState, events: [] as ActionEvent[] };
      const length = 1 + r.int(20);
      // Most runs start like real life (a proposal, then policy), so that votes and timers matter.
      const opening = r.int(4) === 0 ? [] : [randomProposal(r), randomRequirement(r, { groups: r.some(GROUPS), quorum: 1 + r.int(2) })];
      for (let i = 0; i < length; i += 1) {
        const reviewers = stream.state.status === 'approved' ? stream.state.review?.reviewers : undefined;
        const command = opening[i] ?? randomCommand(r, sent, reviewers);
        try {
          stream = apply(stream, decide(command, stream.state, context()), command.id, T0);
          checkStream(stream.events, stream.state);
        } catch (error) {
          const trail = [...sent, command].map((c) => `${c.type}(${JSON.stringify(c.data).slice(0, 80)})`).join('\n  ');
          throw new Error(`seed ${seed}, step ${i}: ${(error as Error).message}\n  ${trail}`, { cause: error });
        }
        sent.push(command);
      }
      for (const command of sent) {
        if (stream.state.handledCommands.includes(command.id)) assert.deepEqual(decide(command, stream.state, context()), [], `seed ${seed}`);
      }
      if (isFinal(stream.state)) decided += 1;
      const decisionAt = stream.events.findIndex((e) => (DECISION_TYPES as readonly string[]).includes(e.type));
      if (decisionAt >= 0 && stream.events.slice(decisionAt).some((e) => NOTIFICATIONS.has(e.type))) notifiedAfterDecision += 1;
      for (const type of new Set(stream.events.map((e) => e.type))) seen.set(type, (seen.get(type) ?? 0) + 1);
    }
    // The generator must actually reach decisions, or the property says nothing.
    assert.ok(decided > RUNS / 3, `only ${decided} of ${RUNS} sequences reached a decision`);
    assert.ok(notifiedAfterDecision >= 5, `only ${notifiedAfterDecision} sequences recorded a delivery after the decision`);
    for (const type of ['ApprovalEscalated', 'ReviewRequested', 'ReviewRecorded', 'PolicyPublished', 'NotificationDelivered', 'NotificationFailed'] as const) {
      assert.ok((seen.get(type) ?? 0) >= 5, `only ${seen.get(type) ?? 0} sequences produced ${type}`);
    }
  });
});
