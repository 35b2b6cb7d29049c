// The SDK's errors as the client commands report them: one line naming what was being done and
// where, with the exit status a pipeline can branch on (cli-errors.ts).
import { ActionCancelled, ActionDenied, ActionExpired, CountersignUnavailable, RequestRejected, WaitTimedOut } from '@countersign/sdk';
import { outcomeText } from './action-output.ts';
import { safe } from './action-view.ts';
import { CliError, EXIT } from './cli-errors.ts';

/**
 * `what` says what was being done (`approve 0193…`), `where` the server's URL. A refusal gives its
 * status, problem code, detail and each field at fault; the message never holds the API key (the
 * SDK's messages hold none, and nothing here reads headers).
 */
export function clientError(error: unknown, what: string, where: string): CliError {
  if (error instanceof CliError) return error;
  if (error instanceof RequestRejected) return new CliError(`${what}: ${problemText(error.status, error.code, error.problem)}`, EXIT.error);
  if (error instanceof CountersignUnavailable) {
    return new CliError(`${what}: Countersign at ${where} is unreachable: ${safe(error.message.replace(/^Countersign is unavailable: /, ''))}`, EXIT.unreachable);
  }
  if (error instanceof ActionDenied) return new CliError(`${what}: ${outcomeText(error.action)}`, EXIT.denied);
  if (error instanceof ActionExpired) return new CliError(`${what}: ${outcomeText(error.action)}`, EXIT.expired);
  if (error instanceof ActionCancelled) return new CliError(`${what}: ${outcomeText(error.action)}`, EXIT.cancelled);
  if (error instanceof WaitTimedOut) return new CliError(`${what}: action ${error.action.id} is still ${error.action.status}`, EXIT.pending);
  return new CliError(`${what}: ${safe((error as Error)?.message ?? error)}`, EXIT.error);
}

interface ProblemLike {
  title?: string;
  detail?: string;
  errors?: Array<{ detail: string; pointer?: string; parameter?: string; header?: string }>;
}

/** `409 already-decided: Action … has already been decided (approved).`, with `; /reason: is required` per field. */
export function problemText(status: number, code: string, problem: ProblemLike): string {
  const fields = (problem.errors ?? [])
    .map((e) => `${e.pointer ?? (e.parameter !== undefined ? `?${e.parameter}` : e.header !== undefined ? `header ${e.header}` : '')}: ${e.detail}`)
    .filter((text) => !(problem.detail ?? '').includes(text));
  const detail = problem.detail ?? problem.title ?? '';
  return safe([`${status} ${code || 'error'}${detail ? `: ${detail}` : ''}`, ...fields].join('; '), 1000);
}
