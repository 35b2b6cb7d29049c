/** An RFC 9457 problem as the API answers it (application/problem+json). */
export interface ProblemBody {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: { detail: string; pointer?: string; parameter?: string; header?: string }[];
  [extra: string]: unknown;
}

/** A failed API call, carrying the problem the server gave (or one made up for a network failure). */
export class ApiError extends Error {
  constructor(readonly status: number, readonly problem: ProblemBody) {
    super(problemText(problem));
  }

  /** The last segment of the problem type, e.g. `step-up-required`. */
  get code(): string {
    return problemCode(this.problem);
  }
}

export function problemCode(problem: ProblemBody): string {
  const type = typeof problem.type === 'string' ? problem.type : '';
  return type.slice(type.lastIndexOf('/') + 1);
}

/** One line for people: the title, then the detail, then each invalid field. */
export function problemText(problem: ProblemBody): string {
  const parts = [problem.title, problem.detail].filter((p): p is string => typeof p === 'string' && p.length > 0);
  for (const e of Array.isArray(problem.errors) ? problem.errors : []) {
    if (!e || typeof e !== 'object' || typeof e.detail !== 'string') continue;
    const where = [e.pointer, e.parameter, e.header].find((w) => typeof w === 'string');
    parts.push(where ? `${where}: ${e.detail}` : e.detail);
  }
  return parts.length ? parts.join(' — ') : `The server answered ${problem.status ?? 'with an error'}.`;
}

/** Reads a problem out of any JSON body; a body that is not one becomes a bare status problem. */
export function toProblem(status: number, body: unknown): ProblemBody {
  if (body && typeof body === 'object' && !Array.isArray(body)) return { status, ...(body as ProblemBody) };
  return { status, title: `The server answered ${status}.` };
}
