/**
 * The API calls a console page made, and the rule the inbox must keep with 1,000 pending actions:
 * every list it fetches is a page (a `limit` under the whole count, or a `cursor`), never
 * everything in one call. Pure, so the rule has tests of its own (api-calls.spec.ts).
 */
export interface ApiCall {
  method: string;
  /** The path under the gateway, e.g. `/v1/actions`. */
  path: string;
  /** The query's parameters as sent. */
  query: Record<string, string>;
  status?: number;
  /** For answers with `items` (a page of a list): how many it held. */
  items?: number;
  /** Whether the answer carried a `nextCursor` (more pages to fetch on demand). */
  nextCursor?: boolean;
}

/** Calls to these answer one thing or a stream, never a list: no page to ask for. */
const SINGLE = [/^\/v1\/me$/, /^\/v1\/stream$/, /^\/v1\/actions\/[^/]+$/, /^\/v1\/actions\/[^/]+\/(stream|events|proof)$/];

/** The caller's own short lists (their delegations, their passkeys): not paged by the API, nor growing with the queue. */
const PERSONAL = [/^\/v1\/delegations$/, /^\/v1\/passkeys$/];

/** The list endpoints the inbox may read, paged by `limit` and `cursor`. */
const LISTS = [/^\/v1\/actions$/, /^\/v1\/audit$/];

export interface PaginationVerdict {
  ok: boolean;
  problems: string[];
}

const ONE_ACTION = /^\/v1\/actions\/[^/]+$/;

/**
 * Checks the calls of one load of the inbox against `pending` actions awaiting the user: each list
 * call carries a `limit` (or a `cursor` continuing one), no limit reaches `pending`, no answer
 * held them all, and they were not fetched one by one either: more `GET /v1/actions/:id` than one
 * page holds (the largest `limit` asked) is a list read without pages. A call this bench does not
 * know is a problem too, so a new unpaged fetch fails loudly instead of passing unseen.
 */
export function checkPagination(calls: readonly ApiCall[], pending: number): PaginationVerdict {
  const problems: string[] = [];
  for (const call of calls) {
    const name = `${call.method} ${call.path}${Object.keys(call.query).length ? `?${new URLSearchParams(call.query)}` : ''}`;
    if (SINGLE.some((p) => p.test(call.path))) continue;
    if (PERSONAL.some((p) => p.test(call.path))) {
      if (call.items !== undefined && pending > 0 && call.items >= pending) problems.push(`${name}: ${call.items} items in a list of the caller's own`);
      continue;
    }
    if (!LISTS.some((p) => p.test(call.path))) {
      if (call.items !== undefined) problems.push(`${name}: a list this bench does not know (${call.items} items); page it and add it here`);
      continue;
    }
    const limit = call.query.limit === undefined ? undefined : Number(call.query.limit);
    if (limit === undefined && call.query.cursor === undefined) problems.push(`${name}: a list fetched without limit or cursor`);
    if (limit !== undefined && pending > 0 && limit >= pending) problems.push(`${name}: limit ${limit} asks for all ${pending} pending actions in one call`);
    if (call.items !== undefined && pending > 0 && call.items >= pending) problems.push(`${name}: one answer held ${call.items} items, all ${pending} pending actions`);
  }
  const oneByOne = calls.filter((c) => c.method === 'GET' && ONE_ACTION.test(c.path)).length;
  const page = Math.max(0, ...calls.filter((c) => LISTS.some((p) => p.test(c.path)) && c.query.limit).map((c) => Number(c.query.limit)));
  if (pending > 0 && oneByOne > page) problems.push(`GET /v1/actions/:id: ${oneByOne} calls, more than a page of ${page}: actions fetched one by one`);
  return { ok: problems.length === 0, problems };
}

/** The calls for the report: one line per call, single-action reads counted on one line. */
export function describeCalls(calls: readonly ApiCall[]): string[] {
  const singles = calls.filter((c) => c.method === 'GET' && ONE_ACTION.test(c.path));
  const lines = calls.filter((c) => !singles.includes(c)).map(describeCall);
  return singles.length ? [...lines, `GET /v1/actions/:id × ${singles.length}`] : lines;
}

/** One line per call, for the report: `GET /v1/actions limit=50 → 200, 50 items, more`. */
export function describeCall(call: ApiCall): string {
  const query = Object.entries(call.query).map(([k, v]) => `${k}=${k === 'cursor' ? '…' : v}`).join(' ');
  const answer = call.items === undefined ? '' : `, ${call.items} items${call.nextCursor ? ', more' : ''}`;
  return `${call.method} ${call.path}${query ? ` ${query}` : ''} → ${call.status ?? '?'}${answer}`;
}
