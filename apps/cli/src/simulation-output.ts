// How a simulation report is printed: text for people, or one JSON document (`--json`).
import type { SimulatedChange, SimulationReport, Transition } from '@countersign/policy';

export interface OutputOptions {
  /** The candidate policy directory, as given on the command line. */
  source: string;
  /** List at most this many changed actions (totals and transitions always cover all of them). */
  limit?: number;
}

/** The report as one JSON document; `changes` cut to the limit, `omittedChanges` says how many were left out. */
export function formatSimulationJson(report: SimulationReport, options: OutputOptions): string {
  const listed = report.changes.slice(0, options.limit ?? report.changes.length);
  const { candidateVersion, ...rest } = report;
  const document = { candidate: { source: options.source, version: candidateVersion }, ...rest, changes: listed, omittedChanges: report.changes.length - listed.length };
  return `${JSON.stringify(document, null, 2)}\n`;
}

export function formatSimulationText(report: SimulationReport, options: OutputOptions): string {
  const t = report.totals;
  const out = [
    `replayed ${t.replayed} action${t.replayed === 1 ? '' : 's'} against candidate ${options.source} (version ${report.candidateVersion.slice(0, 12)})`,
    `  ${t.unchanged} unchanged${t.ruleOnly > 0 ? ` (${t.ruleOnly} decided by another rule)` : ''}, ${t.changed} changed` +
      (t.changed > 0 ? `: ${t.loosens} LOOSEN, ${t.tightens} tighten, ${t.changed - t.loosens - t.tightens} differ` : ''),
  ];
  if (report.transitions.length > 0) {
    out.push('', 'outcomes (then → candidate):', ...transitionLines(report));
  }
  if (report.changes.length > 0) {
    const listed = report.changes.slice(0, options.limit ?? report.changes.length);
    out.push('', `changed actions (${report.changes.length}):`, ...listed.flatMap(changeLines));
    const omitted = report.changes.length - listed.length;
    if (omitted > 0) out.push(`  … and ${omitted} more (raise --limit, or use --json)`);
  }
  if (t.notEvaluated > 0 || report.unknownRequesters.length > 0) out.push('');
  if (t.notEvaluated > 0) out.push(`not replayed: ${t.notEvaluated} proposal${t.notEvaluated === 1 ? '' : 's'} with no recorded policy evaluation`);
  if (report.unknownRequesters.length > 0) {
    out.push(`requesters not in the principals directory (replayed with no groups): ${report.unknownRequesters.join(', ')}`);
  }
  return out.map((line) => `${line}\n`).join('');
}

function transitionLines(report: SimulationReport): string[] {
  const width = Math.max(...report.transitions.map((x) => x.from.length));
  const label = (x: Transition) => `${x.from.padEnd(width)} → ${x.to}`;
  const labelWidth = Math.max(...report.transitions.map((x) => label(x).length));
  const approvalChanges = report.changes.filter((c) => c.kind === 'approval').length;
  return report.transitions.map((x) => {
    const notes = [
      ...(x.direction === 'loosens' ? ['LOOSENS'] : []),
      ...(x.from === 'require_approval' && x.to === 'require_approval' && approvalChanges > 0 ? [`(${approvalChanges} with another approval requirement)`] : []),
    ];
    return `  ${label(x).padEnd(labelWidth)}  ${String(x.count).padStart(6)}${notes.length > 0 ? `  ${notes.join(' ')}` : ''}`;
  });
}

function changeLines(c: SimulatedChange): string[] {
  const tag = c.direction === 'loosens' ? 'LOOSENS ' : c.direction === 'tightens' ? 'tightens' : 'differs ';
  const lines = [
    `  ${tag} ${c.actionId}  ${c.action} ${c.resource}  by ${c.requester}  at ${c.proposedAt}`,
    `           then ${c.then.outcome} (rule ${c.then.rule}, version ${c.then.policyVersion.slice(0, 12)}) → now ${c.candidate.outcome} (rule ${c.candidate.rule})`,
  ];
  if (c.requirementChanges) lines.push(`           approval: ${c.requirementChanges.join('; ')}`);
  lines.push(`           ${c.summary}`);
  return lines;
}
