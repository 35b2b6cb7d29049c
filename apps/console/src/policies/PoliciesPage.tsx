import { useEffect, useState } from 'react';
import { get, post } from '../api/http.ts';
import type { ActionView, PoliciesAnswer, PolicyVersion } from '../api/types.ts';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { actionPath } from '../lib/routes.ts';
import { Link } from '../router.tsx';
import { PolicyDiffView } from './PolicyDiffView.tsx';
import { ProposeChange } from './ProposeChange.tsx';
import { VersionsTable } from './VersionsTable.tsx';

/**
 * Policy versions in force and past, the difference between two, a candidate to simulate or
 * propose, and rollback to an earlier version (also an action that needs approval).
 */
export function PoliciesPage() {
  const [answer, setAnswer] = useState<PoliciesAnswer>();
  const [active, setActive] = useState<PolicyVersion>();
  const [error, setError] = useState<unknown>();
  const [compare, setCompare] = useState<{ from: string; to: string }>();
  const [rolledBack, setRolledBack] = useState<ActionView>();
  useEffect(() => {
    get<PoliciesAnswer>('/v1/policies').then(setAnswer, setError);
    get<PolicyVersion>('/v1/policies/active').then(setActive, setError);
  }, []);
  const rollback = async (version: string) => {
    setError(undefined);
    try {
      setRolledBack(await post<ActionView>('/v1/policies/rollback', { version, justification: `Rollback to ${version.slice(0, 12)} from the console` }));
    } catch (err) {
      setError(err);
    }
  };
  return (
    <>
      <h1>Policies</h1>
      <ProblemAlert error={error} />
      {answer ? (
        <p>In force: <code data-testid="active-policy">{answer.active.version.slice(0, 12)}</code> ({answer.active.source === 'seed' ? 'the configured seed' : `published ${answer.active.publishedAt ?? ''}`.trim()}).</p>
      ) : <p role="status">Loading…</p>}
      {rolledBack ? <p role="status">Rollback proposed: <Link to={actionPath(rolledBack.id)}>action {rolledBack.status}</Link>.</p> : null}
      {answer ? <VersionsTable answer={answer} onCompare={(from, to) => setCompare({ from, to })} onRollback={rollback} /> : null}
      {compare ? (
        <section aria-labelledby="diff-title">
          <h2 id="diff-title">Difference</h2>
          <PolicyDiffView from={compare.from} to={compare.to} />
        </section>
      ) : null}
      {active ? <ProposeChange key={active.version} initialFiles={active.files} /> : null}
    </>
  );
}
