/**
 * A signed proposal for Countersign's proposals topic, made with nothing but `jose`,
 * `canonicalize` and `uuid`: copy this file into a pipeline. The record format is documented in
 * docs/kafka-producers.md and docs/events.md; ADR 0002 says why it is signed this way.
 */
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { FlattenedSign, type CryptoKey } from 'jose';
import { v5 as uuidv5, v7 as uuidv7 } from 'uuid';

/** The namespace Countersign derives action ids from idempotency keys in (the same as POST /v1/actions). */
export const IDEMPOTENCY_NAMESPACE = '6f1c7d2e-9a43-4c55-8b1e-3c0f2b7d9e10';

export interface ProposalInput {
  /** The principal the record is signed by and proposes for (its id in the principals file). */
  principal: string;
  kind: 'agent' | 'human';
  action: string;
  resource: string;
  params?: Record<string, unknown>;
  justification?: string;
  context?: Record<string, unknown>;
  /** A retry with the same key converges on the same action; without one, every record is a new action. */
  idempotencyKey?: string;
  /** Called with the decision (https; checked by the notifier before any call). */
  callbackUrl?: string;
}

export type ProposeAction = ReturnType<typeof proposeAction>;

const canonical = (value: unknown): string => canonicalize(value)!;
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** The action id Countersign expects: uuidv5(principal + "\n" + key) with a key, else any UUIDv7. */
export function actionIdFor(principal: string, idempotencyKey?: string): string {
  return idempotencyKey === undefined ? uuidv7() : uuidv5(`${principal}\n${idempotencyKey}`, IDEMPOTENCY_NAMESPACE);
}

/** The ProposeAction command, issued now. A retry makes a new one (new id, new issuedAt) with the same key. */
export function proposeAction(input: ProposalInput, now = new Date()) {
  const params = input.params ?? {};
  const body = {
    action: input.action, resource: input.resource, params,
    ...(input.justification !== undefined ? { justification: input.justification } : {}),
    ...(input.context !== undefined ? { context: input.context } : {}),
    ...(input.callbackUrl !== undefined ? { callbackUrl: input.callbackUrl } : {}),
  };
  const actionId = actionIdFor(input.principal, input.idempotencyKey);
  return {
    id: uuidv7(),
    type: 'ProposeAction' as const,
    actionId,
    issuedAt: now.toISOString(),
    actor: { id: input.principal, kind: input.kind },
    correlationId: actionId,
    data: {
      ...body,
      paramsHash: sha256(canonical(params)),
      // What an idempotent retry is compared by, as the gateway hashes the request body.
      requestHash: sha256(canonical(body)),
      // Countersign fills in the owner and linked identities from the principals file.
      requester: { id: input.principal, kind: input.kind, identities: [] as string[] },
      ...(input.idempotencyKey !== undefined ? { idempotencyKey: input.idempotencyKey } : {}),
    },
  };
}

/** The record value: a flattened JWS over the command's RFC 8785 canonical JSON, Ed25519. */
export async function signProposal(command: ProposeAction, signer: { principal: string; keyId: string; privateKey: CryptoKey }) {
  const payload = new TextEncoder().encode(canonical(command));
  const jws = await new FlattenedSign(payload)
    .setProtectedHeader({ alg: 'EdDSA', kid: `${signer.principal}/${signer.keyId}`, typ: 'countersign-proposal+jws' })
    .sign(signer.privateKey);
  return { protected: jws.protected!, payload: jws.payload, signature: jws.signature };
}

/** For logs: which command a record carries, without the key material. */
export const describeCommand = (command: ProposeAction) => `${command.data.action} on ${command.data.resource} (action ${command.actionId}, command ${command.id})`;
