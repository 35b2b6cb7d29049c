import { instruments } from './instruments.ts';

/** The kinds IntegrityMismatchDetected names; anything else is counted as `other`, so labels stay bounded. */
const KINDS = new Set(['checkpoint-signature', 'checkpoint-chain', 'checkpoint-data', 'head-mismatch', 'head-missing', 'event-edited', 'chain-broken']);

/** Counts one integrity mismatch the audit projector found (and raised on the security topic). */
export function recordIntegrityMismatch(kind: string): void {
  instruments().integrityMismatches.add(1, { kind: KINDS.has(kind) ? kind : 'other' });
}
