// Progress notifications while a call waits for approval: clients that asked for progress (sent a
// progressToken) and reset their timeout on it keep the call open.
import type { Action } from '@countersign/sdk';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';

export interface ProgressReporter {
  update: (action: Action) => void;
  stop: () => void;
}

export function waitingMessage(action: Action): string {
  const a = action.approval;
  if (!a) return `action ${action.id} is ${action.status}: waiting for a decision`;
  return `action ${action.id} waits for approval from ${a.groups.join(', ')} (${a.approvals}/${a.quorum}) until ${a.deadline}`;
}

export function progressReporter(extra: RequestHandlerExtra<ServerRequest, ServerNotification>, intervalMs: number): ProgressReporter {
  const token = extra._meta?.progressToken;
  if (token === undefined) return { update: () => {}, stop: () => {} };
  let progress = 0;
  let text = 'waiting for approval';
  const send = () => {
    progress += 1;
    // A client that went away cannot be told; the wait's own signal ends the call.
    extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress, message: text } }).catch(() => {});
  };
  const timer = setInterval(send, intervalMs);
  timer.unref();
  return {
    update: (action) => {
      text = waitingMessage(action);
      send();
    },
    stop: () => clearInterval(timer),
  };
}
