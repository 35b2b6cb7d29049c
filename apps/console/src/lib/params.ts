/**
 * Action parameters as rows to show: every leaf with its JSON path. Values are shown exactly as
 * the API gives them (redacted by policy on the server); a long one is collapsed with an expander
 * that says how much is hidden, never cut silently.
 */
export interface ParamRow {
  path: string;
  /** The whole value as text (strings as they are, anything else as JSON). */
  full: string;
  /** What is shown collapsed; equal to `full` when the value is short. */
  preview: string;
  /** Characters hidden while collapsed (0: nothing to expand). */
  hidden: number;
}

export const PREVIEW_CHARS = 120;
export const PREVIEW_LINES = 3;
/** Past this depth a subtree is one JSON value: a row per leaf would drown the reader. */
const MAX_DEPTH = 4;

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return 'undefined';
  return JSON.stringify(value, null, 2) ?? String(value);
}

/** The preview of a text: at most PREVIEW_CHARS characters and PREVIEW_LINES lines. */
export function collapse(full: string): { preview: string; hidden: number } {
  const chars = Array.from(full);
  let cut = Math.min(chars.length, PREVIEW_CHARS);
  let lines = 0;
  for (let i = 0; i < cut; i++) {
    if (chars[i] === '\n' && ++lines >= PREVIEW_LINES) {
      cut = i;
      break;
    }
  }
  if (cut >= chars.length) return { preview: full, hidden: 0 };
  return { preview: chars.slice(0, cut).join(''), hidden: chars.length - cut };
}

const key = (base: string, k: string) => (/^[A-Za-z_$][\w$]*$/.test(k) ? (base ? `${base}.${k}` : k) : `${base}[${JSON.stringify(k)}]`);

export function paramRows(params: unknown, path = '', depth = 0): ParamRow[] {
  const isContainer = params !== null && typeof params === 'object';
  const entries = isContainer ? Object.entries(params as Record<string, unknown>) : [];
  if (!isContainer || depth >= MAX_DEPTH || entries.length === 0) {
    const full = text(params);
    return [{ path: path || '(params)', full, ...collapse(full) }];
  }
  const rows: ParamRow[] = [];
  for (const [k, v] of entries) {
    const childPath = Array.isArray(params) ? `${path}[${k}]` : key(path, k);
    rows.push(...paramRows(v, childPath, depth + 1));
  }
  return rows;
}
