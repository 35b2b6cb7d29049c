import assert from 'node:assert/strict';
import type { ApiResponse } from './api-client.ts';

/** Where a problem's `errors[]` should point: a body pointer, a query parameter or a header. */
export type ProblemTarget = { pointer?: string; parameter?: string; header?: string };

/** The response is an RFC 9457 problem with this status, naming `where` among its errors. */
export function assertProblem(res: ApiResponse, status: number, where?: ProblemTarget): void {
  assert.equal(res.status, status, res.text);
  assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
  assert.equal(res.body.status, status);
  assert.ok(res.body.type && res.body.title, 'problem has type and title');
  if (where) assert.ok(res.body.errors?.some((e: Record<string, string>) => Object.entries(where).every(([k, v]) => e[k] === v)), `errors name ${JSON.stringify(where)}: ${res.text}`);
}
