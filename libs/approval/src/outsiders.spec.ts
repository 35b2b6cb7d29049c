import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decide } from './decide.ts';
import type { ActionCommand } from '@countersign/contracts';
import { outsiderRefusal, REJECTION_LIMIT } from './outsiders.ts';
import { rejectionsOf } from './state.ts';
import {
  agent7, breakGlass, cancel, DEADLINE, delivered, directory, expire, propose, requireApproval, review, vote,
} from './testing/fixtures.ts';
import { context, given, type Scenario } from './testing/given.ts';

// Anyone authenticated may send a command about any action: refusals of those with no part in it
// must not grow its hash chain. The router asks outsiderRefusal before it appends.
const refusal = (scenario: Scenario, command: ActionCommand, now?: Date) => outsiderRefusal(command, scenario.state, context(now ? { now } : {}));

describe('outsiders: refused, and recorded outside the action\'s stream', () => {
  const pending = () => given(propose(), requireApproval({ quorum: 2 }));

  it('given a pending action, when a principal with no part in it votes, then it is an outsider refusal carrying decide\'s answer', () => {
    const found = refusal(pending(), vote('zed'));
    assert.equal(found?.kind, 'outsider');
    assert.equal(found?.author, 'zed');
    assert.equal(found?.rejection.data.code, 'not_eligible');
  });

  it('given no action at all, when anyone votes or cancels, then they are outsiders', () => {
    assert.equal(refusal(given(), vote('alice'))?.kind, 'outsider');
    assert.equal(refusal(given(), cancel('rita'))?.rejection.data.code, 'not_pending');
  });

  it('given a pending action, when an auditor (who sees every action) votes, then the refusal stays in the stream: it tells them nothing new', () => {
    const auditor = { ...directory, principals: { ...directory.principals, aud: { kind: 'human' as const, groups: [], readsAll: true } } };
    assert.equal(outsiderRefusal(vote('aud'), pending().state, context({ directory: auditor })), undefined);
    assert.equal(decide(vote('aud'), pending().state, context({ directory: auditor }))[0].type, 'CommandRejected');
  });

  it('given a pending action, when a stranger cancels it, then they are an outsider', () => {
    assert.equal(refusal(pending(), cancel('zed'))?.kind, 'outsider');
  });

  it('given a pending action, when the requester votes on it, then the refusal stays in the stream (they are involved)', () => {
    assert.equal(refusal(pending(), vote('rita')), undefined);
  });

  it('given an agent\'s action, when the human behind it cancels, then it is theirs to cancel', () => {
    assert.equal(refusal(given(propose(agent7), requireApproval()), cancel('dave')), undefined);
  });

  it('given an eligible approver, when they vote, then nothing is diverted', () => {
    assert.equal(refusal(pending(), vote('alice')), undefined);
  });

  it('given an escalation still to come, when a member of the escalation group votes early, then they are involved', () => {
    const escalating = given(propose(), requireApproval({ escalation: { afterSeconds: 60, groups: ['leads'] } }));
    assert.equal(refusal(escalating, vote('lena')), undefined);
    assert.equal(refusal(escalating, vote('zed'))?.kind, 'outsider');
  });

  it('given a break-glass clause, when one who may break glass votes the usual way, then they are involved', () => {
    const glass = given(propose(), requireApproval({ breakGlass: { groups: ['oncall'], reviewGroups: ['security'], reviewWithinSeconds: 60 } }));
    assert.equal(refusal(glass, vote('olga')), undefined);
  });

  it('given a break-glass approval awaiting review, when a named reviewer or a stranger records a review, then only the stranger is an outsider', () => {
    const approved = given(
      propose(), requireApproval({ breakGlass: { groups: ['oncall'], reviewGroups: ['security'], reviewWithinSeconds: 60 } }), breakGlass('olga', 'outage'),
    );
    assert.equal(refusal(approved, review('carol')), undefined);
    assert.equal(refusal(approved, review('zed'))?.kind, 'outsider');
  });

  it('given service commands, then they are never diverted', () => {
    assert.equal(refusal(pending(), expire(DEADLINE)), undefined);
    assert.equal(refusal(pending(), delivered()), undefined);
  });

  it('given an outsider vote that comes after the deadline, then it is not diverted: the expiry it records belongs in the stream', () => {
    assert.equal(refusal(pending(), vote('zed'), DEADLINE), undefined);
  });
});

