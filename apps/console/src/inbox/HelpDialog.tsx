import { Dialog } from '../components/Dialog.tsx';
import { SHORTCUTS } from '../lib/shortcuts.ts';

/** The inbox's keyboard shortcuts (`?`). */
export function HelpDialog({ onClose }: { onClose: () => void }) {
  return (
    <Dialog title="Keyboard shortcuts" onClose={onClose}>
      <p className="hint">They work anywhere on the inbox except while typing in a field.</p>
      <table>
        <thead><tr><th scope="col">Key</th><th scope="col">Does</th></tr></thead>
        <tbody>
          {SHORTCUTS.map((s) => <tr key={s.key}><td><kbd>{s.key}</kbd></td><td>{s.does}</td></tr>)}
        </tbody>
      </table>
      <div className="actions-row"><button type="button" onClick={onClose} autoFocus>Close</button></div>
    </Dialog>
  );
}
