import { diffLines } from 'diff';

/** One line of a unified view of two texts; `gap` stands for unchanged lines left out. */
export type DiffRow =
  | { kind: 'same' | 'added' | 'removed'; text: string }
  | { kind: 'gap'; lines: number };

/** A file of two policy versions and how it changed. */
export interface FileDiff {
  path: string;
  change: 'added' | 'removed' | 'changed' | 'unchanged';
  rows: DiffRow[];
}

const splitLines = (value: string) => {
  const lines = value.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
};

/** The changed lines with `context` unchanged lines around each change; longer runs become gaps. */
export function diffRows(before: string, after: string, context = 3): DiffRow[] {
  const rows: DiffRow[] = [];
  const parts = diffLines(before, after);
  parts.forEach((part, i) => {
    const lines = splitLines(part.value);
    if (part.added || part.removed) {
      for (const text of lines) rows.push({ kind: part.added ? 'added' : 'removed', text });
      return;
    }
    const head = i === 0 ? 0 : context;
    const tail = i === parts.length - 1 ? 0 : context;
    if (lines.length <= head + tail + 1) {
      for (const text of lines) rows.push({ kind: 'same', text });
      return;
    }
    for (const text of lines.slice(0, head)) rows.push({ kind: 'same', text });
    rows.push({ kind: 'gap', lines: lines.length - head - tail });
    for (const text of lines.slice(lines.length - tail)) rows.push({ kind: 'same', text });
  });
  return rows;
}

/** Two versions' files compared by path, in path order. */
export function diffFiles(before: { path: string; text: string }[], after: { path: string; text: string }[]): FileDiff[] {
  const paths = [...new Set([...before.map((f) => f.path), ...after.map((f) => f.path)])].sort();
  return paths.map((path) => {
    const a = before.find((f) => f.path === path);
    const b = after.find((f) => f.path === path);
    const change = !a ? 'added' : !b ? 'removed' : a.text === b.text ? 'unchanged' : 'changed';
    return { path, change, rows: change === 'unchanged' ? [] : diffRows(a?.text ?? '', b?.text ?? '') };
  });
}
