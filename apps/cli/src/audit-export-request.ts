// What `countersign audit export` asks for, from its flags: every value checked before anything
// is sent (one line naming the flag), and the file name it writes by default.
import { UsageError } from './cli-errors.ts';
import { actionId } from './client-options.ts';
import type { AuditExportOptions } from './audit-export-command.ts';

export type ExportFormat = 'bundle' | 'ndjson' | 'csv';
const FORMATS: readonly ExportFormat[] = ['bundle', 'ndjson', 'csv'];

export interface ExportRequest {
  format: ExportFormat;
  /** Path and query, e.g. `/v1/audit/export?from=…&actionId=…`. */
  path: string;
  /** The media type the answer must have. */
  accept: string;
}

/** A time flag as the API takes it (ISO-8601 UTC). */
function time(flag: string, text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const ms = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?$/.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(ms)) throw new UsageError(`${flag} ${JSON.stringify(text.slice(0, 100))}: expected an ISO-8601 time such as 2026-11-01T00:00:00Z`);
  return new Date(ms).toISOString();
}

export function exportRequest(options: Pick<AuditExportOptions, 'from' | 'to' | 'action' | 'format'>): ExportRequest {
  const format = (options.format ?? 'bundle') as ExportFormat;
  if (!FORMATS.includes(format)) throw new UsageError(`--format ${JSON.stringify(options.format)}: expected one of ${FORMATS.join(', ')}`);
  const from = time('--from', options.from);
  const to = time('--to', options.to);
  if (from && to && from > to) throw new UsageError(`--from ${options.from}: is after --to ${options.to}`);
  const ids = [...new Set(options.action.map(actionId))].sort();
  if (ids.length > 1000) throw new UsageError(`--action: at most 1000 actions in one export (got ${ids.length})`);
  const query = new URLSearchParams();
  if (from) query.set('from', from);
  if (to) query.set('to', to);
  // `actionId`, as GET /v1/audit spells it (its `action` is an action type).
  for (const id of ids) query.append('actionId', id);
  if (format !== 'bundle') query.set('format', format);
  const q = query.toString();
  const base = format === 'bundle' ? '/v1/audit/export' : '/v1/audit';
  const accept = format === 'bundle' ? 'application/gzip' : format === 'csv' ? 'text/csv' : 'application/x-ndjson';
  return { format, path: q ? `${base}?${q}` : base, accept };
}

/** The file written when --out is not given; a bundle takes the server's name when it gives a plain one. */
export function defaultOutName(format: ExportFormat, now: Date, disposition: string | null): string {
  const stamp = now.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '-');
  if (format !== 'bundle') return `countersign-audit-${stamp}.${format}`;
  const named = /filename="([A-Za-z0-9._-]{1,200})"/.exec(disposition ?? '')?.[1];
  return named && !named.startsWith('.') ? named : `countersign-evidence-${stamp}.tar.gz`;
}
