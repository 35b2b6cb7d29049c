import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
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

  it('given a card that shows the params hash, passes it on; cards without one still vote', () => {
    const hash = '0'.repeat(64);
    const bound = parseActivity(invoke('countersign.approve', { actionId: 'act-1', paramsHash: hash }));
    assert.equal(bound.kind === 'vote' && bound.click.paramsHash, hash);
    const old = parseActivity(invoke('countersign.approve', { actionId: 'act-1' }));
    assert.ok(old.kind === 'vote' && !('paramsHash' in old.click));
  });

  it('refuses, naming the field: a malformed hash, a reason that is not text or too long, ids that are not ids', () => {
    const detail = (data: Record<string, unknown>, over: Record<string, unknown> = {}) => {
      const parsed = parseActivity(invoke('countersign.deny', data, over));
      return parsed.kind === 'invalid' ? parsed.detail : parsed.kind;
    };
    for (const paramsHash of ['F'.repeat(64), 'a'.repeat(63), 42, null]) assert.match(detail({ actionId: 'act-1', paramsHash }), /^value\.action\.data\.paramsHash: must be 64 lowercase hex/);
    assert.match(detail({ actionId: 'act-1', reason: { text: 'no' } }), /^value\.action\.data\.reason: must be text/);
    assert.match(detail({ actionId: 'act-1', reason: 'x'.repeat(3001) }), /^value\.action\.data\.reason: is 3001 characters long; at most 3000/);
    assert.match(detail({ actionId: 'act 1' }), /^value\.action\.data\.actionId/);
    assert.match(detail({ actionId: 'act-1' }, { id: 'f 1' }), /^id:/);
    assert.match(detail({ actionId: 'act-1' }, { from: { aadObjectId: 'x'.repeat(300) } }), /^from:/);
  });

  it('never throws on any JSON value, and only ever votes with well-formed ids', () => {
    const activity = fc.oneof(
      fc.jsonValue({ maxDepth: 6 }),
      fc.record({
        type: fc.constantFrom('invoke', 'message'), name: fc.constantFrom('adaptiveCard/action', 'x'), id: fc.jsonValue({ maxDepth: 1 }),
        from: fc.record({ id: fc.jsonValue({ maxDepth: 1 }), aadObjectId: fc.jsonValue({ maxDepth: 1 }) }, { requiredKeys: [] }),
        value: fc.record({ action: fc.record({ verb: fc.constantFrom('countersign.approve', 'countersign.deny', 'x'), data: fc.dictionary(fc.constantFrom('actionId', 'paramsHash', 'reason'), fc.jsonValue({ maxDepth: 2 })) }) }),
      }, { requiredKeys: [] }),
    );
    fc.assert(fc.property(activity, (body) => {
      const parsed = parseActivity(body);
      if (parsed.kind !== 'vote') return;
      assert.match(parsed.click.actionId, /^[A-Za-z0-9._-]{1,128}$/);
      assert.match(parsed.click.userId, /^[\x21-\x7e]{1,256}$/);
      if (parsed.click.paramsHash !== undefined) assert.match(parsed.click.paramsHash, /^[0-9a-f]{64}$/);
    }), { numRuns: 1000 });
  });

  it('derives one command id per click, so a replayed activity is the same command', () => {
    const a = teamsCommandId({ actionId: 'act-1', activityId: 'f:1' });
    assert.equal(a, teamsCommandId({ actionId: 'act-1', activityId: 'f:1' }));
    assert.notEqual(a, teamsCommandId({ actionId: 'act-1', activityId: 'f:2' }));
  });
});
