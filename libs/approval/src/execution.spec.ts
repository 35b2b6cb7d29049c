import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { draftOf, given } from './testing/given.ts';
import { cancel, deny, execute, PARAMS_HASH, propose, recordProposal, requireApproval, secondsAfter, T0, vote } from './testing/fixtures.ts';

const approved = () => given(propose(), requireApproval(), vote('alice'));

describe('executing an approved action with its grant', () => {
  it('given an approved action, when an executor redeems its grant in time, then ExecutionStarted records who, when, with which grant and key', () => {
    const outcome = approved().when(execute('started'), { now: secondsAfter(T0, 10) });
    const started = draftOf(outcome.then(['ExecutionStarted']), 'ExecutionStarted');
    assert.deepEqual(started.data, { grantId: 'grant-1', kid: 'grant-key-1', executor: 'deployer', paramsHash: PARAMS_HASH, startedAt: T0.toISOString() });
    assert.equal(outcome.state.status, 'approved');
  });

  it('given a redeemed grant, when it is redeemed again (any grant, anyone), then it is refused: the action runs once', () => {
    const redeemed = approved().when(execute('started'));
    redeemed.when(execute('started')).thenRejected('already_redeemed', /redeemed already, by deployer/);
    redeemed.when(execute('started', { grantId: 'grant-2', kid: 'grant-key-2', executor: 'other' })).thenRejected('already_redeemed');
  });

  it('given a redeemed grant, when the executor reports the outcome after the grant expired, then ActionExecuted is recorded once', () => {
    const outcome = approved().when(execute('started')).when(execute('finished', { outcome: 'failed', error: 'exit 3' }), { now: secondsAfter(T0, 3600) });
    const executed = draftOf(outcome.then(['ActionExecuted']), 'ActionExecuted');
    assert.equal(executed.data.outcome, 'failed');
    assert.equal(executed.data.error, 'exit 3');
    assert.equal(executed.data.startedAt, T0.toISOString());
    outcome.when(execute('finished')).thenRejected('already_executed');
  });

  it('given an approved action and no redemption, when the outcome is reported at once, then the grant is redeemed and the outcome recorded together', () => {
    approved().when(execute('finished')).then(['ExecutionStarted', 'ActionExecuted']);
  });

  it('given a redemption with one grant, when an outcome comes with another, then it is refused as redeemed already', () => {
    approved().when(execute('started')).when(execute('finished', { grantId: 'grant-9' })).thenRejected('already_redeemed', /another grant/);
  });

  it('given an approved action, when the grant is redeemed at or after its expiry, then it is refused as expired and nothing runs', () => {
    approved().when(execute('started'), { now: secondsAfter(T0, 300) }).thenRejected('grant_expired', /expired at/);
    approved().when(execute('finished'), { now: secondsAfter(T0, 301) }).thenRejected('grant_expired');
  });

  it('given an approved action, when an execution names other params, then it is refused (rule 5)', () => {
    approved().when(execute('started', { paramsHash: 'f'.repeat(64) })).thenRejected('params_mismatch', /exactly the approved params/);
  });

  it('given actions that are not approved, when an execution comes, then it is refused as not approved', () => {
    given(propose(), requireApproval()).when(execute('started')).thenRejected('not_approved', /pending, not approved/);
    given(propose(), requireApproval(), deny('bob')).when(execute('started')).thenRejected('not_approved', /denied/);
    given(propose(), cancel('rita')).when(execute('finished')).thenRejected('not_approved', /cancelled/);
  });

  it('given an action allowed by policy, then its grant can be redeemed like any approval', () => {
    given(recordProposal('allow')).when(execute('started')).then(['ExecutionStarted']);
  });

  it('given a command applied before, when it comes again, then nothing happens', () => {
    const command = execute('started');
    assert.deepEqual(approved().when(command).when(command).drafts, []);
  });
});
