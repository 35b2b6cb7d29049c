import { ACTION_STATUSES, type Action, type ActionPage, type ExecutionResponse, type GrantResponse, type Problem } from './types.js';

/**
 * Checks of what the server answered, enough that nothing downstream trips over garbage (a proxy's
 * HTML error page, a truncated body, a field of the wrong type). A failed check throws
 * MalformedResponse, which the HTTP layer turns into CountersignUnavailable.
 */
export class MalformedResponse extends Error {}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function fail(what: string): never {
  throw new MalformedResponse(`the server's answer is not a Countersign response: ${what}`);
}

function optional(o: Json, key: string, type: 'string' | 'number' | 'boolean' | 'object' | 'array', where: string): void {
  const v = o[key];
  if (v === undefined) return;
  const ok = type === 'array' ? Array.isArray(v) : type === 'object' ? isObject(v) : typeof v === type;
  if (!ok) fail(`${where}.${key} is not ${type === 'array' || type === 'object' ? `an ${type}` : `a ${type}`}`);
}

function strings(o: Json, key: string, where: string): void {
  const v = o[key];
  if (v !== undefined && !(Array.isArray(v) && v.every((x) => typeof x === 'string'))) fail(`${where}.${key} is not a list of strings`);
}

export function parseAction(body: unknown, where = 'action'): Action {
  if (!isObject(body)) fail(`${where} is not an object`);
  if (typeof body.id !== 'string' || body.id.length === 0) fail(`${where}.id is missing`);
  if (typeof body.status !== 'string' || !(ACTION_STATUSES as readonly string[]).includes(body.status)) fail(`${where}.status is not a known status`);
  for (const key of ['action', 'resource', 'paramsHash', 'requester', 'justification', 'onBehalfOf', 'createdAt', 'updatedAt', 'accepted']) {
    optional(body, key, 'string', where);
  }
  for (const key of ['params', 'context', 'policy', 'approval', 'decision', 'execution', 'links']) optional(body, key, 'object', where);
  optional(body, 'votes', 'array', where);
  if (isObject(body.decision)) {
    const d = body.decision;
    if (typeof d.outcome !== 'string') fail(`${where}.decision.outcome is missing`);
    for (const key of ['reason', 'rule', 'at', 'policyVersion', 'paramsHash']) optional(d, key, 'string', `${where}.decision`);
    strings(d, 'by', `${where}.decision`);
  }
  if (isObject(body.policy)) for (const key of ['reason', 'rule', 'outcome', 'explanation']) optional(body.policy, key, 'string', `${where}.policy`);
  if (isObject(body.approval)) {
    optional(body.approval, 'deadline', 'string', `${where}.approval`);
    optional(body.approval, 'approvals', 'number', `${where}.approval`);
    optional(body.approval, 'quorum', 'number', `${where}.approval`);
    strings(body.approval, 'eligible', `${where}.approval`);
    strings(body.approval, 'groups', `${where}.approval`);
  }
  if (isObject(body.execution)) optional(body.execution, 'status', 'string', `${where}.execution`);
  if (body.grant !== undefined) parseGrantResponse(body.grant);
  if (Array.isArray(body.votes) && !body.votes.every(isObject)) fail(`${where}.votes holds something that is not a vote`);
  return body as Action;
}

export function parseActionPage(body: unknown): ActionPage {
  if (!isObject(body) || !Array.isArray(body.items)) fail('the list has no items');
  if (body.nextCursor !== null && typeof body.nextCursor !== 'string') fail('nextCursor is neither a string nor null');
  return { items: body.items.map((item, i) => parseAction(item, `items[${i}]`)), nextCursor: body.nextCursor };
}

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export function parseGrantResponse(body: unknown): GrantResponse {
  if (!isObject(body)) fail('the grant answer is not an object');
  if (typeof body.grant !== 'string' || !COMPACT_JWS.test(body.grant)) fail('grant is not a compact JWS');
  for (const key of ['kid', 'jti', 'expiresAt']) if (typeof body[key] !== 'string') fail(`${key} is missing`);
  return { grant: body.grant, kid: body.kid as string, jti: body.jti as string, expiresAt: body.expiresAt as string };
}

export function parseExecutionResponse(body: unknown): ExecutionResponse {
  if (!isObject(body)) fail('the execution answer is not an object');
  optional(body, 'execution', 'object', 'answer');
  if (isObject(body.execution)) optional(body.execution, 'status', 'string', 'execution');
  return { ...body, ...(body.action !== undefined ? { action: parseAction(body.action) } : {}) };
}

/** A problem body as sent, or one made up from the status when the body is not a problem. */
export function toProblem(status: number, statusText: string, body: unknown, text: string): Problem {
  if (isObject(body) && typeof body.type === 'string' && typeof body.title === 'string') {
    const { type, title, detail, errors, ...rest } = body;
    return {
      ...rest,
      type: type as string,
      title: title as string,
      status,
      ...(typeof detail === 'string' ? { detail } : {}),
      ...(Array.isArray(errors) ? { errors: errors.filter(isObject) as Problem['errors'] } : {}),
    };
  }
  const snippet = text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim().slice(0, 200);
  return { type: 'about:blank', title: statusText || `HTTP ${status}`, status, ...(snippet ? { detail: snippet } : {}) };
}
