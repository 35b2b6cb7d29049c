/**
 * The embedded default verifies the log it loads before it serves (issue 13, ADR 0007): the same
 * verifier as `countersign audit verify`, over the file log just opened, against the checkpoint
 * keys of the data directory. A finding of an error refuses the start with one line and changes
 * nothing: it runs before any service exists, so nothing is appended and nothing is signed. The
 * uncovered tail (events after the last checkpoint) is a warning and does not stop it.
 *
 * Its cost is one pass over the log at start, hashing every event, plus a Merkle root over every
 * stream's head per checkpoint (docs/audit-verify.md); the in-memory read models replay the same
 * log right after. The line printed says how long it took, so the cost stays visible.
 */
import { TOPICS, EvidenceVerifier, type CheckpointKeys, type Finding, type LogVerdict } from '@countersign/contracts';
import type { EnvConfig } from '@countersign/config';
import type { EventLog } from '@countersign/eventlog';
import type { CheckpointKeySet } from '@countersign/runtime';
import { escapeForLog } from '@countersign/telemetry';

/**
 * On the embedded file log: verifies it, prints what is covered, or refuses the start (exit 1) with
 * one line after closing the log. Nothing to do on Kafka: the log is shared and verified elsewhere.
 */
export async function verifyBeforeServing(name: string, config: EnvConfig, embedded: boolean, adapters: { eventLog: EventLog; close(): Promise<void> }, keySet: CheckpointKeySet | undefined): Promise<void> {
  if (!embedded || config.kafkaBrokers || !keySet) return;
  const refuse = async (line: string) => {
    await adapters.close().catch(() => undefined);
    process.stderr.write(`${name}: ${line}\n`);
    process.exit(1);
  };
  let result: StartupVerification;
  try {
    result = await verifyLoadedLog(adapters.eventLog, keySet);
  } catch (error) {
    return refuse(escapeForLog(`refusing to start: cannot verify the log in ${config.dataDir}: ${(error as Error).message}`));
  }
  if (result.verdict.verdict === 'failed') return refuse(refusalLine(config.dataDir, result.verdict));
  process.stdout.write(`${name}: ${verifiedLine(result.verdict, result.ms)}\n`);
}

export interface StartupVerification {
  verdict: LogVerdict;
  ms: number;
}

export async function verifyLoadedLog(log: EventLog, keySet: CheckpointKeySet, now: () => number = () => performance.now()): Promise<StartupVerification> {
  const started = now();
  const keys: CheckpointKeys = new Map(keySet.keys.map((k) => [k.kid, { publicKey: k.publicKey, notBefore: k.notBefore, ...(k.notAfter ? { notAfter: k.notAfter } : {}) }]));
  // Checkpoints are few (one per interval with changes) and must come first: collected.
  const checkpoints: unknown[] = [];
  await log.readAll(TOPICS.checkpoints, (records) => {
    for (const r of records) checkpoints.push(r.value ?? r.raw);
  });
  // Against the last checkpoint (issue 13): its root alone is recomputed, so the start grows with
  // the log and the streams, not with checkpoints × streams; `audit verify` checks every root.
  const verifier = await EvidenceVerifier.start({ checkpoints: checkpoints as never[], keys, scope: 'complete', roots: 'last' });
  await log.readAll(TOPICS.events, (records) => {
    for (const r of records) verifier.event(r.value ?? r.raw);
  });
  return { verdict: verifier.finish(), ms: Math.round(now() - started) };
}

/** The one line of a refusal: every finding (up to a few), named; escaped, stream ids are user data. */
export function refusalLine(dir: string, v: LogVerdict): string {
  const errors = v.findings.filter((f) => f.severity === 'error');
  const shown = errors.slice(0, 5).map(findingText);
  const more = errors.length - shown.length + (v.omitted ?? 0);
  return escapeForLog(`refusing to start: the log in ${dir} fails verification (nothing was changed): ${shown.join('; ')}` +
    `${more > 0 ? `; and ${more} more` : ''}. Run \`countersign audit verify ${dir}\` for every finding; see docs/audit.md`, 4000);
}

/** The line a start that verified prints: what is covered, and how long the pass took. */
export function verifiedLine(v: LogVerdict, ms: number): string {
  const events = (n: number) => `${n} event${n === 1 ? '' : 's'}`;
  if (!v.checkpoint) return `log checked in ${ms} ms: no signed checkpoint yet; ${events(v.tail.events)} chain-checked only`;
  return `log verified in ${ms} ms: ${events(v.covered.events)} in ${v.covered.streams} streams under checkpoint ${v.checkpoint.number} (${v.checkpoint.at}, ${v.kid}); ${events(v.tail.events)} after it chain-checked only`;
}

function findingText(f: Finding): string {
  const where = [f.streamId === undefined ? '' : ` stream "${f.streamId}"`, f.seq === undefined ? '' : ` seq ${f.seq}`, f.checkpoint === undefined ? '' : ` checkpoint ${f.checkpoint}`].join('');
  return `${f.code}${where}`;
}
