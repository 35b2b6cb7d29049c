import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ActionCancelled, ActionDenied, ActionExpired, CountersignUnavailable, RequestRejected, WaitTimedOut, type Action } from '@countersign/sdk';
import { listQuery, voteResult } from './actions-commands.ts';
import { CliError, EXIT, exitCodeForStatus, UsageError } from './cli-errors.ts';
import { clientError } from './client-errors.ts';
import { actionId, idempotencyKey } from './client-options.ts';
import { resolveRemote } from './remote-config.ts';
import { commandAfterDashes } from './request-command.ts';

const usage = (run: () => unknown, message: RegExp) =>
  assert.throws(run, (e: Error) => e instanceof UsageError && e.exitCode === EXIT.usage && message.test(e.message));

const action = (status: Action['status']): Action => ({
  id: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
  status,
  decision: { outcome: status as 'denied', at: '2026-11-02T09:05:00.000Z', by: ['erin'], automatic: false, reason: 'not today', rule: 'r' },
});

describe('client commands: configuration, flags and exit statuses', () => {
  it('given flags or the environment, then the flag wins, the URL is a base URL, and a missing key is a usage error', () => {
    assert.deepEqual(resolveRemote({}, { COUNTERSIGN_API_KEY: 'k' }), { url: 'http://127.0.0.1:8080', apiKey: 'k' });
    assert.deepEqual(resolveRemote({ url: 'https://cs.example.com/api/' }, { COUNTERSIGN_URL: 'http://other', COUNTERSIGN_API_KEY: 'k' }),
      { url: 'https://cs.example.com/api', apiKey: 'k' });
    assert.deepEqual(resolveRemote({ apiKey: 'flag' }, { COUNTERSIGN_API_KEY: 'env' }).apiKey, 'flag');
    usage(() => resolveRemote({}, {}), /^no API key: set COUNTERSIGN_API_KEY \(or pass --api-key\)$/);
    usage(() => resolveRemote({}, { COUNTERSIGN_API_KEY: '' }), /^no API key/);
    usage(() => resolveRemote({}, { COUNTERSIGN_URL: 'localhost:8080', COUNTERSIGN_API_KEY: 'k' }), /^COUNTERSIGN_URL "localhost:8080": expected an http:\/\/ or https:\/\/ URL, not localhost:$/);
    usage(() => resolveRemote({ url: 'nope' }, { COUNTERSIGN_API_KEY: 'k' }), /^--url "nope": expected an http:\/\/ or https:\/\/ URL/);
    usage(() => resolveRemote({ url: 'https://u:secret@cs.example.com' }, { COUNTERSIGN_API_KEY: 'k' }), /^--url: put no user name or password in the URL/);
  });

  it('property: the API key never appears in an error, whatever it holds', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 6 }), (key) => {
        try {
          resolveRemote({ url: 'bad url' }, { COUNTERSIGN_API_KEY: key });
        } catch (e) {
          assert.ok(!(e as Error).message.includes(key));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('given operands, then only what follows -- is the command; a stray operand is a usage error', () => {
    const argv = ['node', 'countersign', 'request', 'deploy', 'prod/web', '--wait', '30m', '--', 'node', '-e', 'x', '--'];
    assert.deepEqual(commandAfterDashes(['node', '-e', 'x', '--'], argv), ['node', '-e', 'x', '--']);
    assert.deepEqual(commandAfterDashes([], ['node', 'countersign', 'request', 'a', 'b']), []);
    assert.deepEqual(commandAfterDashes([], ['node', 'countersign', 'request', 'a', 'b', '--']), []);
    usage(() => commandAfterDashes(['extra'], ['node', 'countersign', 'request', 'a', 'b', 'extra']), /^unexpected argument "extra": the command to run goes after "--"/);
    usage(() => commandAfterDashes(['extra', 'cmd'], ['node', 'countersign', 'request', 'a', 'b', 'extra', '--', 'cmd']), /^unexpected argument "extra"/);
  });

  it('given list flags, then the query the API takes; bad values are usage errors naming the flag', () => {
    assert.deepEqual(listQuery({ status: 'pending', mine: true, action: 'data.export', limit: '10' }), { status: 'pending', requester: 'me', action: 'data.export', limit: 10 });
    assert.deepEqual(listQuery({ approverMe: true }), { approver: 'me', limit: 50 });
    usage(() => listQuery({ status: 'open' }), /^--status "open": expected one of proposed, pending, approved, denied, expired, cancelled$/);
    usage(() => listQuery({ limit: '0' }), /^--limit "0": expected a whole number from 1 to 1000$/);
    usage(() => listQuery({ limit: '1001' }), /^--limit "1001"/);
    usage(() => listQuery({ action: 'Data Export' }), /^--action "Data Export": expected an action type/);
  });

  it('given ids and keys, then a UUID is an id and 1–255 visible ASCII characters a key', () => {
    assert.equal(actionId('0193A1B2-C3D4-7E5F-8A9B-0C1D2E3F4A5B'), '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b');
    usage(() => actionId('../grant'), /^<id> "..\/grant": expected an action id/);
    assert.equal(idempotencyKey('pipeline-42/deploy'), 'pipeline-42/deploy');
    usage(() => idempotencyKey('has space'), /^--idempotency-key "has space": expected 1–255 visible ASCII characters/);
    usage(() => idempotencyKey('x'.repeat(256)), /^--idempotency-key/);
  });

  it('given an action status, then its exit status: 0 approved, 3 denied, 4 expired, 5 cancelled, 6 still open', () => {
    assert.deepEqual(['approved', 'denied', 'expired', 'cancelled', 'pending', 'proposed', 'weird'].map(exitCodeForStatus), [0, 3, 4, 5, 6, 6, 1]);
    assert.deepEqual(EXIT, { approved: 0, error: 1, usage: 2, denied: 3, expired: 4, cancelled: 5, pending: 6, unreachable: 7, interrupted: 130 });
  });

  it('given each SDK error, then the CLI error says what and where, with the status that error gives', () => {
    const cases: Array<[unknown, number, RegExp]> = [
      [new CountersignUnavailable('Countersign is unavailable: network error (ECONNREFUSED)', { attempts: 5, mayHaveTakenEffect: false }), 7,
        /^approve X: Countersign at http:\/\/cs is unreachable: network error \(ECONNREFUSED\)$/],
      [new RequestRejected(403, { type: 'https://countersign.dev/problems/self-approval', title: 'Self-approval.', status: 403, detail: 'You requested it.' }), 1,
        /^approve X: 403 self-approval: You requested it\.$/],
      [new RequestRejected(400, { type: 'https://countersign.dev/problems/invalid-request', title: 'Invalid.', status: 400, detail: 'bad', errors: [{ pointer: '/reason', detail: 'is required' }, { parameter: 'limit', detail: 'too big' }] }), 1,
        /^approve X: 400 invalid-request: bad; \/reason: is required; \?limit: too big$/],
      [new ActionDenied(action('denied')), 3, /^approve X: denied by erin at .*: not today$/],
      [new ActionExpired(action('expired')), 4, /^approve X: expired/],
      [new ActionCancelled(action('cancelled')), 5, /^approve X: cancelled/],
      [new WaitTimedOut({ id: 'a', status: 'pending' }), 6, /^approve X: action a is still pending$/],
      [new Error('boom\nsecond line'), 1, /^approve X: boom\\nsecond line$/],
    ];
    for (const [error, code, message] of cases) {
      const mapped = clientError(error, 'approve X', 'http://cs');
      assert.ok(mapped instanceof CliError);
      assert.equal(mapped.exitCode, code, mapped.message);
      assert.match(mapped.message, message);
    }
  });

  it('given the answer to a vote, then one line: the decision it completed, where the action stands, or that it is queued', () => {
    const id = '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
    assert.equal(voteResult({ id, status: 'approved', decision: { outcome: 'approved', at: 't', by: ['bob'], automatic: false, reason: 'Quorum reached.' } }, 'approve'),
      `action ${id} approved by bob at t: Quorum reached.`);
    assert.equal(voteResult({ id, status: 'pending', approval: { groups: [], eligible: [], deadline: 't', quorum: 2, approvals: 1 } }, 'approve'),
      `vote recorded; action ${id} is pending with 1 of 2 approvals`);
    assert.equal(voteResult({ id, status: 'pending', accepted: 'cmd-1' }, 'deny'),
      `deny of action ${id} accepted; the answer had not come yet: see countersign actions show ${id}`);
  });
});
