import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ActionCommand } from '@countersign/contracts';
import { decide } from './decide.ts';
import { outsiderRefusal } from './outsiders.ts';
import { unprocessable } from './rejection.ts';
import { canSettle, decideSettled, evolveSettled, settle, settledRefusal, unprocessableSettled } from './settled.ts';
import type { ApprovalState, Decided } from './state.ts';
import {
  agent7, breakGlass, cancel, delivered, deny, directory, escalate, evaluate, execute, expire, failed, propose, recordProposal, requireApproval,
  review, secondsAfter, T0, vote,
} from './testing/fixtures.ts';
import { apply, context, given } from './testing/given.ts';

const LATER = secondsAfter(T0, 7 * 86_400);
const ESCALATING = { escalation: { afterSeconds: 900, groups: ['leads'] } };

/** Decided actions of every kind, as the full state a router would hold. */
const decidedActions: Record<string, () => ReturnType<typeof given>> = {
  'approved by quorum': () => given(propose(), requireApproval(), vote('alice')),
  'denied by a vote': () => given(propose(), requireApproval(), deny('bob')),
  'denied by policy': () => given(propose(), evaluate('deny')),
  'allowed by policy (one step)': () => given(recordProposal('allow')),
  'expired': () => given(propose(), requireApproval(), expire(secondsAfter(T0, 3600))),
  'cancelled before evaluation': () => given(propose(), cancel('rita')),
  'decided before its planned escalation': () => given(propose(), requireApproval(ESCALATING), vote('alice')),
  'decided after escalating': () => given(propose(), requireApproval(ESCALATING), escalate(secondsAfter(T0, 900)), vote('lena')),
  'approved under break-glass and reviewed': () => given(
    propose(), requireApproval({ breakGlass: { groups: ['oncall'], reviewGroups: ['security'], reviewWithinSeconds: 86_400 } }), breakGlass('olga', 'down'), review('carol'),
  ),
  'requested by an agent, approved': () => given(propose(agent7), requireApproval(), vote('alice')),
  'approved, its grant redeemed': () => given(propose(), requireApproval(), vote('alice'), execute('started')),
  'approved, executed': () => given(recordProposal('allow'), execute('finished', { outcome: 'failed', error: 'exit 1' })),
  'with refusals recorded': () => given(propose(), requireApproval(), vote('alice'), vote('bob'), vote('bob'), vote('bob')),
};

/** Late and duplicate commands from everyone who might send one. */
function lateCommands(): ActionCommand[] {
  const principals = ['rita', 'alice', 'bob', 'carol', 'erin', 'dave', 'zed', 'olga', 'lena', 'leo', 'lead-bot', 'agent-7', 'slack:URITA', 'nobody'];
  return [
    propose(), recordProposal('allow'), evaluate('allow'), expire(LATER), escalate(LATER), delivered(), failed(),
    execute('started'), execute('finished'), execute('started', { paramsHash: 'e'.repeat(64) }), execute('finished', { grantId: 'grant-7' }),
    ...principals.flatMap((p) => [vote(p), deny(p), breakGlass(p, 'again'), cancel(p), review(p)]),
  ];
}

const auditorDirectory = { principals: { ...directory.principals, aud: { kind: 'human' as const, groups: [], readsAll: true } } };

