import { v5 as uuidv5 } from 'uuid';

/**
 * Idempotency keys map to action ids deterministically, per requester, so a retry converges on
 * the same action: the gateway (Idempotency-Key header) and pipelines writing the proposals topic
 * (`idempotencyKey` in the signed proposal) derive them the same way.
 */
const IDEMPOTENCY_NAMESPACE = '6f1c7d2e-9a43-4c55-8b1e-3c0f2b7d9e10';

/** The action id of `principal`'s proposal with idempotency key `key`: a UUIDv5. */
export function idempotentActionId(principal: string, key: string): string {
  return uuidv5(`${principal}\n${key}`, IDEMPOTENCY_NAMESPACE);
}

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/**
 * Why `actionId` cannot be the id of `requester`'s proposal, or undefined. With an idempotency key
 * it must be the derived UUIDv5; without one, a UUIDv7 (random, time-ordered). A v7 never equals a
 * v5, so nobody can take the action id another principal's idempotency key leads to.
 */
export function actionIdProblem(actionId: string, requester: string, idempotencyKey: string | undefined): string | undefined {
  if (idempotencyKey !== undefined) {
    const expected = idempotentActionId(requester, idempotencyKey);
    return actionId === expected ? undefined : `actionId must be ${expected}, the id ${requester}'s idempotency key leads to (uuidv5, see docs/kafka-producers.md)`;
  }
  return UUID_V7.test(actionId) ? undefined : 'actionId must be a lowercase UUIDv7 when the proposal has no idempotencyKey';
}
