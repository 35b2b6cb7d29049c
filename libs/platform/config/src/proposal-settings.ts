import { resolve } from 'node:path';
import { parseIntIn } from './gateway-limits.ts';

/**
 * How proposals on the proposals topic are signed and checked (docs/kafka-producers.md, ADR 0002).
 * Read once at start; the key files are read and imported by the shell (libs/shell/src/proposal-keys.ts).
 */
export interface ProposalSettings {
  /** PKCS#8 PEM file of the gateway's Ed25519 private key (COUNTERSIGN_GATEWAY_SIGNING_KEY). */
  gatewaySigningKeyPath?: string;
  /**
   * SPKI PEM files of the gateway public keys evaluators accept (COUNTERSIGN_GATEWAY_VERIFY_KEY,
   * comma-separated: the new key and the old one during a rotation).
   */
  gatewayVerifyKeyPaths?: string[];
  /** A record issued longer ago than this is stale (COUNTERSIGN_PROPOSAL_MAX_AGE_MS). */
  maxAgeMs: number;
  /** A record issued further in the future than this is refused (COUNTERSIGN_PROPOSAL_MAX_FUTURE_MS): clocks drift, not by minutes. */
  maxFutureMs: number;
  /**
   * Command ids an evaluator remembers to refuse replays, at most (COUNTERSIGN_PROPOSAL_REPLAY_CAPACITY).
   * Each is kept only while its record is fresh; when all are taken, proposals wait until one is free.
   */
  replayCapacity: number;
}

export const DEFAULT_PROPOSAL_SETTINGS: ProposalSettings = { maxAgeMs: 5 * 60_000, maxFutureMs: 30_000, replayCapacity: 1_000_000 };

type Read = <T>(name: string, fallback: T, parse: (raw: string) => T | undefined, expected: string) => T;

const path = (raw: string) => (raw.trim() === raw && !raw.includes(',') ? resolve(raw) : undefined);

export function readProposalSettings(read: Read): ProposalSettings {
  const d = DEFAULT_PROPOSAL_SETTINGS;
  const int = (name: string, fallback: number, min: number, max: number) =>
    read(name, fallback, (raw) => parseIntIn(raw, min, max), `an integer from ${min} to ${max}`);
  const signing = read('COUNTERSIGN_GATEWAY_SIGNING_KEY', undefined as string | undefined, path, 'the path of a PKCS#8 PEM file (an Ed25519 private key)');
  const verify = read('COUNTERSIGN_GATEWAY_VERIFY_KEY', undefined as string[] | undefined, (raw) => {
    const paths = raw.split(',').map(path);
    return paths.every((p) => p !== undefined) ? (paths as string[]) : undefined;
  }, 'comma-separated paths of SPKI PEM files (Ed25519 public keys)');
  return {
    ...(signing ? { gatewaySigningKeyPath: signing } : {}),
    ...(verify ? { gatewayVerifyKeyPaths: verify } : {}),
    maxAgeMs: int('COUNTERSIGN_PROPOSAL_MAX_AGE_MS', d.maxAgeMs, 1000, 86_400_000),
    maxFutureMs: int('COUNTERSIGN_PROPOSAL_MAX_FUTURE_MS', d.maxFutureMs, 0, 3_600_000),
    replayCapacity: int('COUNTERSIGN_PROPOSAL_REPLAY_CAPACITY', d.replayCapacity, 1000, 100_000_000),
  };
}
