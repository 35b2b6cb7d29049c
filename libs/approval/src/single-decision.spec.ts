import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DECISION_TYPES, type ActionCommand, type ActionEvent, type ApprovalRequestedData } from '@countersign/contracts';
import { decide } from './decide.ts';
import { distinctGroupCover } from './quorum.ts';
import { initialState, isFinal, type ApprovalState } from './state.ts';
import { agent7, cancel, DEADLINE, evaluate, expire, propose, requireApproval, rita, secondsAfter, T0, vote } from './testing/fixtures.ts';
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

const VOTERS = ['rita', 'rita-admin', 'alice', 'bob', 'carol', 'erin', 'dave', 'zed', 'agent-7', 'bot-1', 'mallory'];
const GROUPS = ['sre', 'security', 'admins', 'dba'];

function randomCommand(r: ReturnType<typeof prng>, sent: ActionCommand[]): ActionCommand {
  switch (r.int(7)) {
    case 0: return propose(r.pick([rita, agent7]));
    case 1: return r.int(3) === 0 ? evaluate(r.pick(['allow', 'deny'] as const)) : requireApproval({
      groups: r.some(GROUPS), principals: r.some(VOTERS), quorum: 1 + r.int(3), distinctGroups: r.int(2) === 0,
    });
    case 2:
    case 3: return vote(r.pick(VOTERS), r.pick(['approve', 'deny'] as const), {
      ...(r.int(2) ? { comment: r.pick(['', '  ', 'not now', 'ok']) } : {}),
      voterIdentities: r.int(5) === 0 ? ['slack:URITA'] : [],
    });
    case 4: return cancel(r.pick(['rita', 'agent-7', 'dave', 'alice']));
    case 5: return expire(secondsAfter(DEADLINE, r.pick([-60, -1, 0, 1, 600])));
    default: return sent.length > 0 ? r.pick(sent) : propose();
  }
}

/** The invariants that must hold for every stream, whatever arrived in whatever order. */
function checkStream(events: ActionEvent[], state: ApprovalState) {
  const decisions = events.filter((e) => (DECISION_TYPES as readonly string[]).includes(e.type));
  assert.ok(decisions.length <= 1, `${decisions.length} decisions: ${decisions.map((e) => e.type).join(', ')}`);
  assert.equal(isFinal(state), decisions.length === 1);
  if (decisions.length === 1) {
    const after = events.slice(events.indexOf(decisions[0]) + 1);
    assert.deepEqual(after.filter((e) => e.type !== 'CommandRejected').map((e) => e.type), [], 'only refusals after the decision');
  }

  const proposal = events.find((e) => e.type === 'ActionProposed');
  const request = events.find((e) => e.type === 'ApprovalRequested')?.data as ApprovalRequestedData | undefined;
  const requester = proposal?.type === 'ActionProposed' ? proposal.data.requester : undefined;
  const selves = new Set([requester?.id, requester?.onBehalfOf]);
  const voters = events.flatMap((e) => (e.type === 'VoteRecorded' ? [e.data.voter] : []));
  assert.equal(new Set(voters).size, voters.length, 'each approver counts once');
  for (const voter of voters) {
    assert.ok(request?.eligible.includes(voter), `${voter} voted without being eligible`);
    assert.ok(!selves.has(voter), `${voter} voted on their own action`);
  }
  for (const e of decisions) {
    if (e.type === 'ActionApproved' && !e.data.automatic) {
      assert.ok(request, 'a voted approval follows a request');
      const counted = request.distinctGroups ? distinctGroupCover(e.data.approvers, request.eligibleGroups) : e.data.approvers.length;
      assert.ok(counted >= request.quorum, 'approved only with a quorum');
    }
    if (e.type === 'ActionDenied' && !e.data.automatic) assert.ok(e.data.reason.trim().length > 0, 'a voted denial says why');
  }
}

describe('exactly one decision per action, whatever the command sequence', () => {
  const RUNS = 400;

  it(`holds over ${RUNS} seeded random sequences, and every command redelivered changes nothing`, () => {
    let decided = 0;
    for (let seed = 1; seed <= RUNS; seed += 1) {
      const r = prng(seed);
      const sent: ActionCommand[] = [];
      let stream = { state: initialState, events: [] as ActionEvent[] };
      const length = 1 + r.int(20);
      // Most runs start like real life (a proposal, then policy), so that votes and timers matter.
      const opening = r.int(4) === 0 ? [] : [propose(r.pick([rita, agent7])), requireApproval({ groups: r.some(GROUPS), quorum: 1 + r.int(3) })];
      for (let i = 0; i < length; i += 1) {
        const command = opening[i] ?? randomCommand(r, sent);
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
    }
    // The generator must actually reach decisions, or the property says nothing.
    assert.ok(decided > RUNS / 3, `only ${decided} of ${RUNS} sequences reached a decision`);
  });
});
