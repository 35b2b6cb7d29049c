// `countersign request`: propose, say who it waits for, wait (with a countdown), then print the
// grant or run the command after `--` under it. Everything it touches comes in `io`, so the whole
// flow runs in unit tests against a fake API; request-command.ts wires the real one.
import type { Countersign } from '@countersign/sdk';
import { ActionCancelled, ActionDenied, ActionExpired, WaitTimedOut } from '@countersign/sdk';
import { outcomeText, waitingForText } from './action-output.ts';
import { safe, type ActionView } from './action-view.ts';
import { CliError, EXIT, exitCodeForStatus } from './cli-errors.ts';
import { clientError } from './client-errors.ts';
import type { Params } from './request-params.ts';
import type { RunningCommand } from './run-command.ts';
import { startWaitDisplay, type Stderr } from './wait-display.ts';

export type RequestApi = Pick<Countersign, 'propose' | 'waitForDecision' | 'getGrant' | 'redeem' | 'reportExecution'>;

export interface RequestInput {
  action: string;
  resource: string;
  params: Params;
  justification?: string;
  idempotencyKey: string;
  /** How long to wait for the decision (ms); undefined: until it is decided or expires. */
  waitMs?: number;
  /** The command after `--`, run only once approved. */
  command?: readonly string[];
}

export interface RequestIo {
  api: RequestApi;
  /** The server's base URL, for messages. */
  url: string;
  stdout: { write(text: string): unknown };
  stderr: Stderr;
  now(): Date;
  /** Calls `handler` on Ctrl-C (SIGINT) or SIGTERM until the returned function is called. */
  onInterrupt(handler: (signal: NodeJS.Signals) => void): () => void;
  run(argv: readonly string[], env: NodeJS.ProcessEnv): RunningCommand;
  env: NodeJS.ProcessEnv;
}

/** Resolves with the exit status (0, or the command's own); every other ending throws a CliError. */
export async function runRequest(input: RequestInput, io: RequestIo): Promise<number> {
  const note = (text: string) => io.stderr.write(`countersign: ${text}\n`);
  const interrupt = new AbortController();
  let stopListening = io.onInterrupt(() => interrupt.abort());
  try {
    const proposed = await propose(input, io, interrupt.signal);
    note(`action ${safe(proposed.id)}: ${safe(proposed.status)} (${safe(input.action)} on ${safe(input.resource)}, idempotency key ${safe(input.idempotencyKey)})`);
    const decided = isOpen(proposed.status) ? await waitFor(proposed, input, io, interrupt.signal, note) : proposed;
    stopListening();
    if (decided.status !== 'approved') throw ending(decided, input);
    note(`action ${safe(decided.id)} ${outcomeText(decided)}`);
    const grant = await io.api.getGrant(decided.id).catch((e) => {
      const cause = clientError(e, `get the grant of action ${decided.id}`, io.url);
      throw input.command && input.command.length > 0 ? new CliError(`${cause.message}; the command was not run`, cause.exitCode) : cause;
    });
    if (!input.command || input.command.length === 0) {
      io.stdout.write(`${grant.grant}\n`);
      note(`grant ${safe(grant.jti)} printed on stdout; it expires at ${safe(grant.expiresAt)} and can be redeemed once`);
      return EXIT.approved;
    }
    const running = await execute(decided, grant.grant, input, io, note);
    stopListening = running.stopListening;
    return running.exitCode;
  } catch (error) {
    if (interrupt.signal.aborted && !(error instanceof CliError)) {
      throw new CliError('interrupted before the action was proposed: nothing may have been sent; ' +
        `re-run with --idempotency-key ${input.idempotencyKey} to be sure of one action`, EXIT.interrupted);
    }
    throw error;
  } finally {
    stopListening();
  }
}

async function propose(input: RequestInput, io: RequestIo, signal: AbortSignal): Promise<ActionView> {
  try {
    return await io.api.propose(
      { action: input.action, resource: input.resource, params: input.params, ...(input.justification !== undefined ? { justification: input.justification } : {}) },
      { idempotencyKey: input.idempotencyKey, signal },
    );
  } catch (error) {
    if (signal.aborted) throw error;
    throw clientError(error, `propose ${input.action} on ${input.resource}`, io.url);
  }
}

const isOpen = (status: string) => status === 'proposed' || status === 'pending';

