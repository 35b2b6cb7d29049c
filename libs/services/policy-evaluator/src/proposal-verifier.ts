import { Inject, Injectable } from '@nestjs/common';
import {
  actionIdProblem, checkResource, contentHash, describeErrors, GATEWAY_PRINCIPAL, jsonValueProblems, PARAMS_LIMITS, verifyProposalSignature,
  type ProposeActionCommand, type SignedProposal,
} from '@countersign/contracts';
import type { DeliveredRecord } from '@countersign/eventlog';
import type { Directory, Principal } from '@countersign/identity';
import { UnavailableError, UnprocessableMessage } from '@countersign/messaging';
import { CLOCK, DIRECTORY, PROPOSAL_KEYS, type Clock, type ProposalKeys } from '@countersign/runtime';
import { importJWK, type CryptoKey } from 'jose';
import { ReplayGuard } from './replay-guard.ts';

/**
 * Checks a proposals-topic record before anything is evaluated (ADR 0002): the signature under the
 * signer's public key (the principals file's, or the gateway's configured one), who may propose
 * for whom, freshness, ids, and replays. Answers the ProposeAction to evaluate, with the requester
 * as the directory knows it, or throws UnprocessableMessage with the reason (the transport
 * dead-letters the record; nothing is decided).
 */
@Injectable()
export class ProposalVerifier {
  private readonly replays: ReplayGuard;
  /** Imported principal keys, by kid and key: bounded by the principals file. */
  private readonly imported = new Map<string, CryptoKey>();

  constructor(
    @Inject(DIRECTORY) private readonly directory: Directory,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(PROPOSAL_KEYS) private readonly keys: ProposalKeys,
  ) {
    this.replays = new ReplayGuard(keys.replayCapacity);
  }

  async verified(signed: SignedProposal, record: DeliveredRecord | undefined): Promise<ProposeActionCommand> {
    const { principal, keyId } = signed.signer;
    const kid = `${principal}/${keyId}`;
    const signer = principal === GATEWAY_PRINCIPAL ? undefined : this.directory.get(principal);
    const key = await this.keyOf(kid, signer);
    // node:crypto in this thread, not jose's WebCrypto call through the libuv pool (0.3 to 0.4 ms
    // per proposal, traced, queued behind the log's file operations, for a ~0.1 ms check).
    if (!verifyProposalSignature(signed.jws, key)) refuse(`bad signature: the record does not verify under ${kid}`);
    const command = signed.command;
    const issuedAt = this.fresh(command.issuedAt);
    const data = signer ? { ...command.data, requester: requesterOf(command, signer, keyId) } : command.data;
    if (record && record.key !== command.actionId) refuse(`the record key ${JSON.stringify(record.key)} is not the action id ${command.actionId}`);
    const idProblem = actionIdProblem(command.actionId, data.requester.id, data.idempotencyKey);
    if (idProblem) refuse(idProblem);
    if (contentHash(data.params) !== data.paramsHash) refuse('paramsHash is not the SHA-256 of the canonical params (RFC 8785)');
    // What POST /v1/actions refuses is refused here too (the callback URL is re-checked by the notifier before any call).
    const resource = checkResource(data.resource);
    if (!resource.ok) refuse(`/payload/data/resource ${resource.problem}`);
    const bounds = [...jsonValueProblems(data.params, PARAMS_LIMITS, '/payload/data/params'), ...(data.context ? jsonValueProblems(data.context, PARAMS_LIMITS, '/payload/data/context') : [])];
    if (bounds.length > 0) refuse(describeErrors(bounds));
    this.admit(`${principal}/${command.id}`, record, issuedAt);
    return { ...command, ...(signed.traceparent ? { traceparent: signed.traceparent } : {}), data };
  }

  private async keyOf(kid: string, signer: Principal | undefined): Promise<CryptoKey> {
    const [principal, keyId] = kid.split('/');
    if (principal === GATEWAY_PRINCIPAL) return this.keys.gatewayKeys.get(kid) ?? refuse(`unknown key: ${kid} is not a gateway key this evaluator was configured with`);
    if (!signer) return refuse(`unknown principal: ${principal} is not in the principals file`);
    const entry = signer.signingKeys?.find((k) => k.id === keyId);
    if (!entry) return refuse(`unknown key: ${principal} has no signing key ${keyId} in the principals file`);
    const cacheKey = `${kid}\n${entry.publicKey}`;
    let key = this.imported.get(cacheKey);
    if (!key) {
      key = (await importJWK({ kty: 'OKP', crv: 'Ed25519', x: entry.publicKey }, 'EdDSA').catch(() => refuse(`${kid} in the principals file is not a usable Ed25519 key`))) as CryptoKey;
      this.imported.set(cacheKey, key);
    }
    return key;
  }

  /** The instant a record was issued at, if it is neither stale nor from too far in the future. */
  private fresh(issuedAt: string): number {
    const at = Date.parse(issuedAt);
    const now = this.clock.now().getTime();
    if (!Number.isFinite(at)) refuse(`issuedAt ${issuedAt} is not an instant`);
    const { maxAgeMs, maxFutureMs } = this.keys.freshness;
    if (now - at > maxAgeMs) refuse(`stale: issued at ${issuedAt}, more than ${maxAgeMs / 1000} s ago`);
    if (at - now > maxFutureMs) refuse(`issued at ${issuedAt}, more than ${maxFutureMs / 1000} s in the future`);
    return at;
  }

  private admit(command: string, record: DeliveredRecord | undefined, issuedAt: number): void {
    const at = record ? `${record.partition}/${record.offset}` : 'no record';
    const admission = this.replays.admit(command, at, issuedAt + this.keys.freshness.maxAgeMs, this.clock.now().getTime());
    if (admission === 'replay') refuse(`replayed: command ${command} was already received in another record within the freshness window`);
    // Forgetting a fresh command would let its copy through: wait (the transport retries) instead.
    if (admission === 'full') throw new UnavailableError(`the replay guard holds ${this.replays.size} fresh commands, its capacity; waiting for some to expire`);
  }
}

/**
 * The requester of a principal's own proposal, as the principals file has it: a pipeline may not
 * speak for anyone else, nor say it is another kind, has another owner (who could then approve its
 * actions) or identities it does not have.
 */
function requesterOf(command: ProposeActionCommand, signer: Principal, keyId: string): ProposeActionCommand['data']['requester'] {
  const { requester } = command.data;
  const kind = signer.kind === 'agent' ? 'agent' : 'human';
  if (requester.id !== signer.id || command.actor.id !== signer.id) {
    refuse(`requester ${requester.id} (actor ${command.actor.id}) is not the signer ${signer.id}: only the gateway proposes on behalf of others`);
  }
  if (requester.kind !== kind || command.actor.kind !== kind) refuse(`requester kind ${requester.kind} (actor ${command.actor.kind}) is not ${signer.id}'s kind, ${kind}`);
  if (requester.onBehalfOf !== undefined && requester.onBehalfOf !== signer.owner) {
    refuse(`requester.onBehalfOf ${requester.onBehalfOf} is not ${signer.id}'s owner (${signer.owner ?? 'none'})`);
  }
  const identity = `signing-key:${keyId}`;
  const foreign = requester.identities.find((i) => i !== identity && !signer.identities.includes(i));
  if (foreign !== undefined) refuse(`requester.identities holds ${foreign}, which is not linked to ${signer.id}`);
  return { id: signer.id, kind, identities: [...signer.identities, identity], ...(signer.owner ? { onBehalfOf: signer.owner } : {}) };
}

function refuse(reason: string): never {
  throw new UnprocessableMessage(`signed proposal refused: ${reason}`);
}
