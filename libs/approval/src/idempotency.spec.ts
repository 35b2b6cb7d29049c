import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ActionCommand, ActionEvent } from '@countersign/contracts';
import { decide } from './decide.ts';
import { evolve } from './evolve.ts';
import { initialState } from './state.ts';
import {
  breakGlass, cancel, DEADLINE, deny, escalate, evaluate, expire, propose, proposePublish, requireApproval, vote,
} from './testing/fixtures.ts';
import { context, given } from './testing/given.ts';

// The log is at-least-once: every command may arrive again after its events were appended.
// A redelivered command must change nothing: no new event, not even a rejection.
describe('a redelivered command changes nothing', () => {
  const cases: Record<string, () => { history: ActionCommand[]; again: ActionCommand }> = {
    'a proposal': () => { const p = propose(); return { history: [p], again: p }; },
    'an evaluation that requested approval': () => { const e = requireApproval(); return { history: [propose(), e], again: e }; },
    'an evaluation that decided': () => { const e = evaluate('allow'); return { history: [propose(), e], again: e }; },
    'a counted vote (not a duplicate vote)': () => {
      const v = vote('alice');
      return { history: [propose(), requireApproval({ quorum: 2 }), v], again: v };
    },
    'the vote that completed the quorum': () => { const v = vote('alice'); return { history: [propose(), requireApproval(), v], again: v }; },
    'a denial': () => { const d = deny('alice'); return { history: [propose(), requireApproval(), d], again: d }; },
    'a refused vote': () => { const v = vote('zed'); return { history: [propose(), requireApproval(), v], again: v }; },
    'a vote refused before any proposal': () => { const v = vote('alice'); return { history: [v], again: v }; },
    'a cancellation': () => { const c = cancel('rita'); return { history: [propose(), requireApproval(), c], again: c }; },
    'a refused cancellation': () => { const c = cancel('bob'); return { history: [propose(), requireApproval(), c], again: c }; },
    'an expiry': () => { const x = expire(DEADLINE); return { history: [propose(), requireApproval(), x], again: x }; },
    'an escalation': () => {
      const x = escalate(DEADLINE);
      return { history: [propose(), requireApproval({ quorum: 2, escalation: { afterSeconds: 60, groups: ['leads'] } }), x], again: x };
    },
    'a break-glass approval': () => {
      const b = breakGlass('olga', 'outage');
      return { history: [propose(), requireApproval({ breakGlass: { groups: ['oncall'], reviewGroups: ['security'], reviewWithinSeconds: 60 } }), b], again: b };
    },
    'the vote that published a policy set': () => { const v = vote('alice'); return { history: [proposePublish(), requireApproval(), v], again: v }; },
  };

  for (const [name, make] of Object.entries(cases)) {
    it(`given ${name} was handled, when it is delivered again, then no event follows and the state is the same`, () => {
      const { history, again } = make();
      const before = given(...history);
      const outcome = before.when(again);
      outcome.then([]);
      assert.deepEqual(outcome.state, before.state);
    });
  }

  it('given a vote was handled, when a new vote by the same approver arrives under a new id, then it is a duplicate vote', () => {
    given(propose(), requireApproval({ quorum: 2 }), vote('alice')).when(vote('alice')).thenRejected('duplicate_vote');
  });

  it('given an early expiry produced nothing, when it is delivered again after the deadline, then the action expires', () => {
    // Only commands that produced events are remembered; an ignored timer is judged afresh.
    const x = expire(new Date(DEADLINE.getTime() - 1));
    given(propose(), requireApproval(), x).when(expire(DEADLINE)).then(['ActionExpired']);
  });
});

describe('evolve', () => {
  const pendingEvents = (): ActionEvent[] => given(propose(), requireApproval({ quorum: 2 }), vote('alice')).events;

  it('remembers each causing command once, in order', () => {
    const events = pendingEvents();
    const state = events.reduce(evolve, initialState);
    assert.deepEqual(state.handledCommands, [...new Set(events.map((e) => e.causationId))]);
    assert.equal(state.handledCommands.length, 3);
  });

  it('is pure: the previous state is left untouched', () => {
    const events = pendingEvents();
    const before = events.slice(0, -1).reduce(evolve, initialState);
    const snapshot = structuredClone(before);
    evolve(before, events.at(-1)!);
    assert.deepEqual(before, snapshot);
  });

  it('refuses an event that cannot follow the current state, naming it', () => {
    const [, evaluated] = given(propose(), evaluate('allow')).events;
    assert.throws(() => evolve(initialState, evaluated), /PolicyEvaluated \(seq 2 of stream act-1\) cannot follow status "none"/);
    const events = given(propose(), evaluate('allow')).events;
    const approved = events.reduce(evolve, initialState);
    assert.throws(() => evolve(approved, events[2]), /cannot follow status "approved"/);
  });
});

describe('decide is pure', () => {
  it('given the same state, command and context, then it returns equal events and leaves the state untouched', () => {
    const { state } = given(propose(), requireApproval({ quorum: 2 }), vote('alice'));
    const snapshot = structuredClone(state);
    const command = vote('bob');
    const first = decide(command, state, context());
    assert.deepEqual(decide(command, state, context()), first);
    assert.deepEqual(state, snapshot);
  });
});
