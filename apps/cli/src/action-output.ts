// What the client commands print about actions: a table for `actions list`, a summary for
// `actions show`, and the lines `request` writes while it waits. Pure: the time is a parameter.
import { safe, type ActionView } from './action-view.ts';
import { formatRemaining } from './durations.ts';

const COLUMNS = ['ID', 'STATUS', 'ACTION', 'RESOURCE', 'REQUESTER', 'APPROVALS', 'CREATED'] as const;

/** `actions list`: one row per action, columns padded to the widest cell (long cells cut with …). */
export function actionTable(items: readonly ActionView[]): string {
  if (items.length === 0) return 'no actions\n';
  const rows = items.map((a) => [
    safe(a.id, 64),
    safe(a.status, 20),
    safe(a.action, 40),
    safe(a.resource, 48),
    safe(a.requester, 32),
    a.approval ? `${a.approval.approvals ?? 0}/${a.approval.quorum ?? '?'}` : '-',
    safe(a.createdAt ?? '', 30),
  ]).map((row) => row.map((cell) => clip(cell, 48)));
  const widths = COLUMNS.map((title, i) => Math.max(title.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(COLUMNS), ...rows.map(line)].map((l) => `${l}\n`).join('');
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** `actions show`: the action as labelled lines. */
export function actionSummary(a: ActionView, now: Date): string {
  const lines: Array<[string, string]> = [
    ['id', safe(a.id)],
    ['status', safe(a.status)],
    ['action', `${safe(a.action)} on ${safe(a.resource)}`],
    ['params', safe(JSON.stringify(a.params ?? {}), 2000)],
  ];
  if (a.paramsHash) lines.push(['params hash', safe(a.paramsHash)]);
  lines.push(['requester', `${safe(a.requester)}${a.onBehalfOf ? ` (on behalf of ${safe(a.onBehalfOf)})` : ''}`]);
  if (a.justification) lines.push(['justification', safe(a.justification, 2000)]);
  if (a.createdAt) lines.push(['created', safe(a.createdAt)]);
  if (a.policy) {
    const version = a.policy.policyVersion ? ` (policy ${safe(a.policy.policyVersion.slice(0, 12))})` : '';
    lines.push(['policy', `${safe(a.policy.outcome ?? '?')} by rule ${safe(a.policy.rule ?? '?')}${version}: ${safe(a.policy.explanation ?? a.policy.reason ?? '', 2000)}`]);
  }
  if (a.approval) lines.push(['approval', approvalText(a, now)]);
  for (const v of a.votes ?? []) {
    const comment = v.comment ? `: ${safe(v.comment)}` : '';
    lines.push(['vote', `${safe(v.voter)} ${safe(v.decision)}${v.breakGlass ? ' (break-glass)' : ''}${v.via ? ` via ${safe(v.via)}` : ''}${v.at ? ` at ${safe(v.at)}` : ''}${comment}`]);
  }
  if (a.decision) lines.push(['decision', outcomeText(a)]);
  if (a.execution) lines.push(['execution', executionText(a.execution)]);
  const width = Math.max(...lines.map(([label]) => label.length));
  return lines.map(([label, value]) => `${label.padEnd(width)}  ${value}\n`).join('');
}

function approvalText(a: ActionView, now: Date): string {
  const ap = a.approval!;
  const from = (ap.groups ?? []).map((g) => safe(g)).join(', ') || 'nobody';
  const eligible = (ap.eligible ?? []).map((p) => safe(p)).join(', ') || 'nobody';
  return `${ap.approvals ?? 0} of ${ap.quorum ?? '?'} from ${ap.distinctGroups ? 'distinct groups of ' : ''}${from}; eligible: ${eligible}` +
    (ap.deadline ? `; deadline ${safe(ap.deadline)}${isOpen(a.status) ? ` (${untilText(ap.deadline, now)})` : ''}` : '');
}

function executionText(e: NonNullable<ActionView['execution']>): string {
  return `${safe(e.status)}${e.executor ? ` by ${safe(e.executor)}` : ''}${e.startedAt ? `, started ${safe(e.startedAt)}` : ''}` +
    `${e.finishedAt ? `, finished ${safe(e.finishedAt)}` : ''}${e.error ? `: ${safe(e.error)}` : ''}`;
}

const isOpen = (status: string) => status === 'proposed' || status === 'pending';

function untilText(iso: string, now: Date): string {
  const ms = Date.parse(iso) - now.getTime();
  return Number.isNaN(ms) ? 'unknown' : ms > 0 ? `in ${formatRemaining(ms)}` : 'passed';
}

/** How an action ended, in one line: `approved by bob: Approved by bob: quorum of 1 reached.` */
export function outcomeText(a: ActionView): string {
  const d = a.decision;
  if (!d) return safe(a.status);
  const by = d.automatic ? `by policy (rule ${safe(d.rule ?? a.policy?.rule ?? '?')})` : `by ${(d.by ?? []).map((p) => safe(p)).join(', ') || '?'}`;
  return `${safe(d.outcome ?? a.status)} ${by}${d.at ? ` at ${safe(d.at)}` : ''}${d.reason ? `: ${safe(d.reason)}` : ''}`;
}

/** After a proposal: who the action waits for, how many, and until when. */
export function waitingForText(a: ActionView, now: Date): string {
  const ap = a.approval;
  if (!ap) return `waiting for policy to answer (the action is ${safe(a.status)})`;
  const n = ap.quorum ?? 1;
  const groups = (ap.groups ?? []).map((g) => safe(g)).join(', ');
  const eligible = (ap.eligible ?? []).map((p) => safe(p)).join(', ') || 'nobody';
  return `waiting for ${n} approval${n === 1 ? '' : 's'} from ${ap.distinctGroups ? 'distinct groups of ' : ''}${groups || 'the eligible approvers'} ` +
    `(eligible: ${eligible})${ap.deadline ? `; deadline ${safe(ap.deadline)} (${untilText(ap.deadline, now)})` : ''}`;
}

/**
 * One progress line while waiting: the approvals so far and the time left before the action's
 * deadline and before `--wait` runs out (whichever are known).
 */
export function progressText(a: ActionView, now: Date, waitUntil?: number): string {
  const parts = [`${safe(a.status)}: ${a.approval?.approvals ?? 0}/${a.approval?.quorum ?? '?'} approvals`];
  if (a.approval?.deadline) parts.push(`expires ${untilText(a.approval.deadline, now)}`);
  if (waitUntil !== undefined) parts.push(`--wait ends in ${formatRemaining(waitUntil - now.getTime())}`);
  return parts.join(' · ');
}
