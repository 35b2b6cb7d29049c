import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { validateCommand, type CastVoteData } from '@countersign/contracts';
import type { Principal } from '@countersign/identity';
import type { ActionView } from '@countersign/audit';
import type { ActionWaiter } from './action-waiter.ts';
import { ActionWatch } from './answers/action-watch.ts';
import { WaitingRoom } from './answers/waiting-room.ts';
import type { CommandSender } from './commands.ts';
import { VoteCaster } from './vote-caster.ts';

const bob: Principal = { id: 'bob', kind: 'human', groups: ['data-stewards'], roles: [], identities: ['slack:U0BOB'], apiKeys: [] };
const HASH = 'c'.repeat(64);

/** A VoteCaster whose sender records the CastVote it would append, as the envelope the router reads. */
function recordingCaster(view?: { involved: string[] }) {
  const sent: unknown[] = [];
  const room = new WaitingRoom(10);
  const watchedAtSend: boolean[] = [];
  const sender = {
    send: async (type: string, actionId: string, actor: Pick<Principal, 'id' | 'kind'>, data: CastVoteData, o: { id?: string } = {}) => {
      watchedAtSend.push(room.watching(actionId));
      sent.push({ id: o.id ?? '018f0000-0000-7000-8000-000000000001', type, actionId, issuedAt: '2026-01-01T00:00:00.000Z', actor: { id: actor.id, kind: actor.kind }, correlationId: actionId, data });
      return o.id ?? 'generated';
    },
  } as unknown as CommandSender;
  const get = async () => view as ActionView | undefined;
  const waiter = {
    get,
    // The waiter's own watching, over a real room, with this view for the read model.
    async watching<T>(actionId: string, work: (watch: ActionWatch) => Promise<T>): Promise<T> {
      const watch = room.enter(actionId);
      try {
        return await work(new ActionWatch(watch, { view: get, remember: () => undefined }));
      } finally {
        watch.leave();
      }
    },
  } as unknown as ActionWaiter;
  return { caster: new VoteCaster(sender, waiter), sent, room, watchedAtSend };
}

describe('VoteCaster', () => {
  it('given a voter who cannot see the action (a channel member who is no approver of it), answers not eligible and sends nothing', async () => {
    const { caster, sent } = recordingCaster({ involved: ['alice'] });
    const answer = await caster.cast({ actionId: 'act-1', voter: bob, identity: 'slack:T0A:U0BOB', via: 'slack', decision: 'approve' }, 0);
    assert.equal(answer.kind, 'rejected');
    assert.equal(answer.kind === 'rejected' && answer.code, 'not_eligible');
    assert.deepEqual(sent, []);
  });

  it('watches the action before the vote is appended (no answer can pass unseen), and stops watching after', async () => {
    const { caster, room, watchedAtSend } = recordingCaster();
    const answer = await caster.cast({ actionId: 'act-1', voter: bob, identity: 'apikey:bob-1', via: 'api', decision: 'approve' }, 0);
    assert.equal(answer.kind, 'pending');
    assert.deepEqual(watchedAtSend, [true]);
    assert.equal(room.watching('act-1'), false);
    assert.equal(room.size, 0);
  });

  it('given a click bound to a params hash, the CastVote carries it, and the contract accepts it', async () => {
    const { caster, sent } = recordingCaster();
    await caster.cast({ actionId: 'act-1', voter: bob, identity: 'slack:T0A:U0BOB', via: 'slack', decision: 'approve', paramsHash: HASH, commandId: '018f0000-0000-7000-8000-000000000002' }, 0);
    const command = sent[0] as { data: CastVoteData };
    assert.equal(command.data.paramsHash, HASH);
    assert.deepEqual(command.data.voterIdentities, ['slack:U0BOB', 'slack:T0A:U0BOB']);
    assert.deepEqual(validateCommand(command), { ok: true, value: command });
  });

  it('given a vote without a hash (the API, old chat messages), the CastVote has no paramsHash field', async () => {
    const { caster, sent } = recordingCaster();
    await caster.cast({ actionId: 'act-1', voter: bob, identity: 'apikey:bob-1', via: 'api', decision: 'approve' }, 0);
    assert.equal('paramsHash' in (sent[0] as { data: object }).data, false);
  });

  it('the contract refuses a CastVote whose paramsHash is not 64 lowercase hex digits', () => {
    const command = { id: 'c-1', type: 'CastVote', actionId: 'act-1', issuedAt: '2026-01-01T00:00:00.000Z', actor: { id: 'bob', kind: 'human' }, correlationId: 'act-1',
      data: { voter: 'bob', voterIdentities: [], decision: 'approve', via: 'slack', paramsHash: HASH.toUpperCase() } };
    assert.equal(validateCommand(command).ok, false);
  });
});
