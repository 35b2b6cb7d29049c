import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CountersignUnavailable, RequestRejected, WaitTimedOut, type Action } from '@countersign/sdk';
import { CliError, EXIT } from './cli-errors.ts';
import { runRequest, type RequestApi, type RequestInput, type RequestIo } from './request-flow.ts';
import type { CommandOutcome } from './run-command.ts';

const ID = '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
const NOW = new Date('2026-11-02T09:00:00.000Z');

const pending: Action = {
  id: ID,
  status: 'pending',
  action: 'deploy',
  resource: 'prod/web',
  params: { version: '1.4.2' },
  requester: 'ci',
  approval: { groups: ['security'], quorum: 1, eligible: ['erin'], deadline: '2026-11-02T10:00:00.000Z', approvals: 0 },
};
const decided = (status: Action['status'], extra: Partial<Action> = {}): Action => ({
  ...pending,
  status,
  decision: { outcome: status as 'approved', at: '2026-11-02T09:05:00.000Z', by: status === 'expired' ? ['approval-router'] : ['erin'], automatic: false, reason: `${status} for a reason`, rule: 'deploys' },
  ...extra,
});

/** A fake API that records what was called, in order, and answers from a script. */
function harness(script: { proposed?: Action; waited?: () => Promise<Action>; redeem?: () => Promise<unknown>; grant?: () => Promise<unknown> }) {
  const calls: string[] = [];
  const err: string[] = [];
  const out: string[] = [];
  const runs: Array<{ argv: readonly string[]; env: NodeJS.ProcessEnv }> = [];
  let interruptHandler: ((s: NodeJS.Signals) => void) | undefined;
  let exit: CommandOutcome = { exitCode: 0 };
  const api = {
    async propose(input: unknown, options: { idempotencyKey?: string }) {
      calls.push(`propose ${JSON.stringify(input)} key=${options.idempotencyKey}`);
      return script.proposed ?? pending;
    },
    async waitForDecision(id: string, options: { timeout?: number; signal?: AbortSignal; onUpdate?: (a: Action) => void }) {
      calls.push(`wait ${id} timeout=${options.timeout}`);
      options.onUpdate?.(pending);
      return script.waited ? script.waited() : decided('approved');
    },
    async getGrant(id: string) {
      calls.push(`grant ${id}`);
      return script.grant ? script.grant() : { grant: 'aaa.bbb.ccc', kid: 'k1', jti: 'j1', expiresAt: '2026-11-02T09:10:00.000Z' };
    },
    async redeem(id: string, input: { grant: string; params: unknown }) {
      calls.push(`redeem ${id} ${input.grant} ${JSON.stringify(input.params)}`);
      return script.redeem ? script.redeem() : { execution: { status: 'started' } };
    },
    async reportExecution(id: string, report: { outcome: string; error?: string; startedAt?: string; finishedAt?: string }) {
      calls.push(`report ${id} ${report.outcome}${report.error ? ` ${report.error}` : ''}`);
      return {};
    },
  };
  const io: RequestIo = {
    api: api as unknown as RequestApi,
    url: 'http://countersign.test',
    stdout: { write: (t: string) => out.push(t) },
    stderr: { write: (t: string) => err.push(t), isTTY: false },
    now: () => NOW,
    onInterrupt(handler) {
      interruptHandler = handler;
      return () => (interruptHandler = undefined);
    },
    run(argv, env) {
      calls.push(`run ${argv.join(' ')}`);
      runs.push({ argv, env });
      return { done: Promise.resolve(exit), signal: () => undefined };
    },
    env: { PATH: '/bin' },
  };
  return {
    io, calls, runs,
    stdout: () => out.join(''),
    stderr: () => err.join(''),
    interrupt: () => interruptHandler?.('SIGINT'),
    commandExits: (outcome: CommandOutcome) => void (exit = outcome),
  };
}

const input = (extra: Partial<RequestInput> = {}): RequestInput => ({
  action: 'deploy', resource: 'prod/web', params: { version: '1.4.2' }, justification: 'release', idempotencyKey: 'ci-42', ...extra,
});

async function failure(run: Promise<number>): Promise<CliError> {
  const error = await run.then(() => assert.fail('expected the request to fail'), (e: unknown) => e);
  assert.ok(error instanceof CliError, String(error));
  assert.doesNotMatch(error.message, /\n/);
  return error;
}

