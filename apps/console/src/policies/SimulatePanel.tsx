import { useState } from 'react';
import { post } from '../api/http.ts';
import { ApiError } from '../api/problem.ts';
import { ProblemAlert } from '../components/ProblemAlert.tsx';

/**
 * A candidate's simulation over recent actions, when the server offers it over HTTP
 * (`POST /v1/policies/simulate`); otherwise says how to run it with the CLI.
 */
export function SimulatePanel({ files }: { files: { path: string; text: string }[] }) {
  const [result, setResult] = useState<unknown>();
  const [error, setError] = useState<unknown>();
  const [unavailable, setUnavailable] = useState(false);
  const simulate = async () => {
    setError(undefined);
    setResult(undefined);
    try {
      setResult(await post('/v1/policies/simulate', { files }));
    } catch (err) {
      if (err instanceof ApiError && (err.status === 404 || err.status === 405)) setUnavailable(true);
      else setError(err);
    }
  };
  return (
    <section aria-labelledby="simulate-title">
      <h3 id="simulate-title">Simulate</h3>
      {unavailable ? (
        <p className="notice">This server does not simulate over HTTP. Run <code>countersign policy simulate --policies &lt;dir&gt;</code> (docs/policy.md, "Simulating a candidate") with the candidate saved in a policies directory.</p>
      ) : <button type="button" onClick={simulate}>Simulate candidate</button>}
      <ProblemAlert error={error} label="Simulation failed" />
      {result !== undefined ? <pre className="diff" aria-label="Simulation result">{JSON.stringify(result, null, 2)}</pre> : null}
    </section>
  );
}
