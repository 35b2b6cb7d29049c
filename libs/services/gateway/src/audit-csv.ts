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
  return auditCsvRows(entries, true);
}

/**
 * Rows of the CSV, with the header row only when `header` (the first page of a streamed export):
 * pages written one after another make the same file as auditCsv of all their rows.
 */
export function auditCsvRows(entries: readonly AuditEntry[], header: boolean): string {
  return stringify(entries.map((e) => CSV_COLUMNS.map((c) => cell(e, c))), { header, columns: [...CSV_COLUMNS] });
}

/** An audit entry as the API shows it (`id`, not the store's `_id`): the JSON items, the NDJSON lines. */
export const presentAuditEntry = ({ _id, ...rest }: AuditEntry) => ({ id: _id, ...rest });

/** Rows as NDJSON: one entry per line, as `GET /v1/audit` lists them in `items`. */
export function auditNdjson(entries: readonly AuditEntry[]): string {
  return entries.map((e) => `${JSON.stringify(presentAuditEntry(e))}\n`).join('');
}