describe('countersign request (the flow, against a fake API)', () => {
  it('given an approval and no command, then prints the grant on stdout alone and exits 0, saying who it waited for', async () => {
    const h = harness({});
    assert.equal(await runRequest(input({ waitMs: 1_800_000 }), h.io), EXIT.approved);
    assert.equal(h.stdout(), 'aaa.bbb.ccc\n');
    assert.deepEqual(h.calls, [
      'propose {"action":"deploy","resource":"prod/web","params":{"version":"1.4.2"},"justification":"release"} key=ci-42',
      `wait ${ID} timeout=1800000`,
      `grant ${ID}`,
    ]);
    assert.match(h.stderr(), /waiting for 1 approval from security \(eligible: erin\); deadline 2026-11-02T10:00:00.000Z \(in 1h00m\)/);
    assert.match(h.stderr(), /approved by erin at 2026-11-02T09:05:00.000Z: approved for a reason/);
  });

  it('given an approval and a command, then redeems the grant before running it, hands it over, and reports the outcome after', async () => {
    const h = harness({});
    h.commandExits({ exitCode: 3, error: 'exited with status 3' });
    assert.equal(await runRequest(input({ command: ['./deploy.sh', '1.4.2'] }), h.io), 3);
    assert.deepEqual(h.calls.slice(2), [
      `grant ${ID}`,
      `redeem ${ID} aaa.bbb.ccc {"version":"1.4.2"}`,
      'run ./deploy.sh 1.4.2',
      `report ${ID} failed exited with status 3`,
    ]);
    const env = h.runs[0].env;
    assert.equal(env.COUNTERSIGN_GRANT, 'aaa.bbb.ccc');
    assert.equal(env.COUNTERSIGN_ACTION_ID, ID);
    assert.equal(env.COUNTERSIGN_PARAMS, '{"version":"1.4.2"}');
    assert.equal(env.PATH, '/bin');
    assert.equal(h.stdout(), '', 'the grant is not printed when a command runs');
    assert.match(h.stderr(), /exited with status 3; execution reported as failed/);
  });

  it('given a command that succeeds, then reports succeeded and exits 0', async () => {
    const h = harness({});
    assert.equal(await runRequest(input({ command: ['true'] }), h.io), 0);
    assert.equal(h.calls.at(-1), `report ${ID} succeeded`);
  });

  for (const [status, code] of [['denied', EXIT.denied], ['expired', EXIT.expired], ['cancelled', EXIT.cancelled]] as const) {
    it(`given the action is ${status}, then exits ${code} without fetching a grant or running the command`, async () => {
      const h = harness({ waited: async () => decided(status) });
      const error = await failure(runRequest(input({ command: ['./deploy.sh'] }), h.io));
      assert.equal(error.exitCode, code);
      assert.match(error.message, new RegExp(`^action ${ID} ${status} by .*: ${status} for a reason; the command was not run$`));
      assert.equal(h.runs.length, 0);
      assert.ok(!h.calls.some((c) => c.startsWith('grant') || c.startsWith('redeem')));
    });
  }

  it('given policy had not answered the proposal yet (202), then says who it waits for once the action is pending', async () => {
    const h = harness({ proposed: { id: ID, status: 'proposed' } });
    assert.equal(await runRequest(input(), h.io), EXIT.approved);
    assert.match(h.stderr(), new RegExp(`action ${ID}: proposed .*\\ncountersign: waiting for 1 approval from security \\(eligible: erin\\)`));
  });

  it('given policy denies at once, then does not wait at all and exits 3', async () => {
    const h = harness({ proposed: decided('denied', { decision: { outcome: 'denied', at: NOW.toISOString(), by: ['approval-router'], automatic: true, reason: 'Never.', rule: 'no-drops' } }) });
    const error = await failure(runRequest(input(), h.io));
    assert.equal(error.exitCode, EXIT.denied);
    assert.match(error.message, /denied by policy \(rule no-drops\) at .*: Never\./);
    assert.equal(h.calls.length, 1);
  });

  it('given --wait runs out, then exits 6, the action still pending, and says how to resume', async () => {
    const h = harness({ waited: async () => Promise.reject(new WaitTimedOut(pending)) });
    const error = await failure(runRequest(input({ waitMs: 1000, command: ['./deploy.sh'] }), h.io));
    assert.equal(error.exitCode, EXIT.pending);
    assert.match(error.message, /still pending after --wait; it stays open: re-run with --idempotency-key ci-42 to wait again/);
    assert.equal(h.runs.length, 0);
  });

  it('given --wait 0, then proposes, shows who it waits for, and exits 6 without waiting', async () => {
    const h = harness({});
    const error = await failure(runRequest(input({ waitMs: 0 }), h.io));
    assert.equal(error.exitCode, EXIT.pending);
    assert.equal(h.calls.length, 1);
  });

  it('given Countersign unreachable, then exits 7 naming the URL, and never runs the command', async () => {
    const h = harness({});
    h.io.api.propose = async () => Promise.reject(new CountersignUnavailable('Countersign is unavailable: network error (ECONNREFUSED)', { attempts: 5, mayHaveTakenEffect: false }));
    const error = await failure(runRequest(input({ command: ['./deploy.sh'] }), h.io));
    assert.equal(error.exitCode, EXIT.unreachable);
    assert.match(error.message, /^propose deploy on prod\/web: Countersign at http:\/\/countersign.test is unreachable: .*ECONNREFUSED/);
    assert.equal(h.runs.length, 0);
  });

  it('given the connection is lost while waiting, then exits 7 and says the action may still be pending and how to resume', async () => {
    const h = harness({ waited: async () => Promise.reject(new CountersignUnavailable('Countersign is unavailable: 503', { attempts: 5, mayHaveTakenEffect: false })) });
    const error = await failure(runRequest(input(), h.io));
    assert.equal(error.exitCode, EXIT.unreachable);
    assert.match(error.message, /the action may still be pending: re-run with --idempotency-key ci-42/);
  });

  it('given Ctrl-C while waiting, then the action is left pending, its id printed, status 130', async () => {
    const h = harness({});
    h.io.api.waitForDecision = ((_id: string, options: { signal: AbortSignal }) => {
      h.interrupt();
      return Promise.reject(options.signal.reason);
    }) as unknown as RequestApi['waitForDecision'];
    const error = await failure(runRequest(input({ command: ['./deploy.sh'] }), h.io));
    assert.equal(error.exitCode, EXIT.interrupted);
    assert.match(error.message, new RegExp(`^interrupted: action ${ID} is still pending; it was not cancelled.*--idempotency-key ci-42`));
    assert.equal(h.runs.length, 0);
  });

  it('given the grant cannot be redeemed, then the command is not run and the refusal is the message (exit 1)', async () => {
    const problem = { type: 'https://countersign.dev/problems/already-redeemed', title: 'Already redeemed.', status: 409, detail: 'The grant was redeemed at 09:06.' };
    const h = harness({ redeem: async () => Promise.reject(new RequestRejected(409, problem)) });
    const error = await failure(runRequest(input({ command: ['./deploy.sh'] }), h.io));
    assert.equal(error.exitCode, EXIT.error);
    assert.equal(error.message, `redeem the grant of action ${ID}: 409 already-redeemed: The grant was redeemed at 09:06.; the command was not run`);
    assert.equal(h.runs.length, 0);
  });

  it('given the redemption is only queued (202), then the command is not run: at most once', async () => {
    const h = harness({ redeem: async () => ({ id: ID, accepted: 'cmd-1', detail: 'Queued.' }) });
    const error = await failure(runRequest(input({ command: ['./deploy.sh'] }), h.io));
    assert.equal(error.exitCode, EXIT.error);
    assert.match(error.message, /queued, but the server did not confirm it in time; the command was not run/);
    assert.equal(h.runs.length, 0);
  });

  it('given a re-run after the command ran (the grant already redeemed), then the command is not run again', async () => {
    const problem = { type: 'https://countersign.dev/problems/already-redeemed', title: 'Already redeemed.', status: 409, detail: 'Redeemed by ci (succeeded).' };
    const h = harness({ proposed: decided('approved'), grant: async () => Promise.reject(new RequestRejected(409, problem)) });
    const error = await failure(runRequest(input({ command: ['./deploy.sh'] }), h.io));
    assert.equal(error.exitCode, EXIT.error);
    assert.equal(error.message, `get the grant of action ${ID}: 409 already-redeemed: Redeemed by ci (succeeded).; the command was not run`);
    assert.equal(h.runs.length, 0);
  });

  it('given a refused proposal, then the one-line error names the field at fault', async () => {
    const problem = {
      type: 'https://countersign.dev/problems/invalid-request', title: 'Your request is not valid.', status: 400,
      detail: '/resource: is not in canonical form: send "prod/orders"', errors: [{ pointer: '/resource', detail: 'is not in canonical form: send "prod/orders"' }],
    };
    const h = harness({});
    h.io.api.propose = async () => Promise.reject(new RequestRejected(400, problem));
    const error = await failure(runRequest(input({ resource: 'prod//orders' }), h.io));
    assert.equal(error.exitCode, EXIT.error);
    assert.equal(error.message, 'propose deploy on prod//orders: 400 invalid-request: /resource: is not in canonical form: send "prod/orders"');
  });
});
