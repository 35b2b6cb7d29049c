import type { AuditEntry } from '@countersign/audit';
import { stringify } from 'csv-stringify/sync';

export const CSV_COLUMNS = [
  'at', 'actionId', 'seq', 'type', 'actor', 'actorKind', 'action', 'resource', 'requester', 'outcome',
  'approvers', 'reason', 'comment', 'policyVersion', 'rule', 'paramsHash', 'hash', 'prevHash', 'summary',
] as const;

/**
 * A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (or a tab or carriage return
 * before one) as a formula: a reason such as `=HYPERLINK(…)` would run on an auditor's machine.
 * Such cells get a leading `'` (OWASP's advice), which spreadsheets show as text; the JSON keeps
 * the text as it was recorded.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export const neutraliseFormula = (cell: string): string => (FORMULA_START.test(cell) ? `'${cell}` : cell);

function cell(entry: AuditEntry, column: (typeof CSV_COLUMNS)[number]): string {
  const value = column === 'approvers' ? (entry.approvers ?? []).join(' ') : entry[column];
  return neutraliseFormula(value === undefined || value === null ? '' : String(value));
}

/** The audit trail as CSV, with a header row and the columns in CSV_COLUMNS order. */
export function auditCsv(entries: readonly AuditEntry[]): string {
  return stringify(entries.map((e) => CSV_COLUMNS.map((c) => cell(e, c))), { header: true, columns: [...CSV_COLUMNS] });
}
