import type { NotificationPurpose } from '@countersign/contracts';

/**
 * The notifier's port to the outside: one adapter per kind of channel (Slack, Teams, webhooks).
 * Adapters turn an ApprovalMessage into the platform's message and back; they decide nothing.
 * Every adapter passes the contract suite in `channel.contract.ts`.
 */

/**
 * What a message leaves out. Every approval covers the action, the resource and every parameter
 * value as proposed (bound by `paramsHash`), so a message that cannot show them all says so.
 */
export interface MessageDisplay {
  /** Action, resource and every parameter value are shown in full: only then do chat messages offer Approve. */
  complete: boolean;
  /** Parameter values in all (a redacted one counts once), shown, and shown but cut short. */
  params: { values: number; shown: number; cut: number };
  /** Other fields shown in part, ending in "…": `action`, `resource`, `justification`, `requester`, `reason`, … */
  cutFields: string[];
  /** The notice shown before the buttons when anything is shown in part, with where to read it all. */
  notice?: string;
}

/** Everything an approver (or a webhook consumer) is shown about an action, as plain data. */
export interface ApprovalMessage {
  actionId: string;
  purpose: NotificationPurpose;
  action: string;
  resource: string;
  /** Parameters as shown: secrets redacted, long values cut, and past the budget left out (see `display`). */
  params: Record<string, unknown>;
  /** SHA-256 of the parameters as proposed: an approval is bound to it, and chat buttons carry it. */
  paramsHash: string;
  display: MessageDisplay;
  requester: { id: string; kind: 'agent' | 'human'; onBehalfOf?: string };
  justification?: string;
  policy: { rule: string; policyVersion: string; reason: string; explanation?: string };
  /** Present while approval is asked for. */
  approval?: {
    quorum: number;
    distinctGroups: boolean;
    groups: string[];
    eligible: string[];
    deadline: string;
    approvals: number;
    breakGlass?: boolean;
    escalatedTo?: string[];
  };
  /** Present once decided: the message is then updated to show it. */
  decision?: {
    status: 'approved' | 'denied' | 'expired' | 'cancelled';
    at: string;
    by: string[];
    reason: string;
    breakGlass?: boolean;
    automatic: boolean;
  };
  /** Absolute URLs when the public base URL is configured; `console`: the action in the web console. */
  links?: { action?: string; console?: string };
  /** The rule requires a passkey step-up for approvals (docs/step-up.md): chat offers no Approve that votes, only a link to the console. */
  stepUp?: 'webauthn';
}

/** The outcome as every channel words it, in titles and headers. */
export const OUTCOME_WORDS: Record<NonNullable<ApprovalMessage['decision']>['status'], string> = {
  approved: 'Approved',
  denied: 'Denied',
  expired: 'Expired',
  cancelled: 'Cancelled',
};

/** 429 and 5xx may pass with time; any other failed answer (a 4xx) will not heal by itself. */
export const isRetryableStatus = (status: number): boolean => status === 429 || status >= 500;

/**
 * A delivery that did not happen, and whether trying again could help. The message is recorded on
 * the action (NotificationFailed), which requesters and approvers read: it names no URL, address
 * or secret. `detail`, when given, is what the operator log says instead (escaped there).
 */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly detail?: string,
  ) {
    super(message);
  }
}

export interface NotificationChannel {
  /** The prefix of the channels this adapter serves: `slack` serves `slack:#data-approvals`. */
  readonly kind: string;
  /**
   * Sends a new message to `address` (the part after `kind:`). Returns where it lives (e.g. Slack
   * `{ channel, ts }`), which `update` receives later. Throws DeliveryError when it fails.
   */
  send(address: string, message: ApprovalMessage): Promise<Record<string, string> | undefined>;
  /** Changes a message sent earlier to show the outcome. Absent for channels that cannot (webhooks). */
  update?(ref: Record<string, string>, message: ApprovalMessage): Promise<void>;
}

/** Nest token: the list of configured channel adapters. */
export const NOTIFICATION_CHANNELS = Symbol('NOTIFICATION_CHANNELS');
