import { useId, useState, type FormEvent } from 'react';
import { Dialog } from '../components/Dialog.tsx';
import { ProblemAlert } from '../components/ProblemAlert.tsx';

/**
 * Asks for the text a vote must carry (a denial's reason, a break-glass comment) before sending it.
 * The text is required and must not be blank, as the API requires.
 */
export function ReasonDialog(props: {
  title: string;
  label: string;
  hint: string;
  confirm: string;
  danger?: boolean;
  onConfirm: (text: string) => Promise<void>;
  onClose: () => void;
}) {
  const [text, setText] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const fieldId = useId();
  const hintId = useId();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim()) {
      setError(new Error(`${props.label.replace(/ \(required\)$/, "")} is required.`));
      return;
    }
    setBusy(true);
    try {
      await props.onConfirm(text.trim());
      props.onClose();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <Dialog title={props.title} onClose={props.onClose}>
      <form onSubmit={submit} noValidate>
        <label htmlFor={fieldId}>{props.label}</label>
        <textarea id={fieldId} aria-describedby={hintId} required maxLength={4000} value={text} onChange={(e) => setText(e.target.value)} autoFocus />
        <p id={hintId} className="hint">{props.hint}</p>
        <ProblemAlert error={error} />
        <div className="actions-row">
          <button type="submit" className={props.danger ? 'danger' : 'primary'} disabled={busy}>{props.confirm}</button>
          <button type="button" onClick={props.onClose}>Cancel</button>
        </div>
      </form>
    </Dialog>
  );
}
