import { useId, useState, type FormEvent } from 'react';
import { Dialog } from '../components/Dialog.tsx';
import { ProblemAlert } from '../components/ProblemAlert.tsx';

/** Records the review of a break-glass approval: upheld or concerns, with a comment (both required). */
export function ReviewDialog({ onConfirm, onClose }: { onConfirm: (verdict: 'upheld' | 'concerns', comment: string) => Promise<void>; onClose: () => void }) {
  const [verdict, setVerdict] = useState<'upheld' | 'concerns'>('upheld');
  const [comment, setComment] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const commentId = useId();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!comment.trim()) {
      setError(new Error('A comment is required.'));
      return;
    }
    setBusy(true);
    try {
      await onConfirm(verdict, comment.trim());
      onClose();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <Dialog title="Review the break-glass approval" onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <fieldset>
          <legend>Verdict</legend>
          <label><input type="radio" name="verdict" value="upheld" checked={verdict === 'upheld'} onChange={() => setVerdict('upheld')} /> Upheld</label>
          <label><input type="radio" name="verdict" value="concerns" checked={verdict === 'concerns'} onChange={() => setVerdict('concerns')} /> Concerns</label>
        </fieldset>
        <label htmlFor={commentId}>Review comment (required)</label>
        <textarea id={commentId} required maxLength={4000} value={comment} onChange={(e) => setComment(e.target.value)} />
        <ProblemAlert error={error} />
        <div className="actions-row">
          <button type="submit" className="primary" disabled={busy}>Record review</button>
          <button type="button" onClick={onClose}>Cancel</button>
        </div>
      </form>
    </Dialog>
  );
}
