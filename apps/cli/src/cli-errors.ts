// Exit statuses of the client commands (`countersign request`, `countersign actions …`) and the
// error that carries one. main.ts prints an error as one line, `countersign: <message>`, and exits
// with its status (1 when it has none).

/** Documented in `countersign request --help` and docs/cli.md; pipelines branch on them. */
export const EXIT = {
  approved: 0,
  error: 1,
  usage: 2,
  denied: 3,
  expired: 4,
  cancelled: 5,
  pending: 6,
  unreachable: 7,
  interrupted: 130,
} as const;

export type ExitName = keyof typeof EXIT;

/** What an error ends the process with: its message (one line) and status. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode: number = EXIT.error) {
    super(message);
    this.name = 'CliError';
  }
}

/** A flag or argument that does not parse: status 2, as commander's own usage errors. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, EXIT.usage);
    this.name = 'UsageError';
  }
}

/** The status an action's final (or current) status gives; `proposed`/`pending` mean the wait ended first. */
export function exitCodeForStatus(status: string): number {
  switch (status) {
    case 'approved':
      return EXIT.approved;
    case 'denied':
      return EXIT.denied;
    case 'expired':
      return EXIT.expired;
    case 'cancelled':
      return EXIT.cancelled;
    case 'proposed':
    case 'pending':
      return EXIT.pending;
    default:
      return EXIT.error;
  }
}

/** The help text's table of statuses (`countersign request --help`). */
export const EXIT_HELP = `
Exit status:
  0    approved (the grant is printed on stdout; with -- <command>: the command's own status)
  1    any other error (refused request, grant not redeemable, bad server answer)
  2    usage error (a flag or argument that does not parse, no API key)
  3    denied (by policy or by an approver)
  4    expired (nobody decided before the action's deadline)
  5    cancelled
  6    still pending when --wait ran out (the action stays pending: re-run with the same --idempotency-key to wait again)
  7    Countersign unreachable (network error, or 5xx/429 after retries)
  130  interrupted (Ctrl-C) while waiting: the action stays pending
`;
