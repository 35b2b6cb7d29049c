/** One line per event of an action's timeline, from its type and data. Pure. */
export interface EventLike {
  type: string;
  seq: number;
  occurredAt: string;
  actor: { id: string; kind: string };
  data: Record<string, unknown>;
}

const str = (v: unknown) => (typeof v === 'string' ? v : v === undefined ? '' : JSON.stringify(v));
const list = (v: unknown) => (Array.isArray(v) ? v.map(str).join(', ') : str(v));

export function eventLine(e: EventLike): string {
  const d = e.data ?? {};
  switch (e.type) {
    case 'ActionProposed': return `${e.actor.id} proposed it`;
    case 'PolicyEvaluated': return `policy: ${str(d.outcome)}${d.rule ? ` under rule ${str(d.rule)}` : ''}`;
    case 'ApprovalRequested': return `approval requested: ${list(d.eligible)} may vote (quorum ${str(d.quorum)})`;
    case 'ApprovalEscalated': return `escalated: ${list(d.added)} may now vote`;
    case 'VoteRecorded': return `${str(d.voter)} voted ${str(d.decision)}${d.onBehalfOf ? ` on behalf of ${str(d.onBehalfOf)}` : ''}${d.breakGlass ? ' (break-glass)' : ''}${d.stepUp ? ' with a passkey' : ''}${d.comment ? `: ${str(d.comment)}` : ''}`;
    case 'CommandRejected': return `refused ${str(d.command ?? d.commandType)} by ${str(d.by ?? e.actor.id)}: ${str(d.code)} ${str(d.reason)}`.trim();
    case 'ActionApproved': case 'ActionDenied': case 'ActionExpired': case 'ActionCancelled':
      return `${e.type.slice('Action'.length).toLowerCase()}${d.reason ? `: ${str(d.reason)}` : ''}`;
    case 'ReviewRequested': return `review requested from ${list(d.reviewers)} by ${str(d.due)}`;
    case 'ReviewRecorded': return `${str(d.reviewer)} reviewed it: ${str(d.verdict)}${d.comment ? ` — ${str(d.comment)}` : ''}`;
    case 'NotificationDelivered': return `${str(d.purpose)} delivered to ${str(d.channel)}${d.updated ? ' (updated)' : ''}`;
    case 'NotificationFailed': return `${str(d.purpose)} to ${str(d.channel)} failed (attempt ${str(d.attempt)}): ${str(d.reason)}`;
    case 'ExecutionStarted': return `grant redeemed by ${str(d.executor)}: execution started`;
    case 'ActionExecuted': return `execution ${str(d.status ?? d.outcome)}${d.error ? `: ${str(d.error)}` : ''}`;
    case 'PolicyPublished': return `policy ${str(d.version).slice(0, 12)} published`;
    default: return e.type;
  }
}
