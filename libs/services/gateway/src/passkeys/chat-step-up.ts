import type { ActionView } from '@countersign/audit';

/** Where an approver approves a step-up action: its page in the console (shared contract: `<public url>/console/actions/<id>`). */
export const consoleActionUrl = (origin: string, actionId: string) => `${origin}/console/actions/${encodeURIComponent(actionId)}`;

/**
 * What a chat Approve click gets under a step-up rule (docs/step-up.md): chat cannot ask for a
 * passkey, so the click never votes. Messages for such rules have no Approve button that votes;
 * this answers an old message or a crafted payload. Undefined when the action needs no step-up.
 */
export function chatStepUpRefusal(view: ActionView, origin: string): string | undefined {
  if (!view.policy?.stepUp) return undefined;
  return `Not counted: rule ${view.policy.rule} requires a passkey step-up for every approval, which chat cannot ask for. ` +
    `Approve in the Countersign console: ${consoleActionUrl(origin, view._id)}`;
}
