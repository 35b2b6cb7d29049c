// The decision a Claude Code hook prints on stdout (exit status 0), in the shape of its event
// (https://code.claude.com/docs/en/hooks):
//   PreToolUse:        { hookSpecificOutput: { hookEventName, permissionDecision: allow|deny, permissionDecisionReason } }
//   PermissionRequest: { hookSpecificOutput: { hookEventName, decision: { behavior: allow|deny, message? } } }
import type { Action } from '@countersign/sdk';
import type { HookEvent } from './hook-input.ts';

export interface Verdict {
  allow: boolean;
  reason: string;
}

export function hookOutput(event: HookEvent, verdict: Verdict): Record<string, unknown> {
  if (event === 'PermissionRequest') {
    const decision = verdict.allow ? { behavior: 'allow' } : { behavior: 'deny', message: verdict.reason };
    return { hookSpecificOutput: { hookEventName: event, decision } };
  }
  return { hookSpecificOutput: { hookEventName: event, permissionDecision: verdict.allow ? 'allow' : 'deny', permissionDecisionReason: verdict.reason } };
}

/** What Claude (and the person watching) reads about a decided or still pending action. */
export function verdictOf(a: Action): Verdict {
  const what = `${a.action ?? 'the action'} on ${a.resource ?? 'its resource'} (Countersign action ${a.id})`;
  const d = a.decision;
  const rule = d?.rule ?? a.policy?.rule;
  const reason = d?.reason ?? a.policy?.reason;
  const by = d && !d.automatic && d.by.length > 0 ? ` by ${d.by.join(', ')}` : '';
  const why = `${rule ? ` (rule ${rule})` : ''}${reason ? `: ${reason}` : ''}`;
  switch (a.status) {
    case 'approved':
      return { allow: true, reason: `Countersign approved ${what}${by}${why}` };
    case 'denied':
      return { allow: false, reason: `Countersign denied ${what}${by}${why}` };
    case 'expired':
      return { allow: false, reason: `Countersign: nobody approved ${what} before its deadline${why}; do not retry unless it is still needed` };
    case 'cancelled':
      return { allow: false, reason: `Countersign: ${what} was cancelled${by}${reason ? `: ${reason}` : ''}` };
    default: {
      const ap = a.approval;
      const who = ap ? `${ap.quorum} of ${ap.eligible.join(', ') || 'the approvers'} (groups ${ap.groups.join(', ')}) until ${ap.deadline}` : 'its approvers';
      return {
        allow: false,
        reason: `Countersign: ${what} is waiting for approval by ${who}. Not run yet. Once it is approved, retry the same tool call with the same input: the retry picks up the decision.`,
      };
    }
  }
}
