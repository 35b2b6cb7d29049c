import { ApiError, problemText } from '../api/problem.ts';

/** An error as the server explained it (problem+json title, detail and fields), announced. */
export function ProblemAlert({ error, label }: { error: unknown; label?: string }) {
  if (!error) return null;
  const text = error instanceof ApiError ? problemText(error.problem) : error instanceof Error ? error.message : String(error);
  return (
    <div role="alert" className="alert">
      {label ? <strong>{label}: </strong> : null}
      {text}
    </div>
  );
}
