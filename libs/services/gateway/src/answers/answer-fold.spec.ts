import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { projectAction, type ActionView } from '@countersign/audit';
import type { ActionEvent } from '@countersign/contracts';
import {
  allowed, approvalRequested, approvedExport, autoApproved, needsApproval, proposed, sealSteps,
} from '../testing/action-streams.ts';
import { advance, decisionSeq, newer, outcomeOf, proposalAnswer } from './answer-fold.ts';

/** What the audit projector makes of `events`, in order: the reference every answer must equal. */
const projected = (events: readonly ActionEvent[]) => events.reduce<ActionView | undefined>((v, e) => projectAction(v, e), undefined);

describe('answers folded from the log', () => {
  it('given a proposal answered in two steps (today) or in one (the one-transaction router), the view is the projection of its events', () => {
    const twoSteps = sealSteps([{ command: 'p', bodies: [proposed] }, { command: 'e', bodies: [needsApproval, approvalRequested] }]);
    const oneStep = sealSteps([{ command: 'p', bodies: [proposed, needsApproval, approvalRequested] }]);
    assert.equal(proposalAnswer(twoSteps.slice(0, 1)), undefined, 'proposed only: policy has not answered');
    assert.equal(proposalAnswer(twoSteps.slice(0, 2)), undefined, 'evaluated, but neither pending nor decided yet');
    for (const events of [twoSteps, oneStep]) {
      const view = proposalAnswer(events);
      assert.deepEqual(view, projected(events));
      assert.equal(view?.status, 'pending');
    }
    const allowedRead = sealSteps([{ command: 'p', bodies: [proposed, allowed, autoApproved] }]);
    assert.equal(proposalAnswer(allowedRead)?.status, 'approved');
  });

  it('given the events delivered in any order, with redeliveries and losses, folds exactly the unbroken prefix from the first event', () => {
    const stream = approvedExport();
    fc.assert(fc.property(
      fc.array(fc.integer({ min: 0, max: stream.length - 1 }), { maxLength: 20 }),
      (picks) => {
        const delivered = picks.map((i) => stream[i]);
        let prefix = 0;
        while (prefix < stream.length && picks.includes(prefix)) prefix += 1;
        assert.deepEqual(advance(undefined, delivered), projected(stream.slice(0, prefix)));
      },
    ), { numRuns: 300 });
  });

  it('continues a read-model view only with events chained to its head: a gap, or an event of another chain, stops the fold', () => {
    const stream = approvedExport();
    const atThree = projected(stream.slice(0, 3))!;
    assert.deepEqual(advance(atThree, stream.slice(1)), projected(stream), 'events it shows already are skipped');
    assert.equal(advance(atThree, stream.slice(4)), atThree, 'seq 4 missing: nothing applied');
    const other = approvedExport('act-1').map((e) => ({ ...e, prevHash: 'f'.repeat(64) }) as ActionEvent);
    assert.equal(advance(atThree, other.slice(3)), atThree, 'the right seq on the wrong chain');
    assert.equal(advance(undefined, stream.slice(1)), undefined, 'no first event: no view from the log alone');
  });

  it('tells a command\'s outcome by its events: done, or rejected with the code and reason, at the last event it caused', () => {
    const stream = approvedExport();
    assert.deepEqual(outcomeOf(stream, 'cmd-bob'), { kind: 'done', seq: 6 });
    assert.deepEqual(outcomeOf(stream, 'cmd-self'), { kind: 'rejected', seq: 4, code: 'self_approval', reason: 'demo-agent may not approve its own action' });
    assert.equal(outcomeOf(stream, 'cmd-other'), undefined);
    assert.equal(outcomeOf(stream.slice(0, 4), 'cmd-bob'), undefined);
  });

  it('finds the decision among the events, and keeps the view further along its stream', () => {
    const stream = approvedExport();
    assert.equal(decisionSeq(stream), 6);
    assert.equal(decisionSeq(stream.slice(0, 5)), undefined);
    const early = projected(stream.slice(0, 3));
    const late = projected(stream);
    assert.equal(newer(early, late), late);
    assert.equal(newer(late, early), late);
    assert.equal(newer(undefined, early), early);
    assert.equal(newer(early, undefined), early);
  });
});
