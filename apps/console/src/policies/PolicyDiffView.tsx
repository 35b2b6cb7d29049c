import { useEffect, useState } from 'react';
import { get } from '../api/http.ts';
import type { PolicyVersion } from '../api/types.ts';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { diffFiles, type FileDiff } from '../lib/policy-diff.ts';

const short = (v: string) => v.slice(0, 12);

function FileDiffView({ file }: { file: FileDiff }) {
  return (
    <section aria-label={`Changes to ${file.path}`}>
      <h3><code>{file.path}</code> — {file.change}</h3>
      {file.rows.length ? (
        <pre className="diff">
          {file.rows.map((row, i) => row.kind === 'gap'
            ? <span key={i} className="hunk">… {row.lines} unchanged lines …</span>
            : row.kind === 'added' ? <ins key={i}>+ {row.text}</ins>
            : row.kind === 'removed' ? <del key={i}>- {row.text}</del>
            : <span key={i}>{'  '}{row.text}</span>)}
        </pre>
      ) : null}
    </section>
  );
}

/** What changed from one policy version to another, file by file. */
export function PolicyDiffView({ from, to }: { from: string; to: string }) {
  const [files, setFiles] = useState<FileDiff[]>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    setFiles(undefined);
    setError(undefined);
    const read = (v: string) => get<PolicyVersion>(`/v1/policies/${encodeURIComponent(v)}`);
    Promise.all([read(from), read(to)]).then(([a, b]) => setFiles(diffFiles(a.files, b.files)), setError);
  }, [from, to]);
  return (
    <div aria-live="polite">
      <ProblemAlert error={error} label="Could not compare" />
      {files === undefined && !error ? <p role="status">Comparing…</p> : null}
      {files ? <p>From <code>{short(from)}</code> to <code>{short(to)}</code>: {files.filter((f) => f.change !== 'unchanged').length} of {files.length} files changed.</p> : null}
      {files?.filter((f) => f.change !== 'unchanged').map((f) => <FileDiffView key={f.path} file={f} />)}
    </div>
  );
}
