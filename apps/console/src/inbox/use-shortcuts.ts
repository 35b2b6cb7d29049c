import { useEffect, useRef } from 'react';
import { shortcutFor, type ShortcutCommand } from '../lib/shortcuts.ts';

/** Runs the inbox's keyboard shortcuts (lib/shortcuts.ts decides which key press is one). */
export function useShortcuts(dialogOpen: boolean, commands: Record<ShortcutCommand, () => void>): void {
  const current = useRef(commands);
  current.current = commands;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target instanceof HTMLElement ? e.target : document.body;
      const command = shortcutFor({
        key: e.key, ctrlKey: e.ctrlKey, metaKey: e.metaKey, altKey: e.altKey,
        targetTag: target.tagName, targetEditable: target.isContentEditable, dialogOpen: dialogOpen || document.querySelector('dialog[open]') !== null,
      });
      if (!command) return;
      e.preventDefault();
      current.current[command]();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [dialogOpen]);
}
