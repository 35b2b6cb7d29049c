// What `countersign audit verify` prints: pure, from the verdict. Stream ids are user data, so
// every line goes through escapeForLog (control, line and bidi characters escaped).
import type { Finding, LogVerdict } from '@countersign/contracts';
import { escapeForLog } from '@countersign/telemetry';

/** 0: verified; 1: any error finding (or a bundle file that does not match its manifest); 2: usage or IO. */
export const VERIFY_EXIT = { verified: 0, failed: 1, usage: 2 } as const;

/** What the reader found wrong with a bundle itself (its files against the manifest), beside the log's findings. */
export interface VerifyReport {
  verdict: LogVerdict;
  /** One line each: a bundle file whose hash or size is not the manifest's, missing or not listed. */
  bundleProblems?: string[];
  /** Where the log was read from, for the first line. */
  source: string;
}

export function failed(report: VerifyReport): boolean {
  return report.verdict.verdict === 'failed' || (report.bundleProblems?.length ?? 0) > 0;
}

export function verifyText(report: VerifyReport): string {
  const v = report.verdict;
  const lines: string[] = [];
  const errors = v.findings.filter((f) => f.severity === 'error');
  if (failed(report)) {
    const count = errors.length + (v.omitted ?? 0) + (report.bundleProblems?.length ?? 0);
    lines.push(`FAILED: ${report.source}: ${count} finding${count === 1 ? '' : 's'}`);
    for (const p of report.bundleProblems ?? []) lines.push(`FAILED: bundle: ${p}`);
    for (const f of errors) lines.push(`FAILED: ${findingLine(f)}`);
    if (v.omitted) lines.push(`FAILED: ${v.omitted} more findings not shown (see --json for the first ${v.findings.length})`);
  } else if (v.checkpoint) {
    const c = v.checkpoint;
    const after = v.tail.events === 0
      ? 'every event is covered'
      : `${v.tail.events} event${v.tail.events === 1 ? '' : 's'} after it not covered${v.tail.streams > 0 ? ` (${v.tail.streams} stream${v.tail.streams === 1 ? '' : 's'} no checkpoint covers yet)` : ''}`;
    lines.push(`verified: ${v.covered.events} events in ${v.covered.streams} streams under checkpoint ${c.number} (signed ${c.at} by ${v.kid}); ${after}`);
  } else {
    lines.push(`not verified: no signed checkpoint in ${report.source}; ${v.tail.events} events in ${v.tail.streams} streams are chain-checked only`);
  }
  for (const f of v.findings) if (f.severity === 'warning' && f.code !== 'uncovered-tail') lines.push(`warning: ${findingLine(f)}`);
  return lines.map((l) => `${escapeForLog(l, 4000)}\n`).join('');
}

function findingLine(f: Finding): string {
  const where = [
    f.streamId === undefined ? undefined : `stream "${f.streamId}"`,
    f.seq === undefined ? undefined : `seq ${f.seq}`,
    f.checkpoint === undefined ? undefined : `checkpoint ${f.checkpoint}`,
  ].filter((w) => w !== undefined);
  return `${f.code}${where.length > 0 ? ` ${where.join(' ')}` : ''}: ${f.detail}`;
}

/** The verdict for machines: the LogVerdict, with the bundle's own problems when there are any. */
export function verifyJson(report: VerifyReport): string {
  const v = failed(report) ? { ...report.verdict, verdict: 'failed' as const } : report.verdict;
  return `${JSON.stringify({ ...v, ...(report.bundleProblems?.length ? { bundleProblems: report.bundleProblems } : {}) }, null, 2)}\n`;
}
