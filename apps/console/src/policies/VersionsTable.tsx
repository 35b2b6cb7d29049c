import type { PoliciesAnswer } from '../api/types.ts';
import { actionPath } from '../lib/routes.ts';
import { Link } from '../router.tsx';

const short = (v: string) => v.slice(0, 12);

/** Published versions, newest first: who published, who approved, and what to do with each. */
export function VersionsTable({ answer, onCompare, onRollback }: { answer: PoliciesAnswer; onCompare: (from: string, to: string) => void; onRollback: (version: string) => void }) {
  const activeVersion = answer.active.version;
  if (answer.items.length === 0) return <p>No version was published yet: the configured seed is in force.</p>;
  return (
    <div className="table-wrap">
      <table className="stack" aria-label="Policy versions">
        <thead>
          <tr><th scope="col">Version</th><th scope="col">Published</th><th scope="col">By</th><th scope="col">Approved by</th><th scope="col">Files</th><th scope="col">Actions</th></tr>
        </thead>
        <tbody>
          {answer.items.map((v) => {
            const previous = v.previousVersion;
            return (
              <tr key={`${v.version}-${v.actionId}`}>
                <td data-label="Version"><code>{short(v.version)}</code>{v.version === activeVersion ? <span className="badge">in force</span> : null}{v.rollbackOf ? <span className="muted"> (rollback)</span> : null}</td>
                <td data-label="Published"><Link to={actionPath(v.actionId)}><time dateTime={v.publishedAt}>{v.publishedAt}</time></Link></td>
                <td data-label="By">{v.author}</td>
                <td data-label="Approved by">{v.approvers.join(', ')}</td>
                <td data-label="Files">{v.files.join(', ')}</td>
                <td data-label="Actions">
                  <div className="actions-row">
                    {previous ? <button type="button" onClick={() => onCompare(previous, v.version)}>Compare {short(v.version)} with previous</button> : null}
                    {v.version !== activeVersion ? <button type="button" onClick={() => onCompare(v.version, activeVersion)}>Compare {short(v.version)} with the version in force</button> : null}
                    {v.version !== activeVersion ? <button type="button" onClick={() => onRollback(v.version)}>Roll back to {short(v.version)}</button> : null}
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
