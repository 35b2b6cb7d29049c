import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseActivity } from './teams-activity.ts';
import { teamsCommandId } from './teams-votes.ts';

const invoke = (verb: string, data: Record<string, unknown>, over: Record<string, unknown> = {}) => ({
  type: 'invoke', name: 'adaptiveCard/action', id: 'f:1', serviceUrl: 'https://smba.trafficmanager.net/teams/',
  from: { id: '29:abc', aadObjectId: 'aad-bob' }, value: { action: { type: 'Action.Execute', verb, data } }, ...over,
});

describe('Teams activities', () => {
  it('given an Approve click, reads the action, the user (by Entra object id) and the activity id', () => {
    assert.deepEqual(parseActivity(invoke('countersign.approve', { actionId: 'act-1' })), {
      kind: 'vote', click: { activityId: 'f:1', decision: 'approve', actionId: 'act-1', userId: 'aad-bob', serviceUrl: 'https://smba.trafficmanager.net/teams/' },
    });
  });

  it('given a Deny click, takes the reason input as the comment, trimmed', () => {
    const parsed = parseActivity(invoke('countersign.deny', { actionId: 'act-1', reason: '  not now ' }));
    assert.equal(parsed.kind === 'vote' && parsed.click.comment, 'not now');
  });

  it('falls back to the Bot Framework user id when Teams gives no Entra object id', () => {
    const parsed = parseActivity(invoke('countersign.approve', { actionId: 'act-1' }, { from: { id: '29:abc' } }));
    assert.equal(parsed.kind === 'vote' && parsed.click.userId, '29:abc');
  });

  it('ignores activities that are not card actions', () => {
    assert.deepEqual(parseActivity({ type: 'message', text: 'hi' }), { kind: 'other' });
    assert.deepEqual(parseActivity(null), { kind: 'other' });
  });

  it('refuses unknown verbs and clicks that name no action', () => {
    assert.equal(parseActivity(invoke('countersign.delete', { actionId: 'act-1' })).kind, 'invalid');
    assert.equal(parseActivity(invoke('countersign.approve', {})).kind, 'invalid');
  });

  it('derives one command id per click, so a replayed activity is the same command', () => {
    const a = teamsCommandId({ actionId: 'act-1', activityId: 'f:1' });
    assert.equal(a, teamsCommandId({ actionId: 'act-1', activityId: 'f:1' }));
    assert.notEqual(a, teamsCommandId({ actionId: 'act-1', activityId: 'f:2' }));
  });
});
