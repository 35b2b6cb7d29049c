import { callbackUrlProblem, checkResource, createAjv, jsonValueProblems, PARAMS_LIMITS, toFieldErrors, type OutboundAllow } from '@countersign/contracts';
import { badRequest, type InvalidParam } from './problem.ts';
import { standingBodySchema } from './standing/standing-terms.ts';

const ajv = createAjv();
const text = (max: number) => ({ type: 'string', maxLength: max }) as const;
const nonBlank = (max: number) => ({ type: 'string', minLength: 1, maxLength: max, pattern: '\\S' }) as const;
const id = { type: 'string', minLength: 1, maxLength: 128 } as const;

export const proposeActionBody = {
  type: 'object',
  required: ['action', 'resource'],
  additionalProperties: false,
  properties: {
    action: { type: 'string', minLength: 1, maxLength: 128, pattern: '^[a-z0-9][a-z0-9_.-]*$' },
    resource: { type: 'string', minLength: 1, maxLength: 1024 },
    params: { type: 'object' },
    justification: text(4000),
    context: { type: 'object' },
    // As ActionProposed's schema has it, so that what passes here passes the log; see callbackUrlProblem.
    callbackUrl: { type: 'string', format: 'uri', maxLength: 2048, pattern: '^https?://' },
  },
} as const;

// The rule a callback URL must follow lives in contracts: the notifier checks it again before calling.
export { callbackUrlProblem };

/** `stepUp.response`: the AuthenticationResponseJSON of a step-up (docs/step-up.md); verified by the passkeys module. */
const stepUpBodySchema = { type: 'object', required: ['response'], additionalProperties: false, properties: { response: { type: 'object' } } } as const;

export const approveBody = {
  type: 'object',
  additionalProperties: false,
  // `standing`: a standing approval offered to the requester with the approval (ADR 0004).
  properties: { comment: text(4000), breakGlass: { type: 'boolean' }, standing: standingBodySchema, stepUp: stepUpBodySchema, onBehalfOf: id },
} as const;

export const denyBody = {
  type: 'object',
  required: ['reason'],
  additionalProperties: false,
  // `onBehalfOf`: the delegator a delegate votes for (ADR 0010), as on approvals.
  properties: { reason: nonBlank(4000), onBehalfOf: id },
} as const;

export const cancelBody = {
  type: 'object',
  additionalProperties: false,
  properties: { reason: text(4000) },
} as const;

/** Upheld or not, a review says what was checked: the comment is the record. */
export const reviewBody = {
  type: 'object',
  required: ['verdict', 'comment'],
  additionalProperties: false,
  properties: { verdict: { enum: ['upheld', 'concerns'] }, comment: nonBlank(4000) },
} as const;

const limit = { type: 'string', pattern: '^(?:[1-9]\\d{0,2}|1000)$' } as const;
const cursor = { type: 'string', pattern: '^[A-Za-z0-9_-]{1,512}$' } as const;

export const listActionsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    status: { enum: ['proposed', 'pending', 'approved', 'denied', 'expired', 'cancelled'] },
    requester: id,
    action: id,
    approver: { const: 'me' },
    review: { const: 'pending' },
    limit,
    cursor,
  },
} as const;

export const auditQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    from: { type: 'string', format: 'date-time' },
    to: { type: 'string', format: 'date-time' },
    requester: id,
    approver: id,
    action: id,
    outcome: { enum: ['approved', 'denied', 'expired', 'cancelled'] },
    type: id,
    limit,
    cursor,
  },
} as const;

export const getActionQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { wait: { type: 'string', pattern: '^\\d{1,6}(ms|s)?$' } },
} as const;

/** `POST /v1/actions?include=grant`: an action approved at once comes back with its grant. */
export const proposeQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { include: { type: 'string', enum: ['grant'] } },
} as const;

export const emptyQuery = { type: 'object', additionalProperties: false, properties: {} } as const;

type Where = 'body' | 'query';

/** Compiles a schema into a checker that throws a 400 problem naming each field at fault. */
export function checker<T>(schema: object, where: Where): (value: unknown) => T {
  const validate = ajv.compile(schema);
  return (value) => {
    if (where === 'body' && (value === undefined || value === null)) value = {};
    // Query values become read-model filters: ill-formed text is refused before any schema.
    const text = where === 'query' ? jsonValueProblems(value, PARAMS_LIMITS) : [];
    if (text.length === 0 && validate(value)) return value as T;
    const errors: InvalidParam[] = (text.length > 0 ? text : toFieldErrors(validate.errors)).map((e) =>
      where === 'body'
        ? { pointer: e.pointer === '/' ? '' : e.pointer, detail: e.message }
        : { parameter: e.pointer.replace(/^\//, '') || '(query)', detail: e.message },
    );
    throw badRequest(errors);
  };
}

export interface ProposeBody { action: string; resource: string; params?: Record<string, unknown>; justification?: string; context?: Record<string, unknown>; callbackUrl?: string }

const checkPropose = checker<ProposeBody>(proposeActionBody, 'body');

/**
 * A proposal's body: `params` and `context` within PARAMS_LIMITS before anything else reads them
 * (the body as a whole was bounded when it was parsed), then the schema, then one spelling per
 * resource (checkResource: the problem names the canonical form) and a callback URL we may call.
 */
export function parseProposal(raw: unknown, outboundAllow?: OutboundAllow): ProposeBody {
  const fields = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const bounds = (['params', 'context'] as const).flatMap((f) => (fields[f] === undefined ? [] : jsonValueProblems(fields[f], PARAMS_LIMITS, `/${f}`)));
  if (bounds.length > 0) throw badRequest(bounds.map((e) => ({ pointer: e.pointer, detail: e.message })));
  const body = checkPropose(raw);
  const resource = checkResource(body.resource);
  if (!resource.ok) throw badRequest([{ pointer: '/resource', detail: resource.problem }]);
  const badCallback = body.callbackUrl !== undefined ? callbackUrlProblem(body.callbackUrl, outboundAllow) : undefined;
  if (badCallback) throw badRequest([{ pointer: '/callbackUrl', detail: badCallback }]);
  return body;
}
