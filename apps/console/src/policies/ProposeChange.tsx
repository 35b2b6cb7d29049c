import { useState, type FormEvent } from 'react';
import { post } from '../api/http.ts';
import type { ActionView } from '../api/types.ts';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { actionPath } from '../lib/routes.ts';
import { Link } from '../router.tsx';
import { SimulatePanel } from './SimulatePanel.tsx';

/**
 * A candidate policy file: simulated against recent actions, or proposed for publication, which is
 * an action approved under the policy in force (rule 9), like any other.
 */
export function ProposeChange({ initialFiles }: { initialFiles: { path: string; text: string }[] }) {
  const [files, setFiles] = useState(initialFiles.length ? initialFiles : [{ path: 'policy.yaml', text: '' }]);
  const [index, setIndex] = useState(0);
  const current = files[Math.min(index, files.length - 1)];
  const setText = (text: string) => setFiles((fs) => fs.map((f, i) => (i === index ? { ...f, text } : f)));
  const [justification, setJustification] = useState('');
  const [proposed, setProposed] = useState<ActionView>();
  const [error, setError] = useState<unknown>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      setProposed(await post<ActionView>('/v1/policies', { files, ...(justification.trim() ? { justification: justification.trim() } : {}) }));
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section aria-labelledby="candidate-title">
      <h2 id="candidate-title">Candidate policy</h2>
      <form onSubmit={submit} aria-label="Candidate policy">
        <label htmlFor="candidate-file">File</label>
        <select id="candidate-file" value={index} onChange={(e) => setIndex(Number(e.target.value))}>
          {files.map((f, i) => <option key={f.path} value={i}>{f.path}</option>)}
        </select>
        <label htmlFor="candidate-text">Policy file (YAML)</label>
        <textarea id="candidate-text" className="mono" rows={16} value={current.text} onChange={(e) => setText(e.target.value)} spellCheck={false} />
        <label htmlFor="candidate-why">Justification</label>
        <input id="candidate-why" type="text" maxLength={4000} value={justification} onChange={(e) => setJustification(e.target.value)} />
        <p className="hint">Starts from the version in force. Publishing proposes every file above as the new version, as an action: it takes effect once approved under the policy in force.</p>
        <ProblemAlert error={error} label="Not proposed" />
        <div className="actions-row"><button type="submit" className="primary">Propose publication</button></div>
      </form>
      {proposed ? <p role="status">Proposed: <Link to={actionPath(proposed.id)}>publication {proposed.status}</Link>.</p> : null}
      <SimulatePanel files={files} />
    </section>
  );
}