describe('the compact form of a settled action', () => {
  for (const [name, scenario] of Object.entries(decidedActions)) {
    it(`given an action ${name}, when late and duplicate commands arrive, then its compact form answers each exactly as its full state does`, () => {
      const { state } = scenario();
      assert.ok(canSettle(state), `${name} should settle`);
      const settled = settle(state);
      for (const ctx of [context({ now: LATER }), context({ now: LATER, directory: auditorDirectory })]) {
        for (const command of [...lateCommands(), vote('aud'), cancel('aud')]) {
          assert.deepEqual(decideSettled(command, settled, ctx), decide(command, state, ctx), `${command.type} ${JSON.stringify(command.data).slice(0, 80)}`);
          assert.deepEqual(settledRefusal(command, settled, ctx), outsiderRefusal(command, state, ctx), `refusal of ${command.type}`);
          assert.deepEqual(unprocessableSettled(command, 'boom', settled, ctx), unprocessable(command, 'boom', state, ctx));
        }
      }
    });
  }

  it('given a settled action, when a command it already applied comes again, then nothing happens (idempotency survives settling)', () => {
    const approving = vote('alice');
    const { state } = given(propose(), requireApproval(), approving);
    assert.deepEqual(decideSettled(approving, settle(state as Decided), context({ now: LATER })), []);
  });

  it('given a settled action, when an involved principal is refused again and again, then after REJECTION_LIMIT refusals the next goes to the security stream, as for the full state', () => {
    let full = given(propose(), requireApproval(), vote('alice'));
    let settled = settle(full.state as Decided);
    for (let i = 0; i < 7; i += 1) {
      const command = vote('bob');
      const ctx = context({ now: LATER });
      assert.deepEqual(settledRefusal(command, settled, ctx), outsiderRefusal(command, full.state, ctx), `attempt ${i + 1}`);
      if (settledRefusal(command, settled, ctx)) continue;
      const drafts = decideSettled(command, settled, ctx);
      const next = apply(full, drafts, command.id, LATER);
      for (const event of next.events.slice(full.events.length)) settled = evolveSettled(settled, event);
      full = { ...full, ...next };
      assert.deepEqual(settled, settle(full.state as Decided), `after attempt ${i + 1}`);
    }
  });

  it('given a settled approval, when its grant is redeemed and the outcome reported, then the compact form follows the full state', () => {
    let full = given(propose(), evaluate('allow'));
    let settled = settle(full.state as Decided);
    for (const command of [execute('started'), execute('finished')]) {
      const drafts = decideSettled(command, settled, context());
      assert.deepEqual(drafts, decide(command, full.state, context()));
      const next = apply(full, drafts, command.id, T0);
      for (const event of next.events.slice(full.events.length)) settled = evolveSettled(settled, event);
      full = { ...full, ...next };
      assert.deepEqual(settled, settle(full.state as Decided));
    }
    assert.equal(settled.execution?.executed?.outcome, 'succeeded');
  });

  it('given a notification outcome on a settled action, then it is recorded and the compact form remembers the command', () => {
    const { state, events } = given(propose(), evaluate('allow'));
    const report = delivered({ purpose: 'decision' });
    const drafts = decideSettled(report, settle(state as Decided), context({ now: LATER }));
    const after = apply({ state, events }, drafts, report.id, LATER);
    assert.deepEqual(evolveSettled(settle(state as Decided), after.events.at(-1)!), settle(after.state as Decided));
  });

  it('given open actions or a break-glass approval whose review is still due, then they do not settle', () => {
    const open: ApprovalState[] = [
      given(propose()).state,
      given(propose(), requireApproval()).state,
      given(propose(), requireApproval({ breakGlass: { groups: ['oncall'], reviewGroups: ['security'], reviewWithinSeconds: 60 } }), breakGlass('olga', 'down')).state,
    ];
    for (const state of open) {
      assert.equal(canSettle(state), false, state.status);
      assert.throws(() => settle(state as Decided), /only a decided action/);
    }
  });

  it('given a settled action, when an event other than a refusal or a notification outcome is folded, then it is refused as a corrupt stream', () => {
    const { state } = given(propose(), evaluate('allow'));
    const proposed = given(propose()).events[0];
    assert.throws(() => evolveSettled(settle(state as Decided), proposed), /ActionProposed .* cannot follow a settled action \(approved\)/);
  });

  it('given a settled action, then its compact form holds no parameters, evaluation, votes or decision text', () => {
    const { state } = given(propose(), requireApproval(), vote('alice'));
    const text = JSON.stringify(settle(state as Decided));
    for (const absent of ['customers', 'params', 'votes', 'evaluation', 'reason', 'Approved by']) assert.ok(!text.includes(absent), `${absent} in ${text}`);
  });
});
