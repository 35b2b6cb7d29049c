import { startAuthentication, type PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/browser';
import { post } from './http.ts';
import { ApiError } from './problem.ts';
import type { ActionView } from './types.ts';

const base = (id: string) => `/v1/actions/${encodeURIComponent(id)}`;

/** Whether approving this action asks for a passkey (the rule says `approval.stepUp: webauthn`). */
export const needsStepUp = (action: ActionView) => action.policy?.stepUp === 'webauthn';

/**
 * The WebAuthn ceremony of a step-up: options bound to this action (its id, params hash, the voter,
 * a short expiry) from the server, the browser asks the authenticator, the answer goes with the vote.
 */
async function stepUp(id: string): Promise<{ response: unknown }> {
  const { options } = await post<{ options: PublicKeyCredentialRequestOptionsJSON }>(`${base(id)}/step-up`);
  const response = await startAuthentication({ optionsJSON: options });
  return { response };
}

export interface ApproveOptions {
  comment?: string;
  breakGlass?: boolean;
  onBehalfOf?: string;
}

/**
 * Approves; runs the step-up first when the action's rule asks for it, or when the server answers
 * `step-up-required` (a view that did not show it yet).
 */
export async function approve(action: ActionView, options: ApproveOptions = {}): Promise<ActionView> {
  const body: Record<string, unknown> = {
    ...(options.comment ? { comment: options.comment } : {}),
    ...(options.breakGlass ? { breakGlass: true } : {}),
    ...(options.onBehalfOf ? { onBehalfOf: options.onBehalfOf } : {}),
  };
  if (needsStepUp(action)) return post<ActionView>(`${base(action.id)}/approve`, { ...body, stepUp: await stepUp(action.id) });
  try {
    return await post<ActionView>(`${base(action.id)}/approve`, body);
  } catch (error) {
    if (error instanceof ApiError && error.code === 'step-up-required') {
      return post<ActionView>(`${base(action.id)}/approve`, { ...body, stepUp: await stepUp(action.id) });
    }
    throw error;
  }
}

export function deny(action: ActionView, reason: string, onBehalfOf?: string): Promise<ActionView> {
  return post<ActionView>(`${base(action.id)}/deny`, { reason, ...(onBehalfOf ? { onBehalfOf } : {}) });
}

export function review(action: ActionView, verdict: 'upheld' | 'concerns', comment: string): Promise<ActionView> {
  return post<ActionView>(`${base(action.id)}/review`, { verdict, comment });
}