describe('an involved principal refused too often', () => {
  const reasonless = () => vote('alice', 'deny');

  it(`given ${REJECTION_LIMIT} refusals of one approver in the stream, when a further command of theirs is refused, then it is diverted`, () => {
    let scenario: Scenario = given(propose(), requireApproval({ quorum: 2 }));
    for (let i = 0; i < REJECTION_LIMIT; i += 1) {
      assert.equal(refusal(scenario, reasonless()), undefined, `refusal ${i + 1} stays in the stream`);
      scenario = scenario.when(reasonless());
    }
    assert.equal(rejectionsOf(scenario.state, 'alice'), REJECTION_LIMIT);
    const found = refusal(scenario, reasonless());
    assert.equal(found?.kind, 'rejection_limit');
    assert.equal(found?.rejection.data.code, 'reason_required');
  });

  it('given an approver at the limit, when they finally send a valid vote, then it is decided and appended as usual', () => {
    let scenario: Scenario = given(propose(), requireApproval({ quorum: 2 }));
    for (let i = 0; i < REJECTION_LIMIT; i += 1) scenario = scenario.when(reasonless());
    assert.equal(refusal(scenario, vote('alice')), undefined);
    scenario.when(vote('alice')).then(['VoteRecorded']);
  });

  it('given refusals of one principal, then another principal\'s count is untouched', () => {
    const scenario = given(propose(), requireApproval({ quorum: 2 }), reasonless(), reasonless());
    assert.equal(rejectionsOf(scenario.state, 'alice'), 2);
    assert.equal(rejectionsOf(scenario.state, 'bob'), 0);
    assert.equal(rejectionsOf(scenario.state, '__proto__'), 0);
  });
});

describe('outsider refusals (property)', () => {
  it('only ever divert a command decide refuses, with decide\'s own refusal; an accepted command always goes to the stream', () => {
    const principal = fc.constantFrom('alice', 'bob', 'carol', 'erin', 'dave', 'zed', 'olga', 'lena', 'rita', 'mallory', 'bot-1');
    const command = fc.oneof(
      fc.tuple(principal, fc.boolean(), fc.boolean()).map(([p, approve, glass]) => vote(p, approve ? 'approve' : 'deny', glass ? { breakGlass: true, comment: 'now' } : {})),
      principal.map((p) => cancel(p)),
      principal.map((p) => review(p)),
    );
    const requirement = fc.record({ quorum: fc.integer({ min: 1, max: 2 }), escalate: fc.boolean(), glass: fc.boolean() });
    fc.assert(
      fc.property(requirement, fc.array(command, { maxLength: 8 }), command, (req, history, next) => {
        let scenario: Scenario = given(propose(agent7), requireApproval({
          quorum: req.quorum,
          ...(req.escalate ? { escalation: { afterSeconds: 60, groups: ['leads'] } } : {}),
          ...(req.glass ? { breakGlass: { groups: ['oncall'], reviewGroups: ['security'], reviewWithinSeconds: 60 } } : {}),
        }));
        for (const c of history) if (!refusal(scenario, c)) scenario = scenario.when(c);
        const found = refusal(scenario, next);
        const drafts = decide(next, scenario.state, context());
        if (found) assert.deepEqual(drafts, [found.rejection]);
        if (drafts.some((d) => d.type !== 'CommandRejected')) assert.equal(found, undefined);
      }),
      { numRuns: 200 },
    );
  });
});
