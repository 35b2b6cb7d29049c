import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DENY_MODAL_ID, denyModal, parseSlackBody, REASON_BLOCK_ID, REASON_INPUT_ID, toInteraction } from './slack-payload.ts';

const click = (actionId: string, actionTs = '1700000000.000100', user = 'U0BOB') => ({
  type: 'block_actions',
  user: { id: user },
  team: { id: 'T1' },
  trigger_id: 'trig-1',
  response_url: 'https://hooks.slack.com/actions/T1/1/x',
  actions: [{ action_id: actionId, value: 'act-1', action_ts: actionTs }],
});

describe('Slack interaction payloads', () => {
  it('reads Slack\'s form body (payload=<JSON>)', () => {
    const body = Buffer.from(new URLSearchParams({ payload: JSON.stringify({ type: 'x' }) }).toString());
    assert.deepEqual(parseSlackBody(body), { type: 'x' });
    assert.throws(() => parseSlackBody(Buffer.from('other=1')), /no payload/);
  });

  it('turns an Approve click into a vote whose command id is the same for the same click only', () => {
    // when
    const first = toInteraction(click('countersign_approve'));
    const again = toInteraction(click('countersign_approve'));
    const later = toInteraction(click('countersign_approve', '1700000001.000100'));
    const other = toInteraction(click('countersign_approve', '1700000000.000100', 'U0ALICE'));
    // then
    assert.equal(first.kind, 'click');
    assert.ok(first.kind === 'click' && first.decision === 'approve' && first.actionId === 'act-1' && first.responseUrl);
    const id = (i: ReturnType<typeof toInteraction>) => (i.kind === 'click' ? i.commandId : '');
    assert.equal(id(first), id(again));
    assert.notEqual(id(first), id(later));
    assert.notEqual(id(first), id(other));
  });

  it('ignores buttons that are not ours, and payloads without a user', () => {
    assert.equal(toInteraction(click('somebody_elses')).kind, 'ignored');
    assert.equal(toInteraction({ ...click('countersign_approve'), user: undefined }).kind, 'ignored');
    assert.equal(toInteraction({ type: 'shortcut', user: { id: 'U1' } }).kind, 'ignored');
  });

  it('reads the reason and the action from a submitted deny modal', () => {
    // given the modal we open
    const view = denyModal('act-1', 'Deny *data.export*?', 'https://hooks.slack.com/actions/T1/1/x');
    // when Slack hands it back, filled in
    const submitted = toInteraction({
      type: 'view_submission',
      user: { id: 'U0BOB', team_id: 'T1' },
      view: { id: 'V1', callback_id: DENY_MODAL_ID, private_metadata: view.private_metadata, state: { values: { [REASON_BLOCK_ID]: { [REASON_INPUT_ID]: { value: '  Not now  ' } } } } },
    });
    // then
    assert.equal(submitted.kind, 'deny-submission');
    assert.ok(submitted.kind === 'deny-submission');
    assert.equal(submitted.actionId, 'act-1');
    assert.equal(submitted.reason, 'Not now');
    assert.equal(submitted.responseUrl, 'https://hooks.slack.com/actions/T1/1/x');
  });
});
