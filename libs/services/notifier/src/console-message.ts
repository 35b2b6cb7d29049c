import type { ActionEvent } from '@countersign/contracts';
import { escapeForLog } from '@countersign/telemetry';

/** Requesters, approvers and policy authors write these: a newline or an ANSI escape must not forge a line. */
const safe = (text: string) => escapeForLog(text);
const list = (items: readonly string[]) => items.map(safe).join(', ');

/** A line for the operator console: who must act on what, and what was decided. */
export function consoleMessage(event: ActionEvent): string | undefined {
  const action = `action ${safe(event.streamId)}`;
  switch (event.type) {
    case 'ApprovalRequested':
      return `${action} awaits ${event.data.quorum} approval(s) from ${list(event.data.groups) || 'named approvers'} ` +
        `(eligible: ${list(event.data.eligible)}; deadline ${safe(event.data.deadline)})`;
    case 'ActionApproved':
      return `${action} approved by ${event.data.automatic ? 'policy' : list(event.data.approvers)} (rule ${safe(event.data.rule)})`;
    case 'ActionDenied':
      return `${action} denied by ${safe(event.data.deniedBy ?? 'policy')}: ${safe(event.data.reason)}`;
    case 'ActionExpired':
      return `${action} expired at ${safe(event.data.deadline)}`;
    case 'ActionCancelled':
      return `${action} cancelled by ${safe(event.data.cancelledBy)}`;
    default:
      return undefined;
  }
}