/** Waits for the decision; the action at the end (decided, or still open when --wait ran out). */
async function waitFor(first: ActionView, input: RequestInput, io: RequestIo, signal: AbortSignal, note: (t: string) => void): Promise<ActionView> {
  const resume = `re-run with --idempotency-key ${safe(input.idempotencyKey)} to wait again, or: countersign actions show ${safe(first.id)}`;
  if (first.status === 'pending') note(waitingForText(first, io.now()));
  if (input.waitMs === 0) return first;
  const waitUntil = input.waitMs === undefined ? undefined : io.now().getTime() + input.waitMs;
  const display = startWaitDisplay(io.stderr, first, { ...(waitUntil !== undefined ? { waitUntil } : {}), now: io.now });
  let seenPending = first.status === 'pending';
  try {
    return await io.api.waitForDecision(first.id, {
      ...(input.waitMs !== undefined ? { timeout: input.waitMs } : {}),
      signal,
      onUpdate: (a) => {
        if (!seenPending && a.status === 'pending') {
          seenPending = true;
          display.note(`countersign: ${waitingForText(a, io.now())}`);
        }
        display.update(a);
      },
    });
  } catch (error) {
    if (error instanceof ActionDenied || error instanceof ActionExpired || error instanceof ActionCancelled || error instanceof WaitTimedOut) return error.action;
    if (signal.aborted) {
      throw new CliError(`interrupted: action ${safe(first.id)} is still pending; it was not cancelled. To resume, ${resume}`, EXIT.interrupted);
    }
    const cause = clientError(error, `wait for action ${first.id}`, io.url);
    throw new CliError(`${cause.message}; the action may still be pending: ${resume}`, cause.exitCode);
  } finally {
    display.stop();
  }
}

/** The error that ends a request whose action was not approved (denied, expired, cancelled, still open). */
function ending(action: ActionView, input: RequestInput): CliError {
  const code = exitCodeForStatus(action.status);
  if (code === EXIT.pending) {
    return new CliError(`action ${safe(action.id)} is still ${safe(action.status)} after --wait; it stays open: ` +
      `re-run with --idempotency-key ${safe(input.idempotencyKey)} to wait again`, EXIT.pending);
  }
  const not = input.command && input.command.length > 0 ? '; the command was not run' : '';
  return new CliError(`action ${safe(action.id)} ${outcomeText(action)}${not}`, code);
}

/** Redeems the grant, runs the command with it, reports how it went; the command's status. */
async function execute(action: ActionView, grant: string, input: RequestInput, io: RequestIo, note: (t: string) => void) {
  const argv = input.command!;
  const redeemed = await io.api.redeem(action.id, { grant, params: input.params }).catch((e) => {
    const cause = clientError(e, `redeem the grant of action ${action.id}`, io.url);
    throw new CliError(`${cause.message}; the command was not run`, cause.exitCode);
  });
  // A 202 (queued, the router's answer not in yet) is no confirmation that this run holds the
  // redemption: an approved action runs at most once, so the command does not run on it.
  if (!redeemed.execution) {
    throw new CliError(`redeem the grant of action ${safe(action.id)}: queued, but the server did not confirm it in time; the command was not run ` +
      `(the grant may be spent now: see countersign actions show ${safe(action.id)})`, EXIT.error);
  }
  note(`grant redeemed; running ${safe(argv.join(' '), 200)}`);
  const startedAt = io.now().toISOString();
  const env = { ...io.env, COUNTERSIGN_GRANT: grant, COUNTERSIGN_ACTION_ID: action.id, COUNTERSIGN_PARAMS: JSON.stringify(input.params) };
  const running = io.run(argv, env);
  // The terminal sends Ctrl-C to the command too; a CI runner's SIGTERM reaches only us: pass it on.
  const stopListening = io.onInterrupt((signal) => running.signal(signal));
  const outcome = await running.done;
  const finishedAt = io.now().toISOString();
  const result = outcome.exitCode === 0 ? 'succeeded' : 'failed';
  try {
    await io.api.reportExecution(action.id, {
      grant,
      params: input.params,
      outcome: result,
      startedAt,
      finishedAt,
      ...(outcome.error !== undefined ? { error: outcome.error } : {}),
    });
    note(`${safe(argv[0], 200)} ${outcome.error ?? 'exited with status 0'}; execution reported as ${result}`);
  } catch (e) {
    note(`${safe(argv[0], 200)} ${outcome.error ?? 'exited with status 0'}, but the outcome could not be reported: ${clientError(e, 'report', io.url).message}`);
  }
  return { exitCode: outcome.exitCode, stopListening };
}
