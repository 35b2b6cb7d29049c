import { useState } from 'react';
import { post } from '../api/http.ts';
import { ApiError } from '../api/problem.ts';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { SimulationReport, type SimulationAnswer } from './SimulationReport.tsx';

/**
 * A candidate's simulation over the most recent recorded actions (`POST /v1/policies/simulate`,
 * auditors and admins); a server without the endpoint is told apart, with the CLI to use instead.
 */
export function SimulatePanel({ files }: { files: { path: string; text: string }[] }) {
  const [result, setResult] = useState<SimulationAnswer>();
  const [error, setError] = useState<unknown>();
  const [unavailable, setUnavailable] = useState(false);
  const [busy, setBusy] = useState(false);
  const simulate = async () => {
    setError(undefined);
    setResult(undefined);
    setBusy(true);
    try {
      setResult(await post<SimulationAnswer>('/v1/policies/simulate', { files }));
    } catch (err) {
      if (err instanceof ApiError && (err.status === 404 || err.status === 405)) setUnavailable(true);
      else setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="simulate-title">
      <h3 id="simulate-title">Simulate</h3>
      {unavailable ? (
        <p className="notice">This server does not simulate over HTTP. Run <code>countersign policy simulate --policies &lt;dir&gt;</code> (docs/policy.md, "Simulating a candidate") with the candidate saved in a policies directory.</p>
      ) : <button type="button" onClick={simulate} disabled={busy}>Simulate candidate</button>}
      {busy ? <p role="status">Simulating…</p> : null}
      <ProblemAlert error={error} label="Simulation failed" />
      {result ? <SimulationReport report={result} /> : null}
    </section>
  );
}
