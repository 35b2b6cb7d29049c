import type { CastVoteData } from '@countersign/contracts';
import type { Pending } from './state.ts';

/**
 * Why an approval under a step-up rule does not count, or undefined when it may (docs/step-up.md).
 * The gateway verifies the WebAuthn ceremony (signature, origin, user verification, the challenge's
 * binding to this action, its parameters, the voter and an expiry); the router, which alone
 * decides, holds every approval under such a rule to carrying that verified record, for exactly
 * the parameters proposed, and never counts one challenge twice. Denials need no step-up: a
 * denial only ever stops an action.
 */
export function stepUpProblem(vote: CastVoteData, state: Pending): string | undefined {
  const required = state.request.stepUp;
  if (!required || vote.decision !== 'approve') return undefined;
  const { rule } = state.request;
  const stepUp = vote.stepUp;
  if (!stepUp) {
    return `Rule ${rule} requires a step-up for every approval: approve in the console with a registered passkey (a fresh ${required} assertion for this action).`;
  }
  if (stepUp.method !== required) return `Rule ${rule} requires a ${required} step-up, not ${stepUp.method}.`;
  if (!stepUp.userVerified) return `Rule ${rule} requires a step-up that verified the user (PIN or biometrics); this passkey assertion did not.`;
  // The assertion was bound to a params hash: the vote must name it, and it must be the proposal's
  // (a vote naming another is refused as params_mismatch before this check).
  if (vote.paramsHash !== state.proposal.paramsHash) {
    return `A step-up approval must name the params hash its assertion was bound to (${state.proposal.paramsHash}).`;
  }
  if (state.votes.some((v) => v.stepUp?.challenge === stepUp.challenge)) {
    return 'This step-up challenge was already used for a vote on this action: each assertion counts once. Ask for a new one.';
  }
  return undefined;
}
