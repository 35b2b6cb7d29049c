/** The inbox's keyboard shortcuts. */
export type ShortcutCommand = 'next' | 'previous' | 'approve' | 'deny' | 'open' | 'help';

export const SHORTCUTS: readonly { key: string; command: ShortcutCommand; does: string }[] = [
  { key: 'j', command: 'next', does: 'next request' },
  { key: 'k', command: 'previous', does: 'previous request' },
  { key: 'a', command: 'approve', does: 'approve the selected request' },
  { key: 'd', command: 'deny', does: 'deny the selected request (asks for a reason)' },
  { key: 'o', command: 'open', does: 'open the selected request' },
  { key: '?', command: 'help', does: 'show these shortcuts' },
];

/** What the browser tells about a key press, reduced to what decides a shortcut. */
export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  /** Tag name of the focused element (`INPUT`, `TEXTAREA`, …). */
  targetTag: string;
  targetEditable: boolean;
  /** A dialog is open: its own controls own the keyboard. */
  dialogOpen: boolean;
}

const TYPING = new Set(['INPUT', 'TEXTAREA', 'SELECT']);

/** The command of a key press, or nothing: never while typing, in a dialog or with a modifier. */
export function shortcutFor(press: KeyPress): ShortcutCommand | undefined {
  if (press.ctrlKey || press.metaKey || press.altKey) return undefined;
  if (press.dialogOpen || press.targetEditable || TYPING.has(press.targetTag.toUpperCase())) return undefined;
  return SHORTCUTS.find((s) => s.key === press.key)?.command;
}

/** The index selected after moving within a list of `length` items (stays put at the ends). */
export function move(index: number, length: number, by: 1 | -1): number {
  if (length === 0) return 0;
  return Math.min(length - 1, Math.max(0, index + by));
}
