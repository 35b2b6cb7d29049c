import { GATEWAY_PRINCIPAL } from '@countersign/contracts';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type CryptoKey } from 'jose';

/** Injection token of the ProposalKeys a process was started with. */
export const PROPOSAL_KEYS = Symbol('PROPOSAL_KEYS');

export interface ProposalFreshness {
  /** A record issued longer ago than this is stale. */
  maxAgeMs: number;
  /** A record issued further in the future than this is refused. */
  maxFutureMs: number;
}

/**
 * The keys of signed proposals (ADR 0002), imported once at start: the gateway signs what it
 * writes to the proposals topic with `signer`; evaluators accept the gateway's service principal
 * under the keys of `gatewayKeys` (other principals' keys are in the principals file).
 */
export interface ProposalKeys {
  signer?: { kid: string; privateKey: CryptoKey };
  /** Gateway public keys by kid (`countersign-gateway/<thumbprint>`). */
  gatewayKeys: ReadonlyMap<string, CryptoKey>;
  freshness: ProposalFreshness;
  /** Command ids an evaluator remembers to refuse replays, at most. */
  replayCapacity: number;
}

export const DEFAULT_FRESHNESS: ProposalFreshness = { maxAgeMs: 5 * 60_000, maxFutureMs: 30_000 };

/** A process that neither signs nor accepts gateway proposals (no gateway, no evaluator). */
export const NO_PROPOSAL_KEYS: ProposalKeys = { gatewayKeys: new Map(), freshness: DEFAULT_FRESHNESS, replayCapacity: 1_000_000 };

/**
 * The kid of a gateway public key: the service principal and the first 16 characters of the key's
 * RFC 7638 thumbprint, so gateways and evaluators agree on it without configuring an id, and a
 * rotation (two verify keys) tells the keys apart.
 */
export async function gatewayKid(publicKey: CryptoKey): Promise<string> {
  const thumbprint = await calculateJwkThumbprint(await exportJWK(publicKey));
  return `${GATEWAY_PRINCIPAL}/${thumbprint.slice(0, 16).toLowerCase().replace(/[^a-z0-9]/g, '0')}`;
}

/**
 * A key pair made at start and given to the gateway and the evaluator of one process (the
 * embedded shape with no keys configured): nothing to set up, and nothing outside the process
 * can sign as the gateway. Records signed by a previous run's key are refused after a restart,
 * which only matters for proposals written and not yet evaluated when the process stopped.
 */
export async function ephemeralProposalKeys(options: Partial<Pick<ProposalKeys, 'freshness' | 'replayCapacity'>> = {}): Promise<ProposalKeys> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const kid = await gatewayKid(publicKey);
  return {
    signer: { kid, privateKey },
    gatewayKeys: new Map([[kid, publicKey]]),
    freshness: options.freshness ?? DEFAULT_FRESHNESS,
    replayCapacity: options.replayCapacity ?? NO_PROPOSAL_KEYS.replayCapacity,
  };
}
