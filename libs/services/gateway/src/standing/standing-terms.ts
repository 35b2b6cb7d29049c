import type { ActionView } from '@countersign/audit';
import { MAX_STANDING_USES, POLICY_PUBLISH_ACTION, resourceGlobProblem, type StandingTerms } from '@countersign/contracts';
import { parseDuration, standingConditionProblem } from '@countersign/policy';
import { badRequest, Problem, type InvalidParam } from '../problem.ts';

/** `standing` in the body of `POST /v1/actions/:id/approve`, as sent. */
export interface StandingBody {
  resource: string;
  when?: string;
  maxUses: number;
  ttl: string;
}

export const standingBodySchema = {
  type: 'object',
  required: ['resource', 'maxUses', 'ttl'],
  additionalProperties: false,
  properties: {
    resource: { type: 'string', minLength: 1, maxLength: 1024 },
    when: { type: 'string', minLength: 1, maxLength: 4000, pattern: '\\S' },
    maxUses: { type: 'integer', minimum: 1, maximum: MAX_STANDING_USES },
    ttl: { type: 'string', pattern: '^[1-9][0-9]{0,8}[smhd]$' },
  },
} as const;

/** `seconds` in the largest whole unit, as policy files write durations (`3600` → `1h`). */
function duration(seconds: number): string {
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['m', 60]] as const) if (seconds % size === 0) return `${seconds / size}${unit}`;
  return `${seconds}s`;
}

/**
 * The terms a voter offers with an approval (ADR 0004), checked before the vote is sent, each
 * problem naming its field: the glob canonical (400), the condition CEL that compiles within the
 * condition budget (400), and the offer within what the action's rule allows (422). The router
 * checks the bounds again; the condition's CEL is checked only here (the domain cannot compile it),
 * and at each use, where one that fails never matches.
 */
export function standingTerms(body: StandingBody, view: ActionView): StandingTerms {
  const ttlSeconds = parseDuration(body.ttl)!; // the schema checked its shape
  const malformed: InvalidParam[] = [];
  const glob = resourceGlobProblem(body.resource);
  if (glob) malformed.push({ pointer: '/standing/resource', detail: glob });
  const condition = body.when === undefined ? undefined : standingConditionProblem(body.when);
  if (condition) malformed.push({ pointer: '/standing/when', detail: condition });
  if (malformed.length > 0) throw badRequest(malformed);

  const rule = view.policy?.rule ?? 'unknown';
  const allowance = view.approval?.standing;
  const refuse = (errors: InvalidParam[], detail: string) =>
    new Problem(422, 'standing-not-allowed', 'This standing approval cannot be granted.', detail, errors, { actionId: view._id });
  if (view.action === POLICY_PUBLISH_ACTION) {
    throw refuse([{ pointer: '/standing', detail: 'is not allowed for a policy change: each is approved on its own' }], 'Policy changes are approved one at a time.');
  }
  if (!allowance) {
    throw refuse([{ pointer: '/standing', detail: `is not allowed: rule ${rule} does not allow standing approvals` }], `Rule ${rule} does not allow standing approvals; approve without one.`);
  }
  const beyond: InvalidParam[] = [];
  if (body.maxUses > allowance.maxUses) beyond.push({ pointer: '/standing/maxUses', detail: `must be at most ${allowance.maxUses} (rule ${rule})` });
  if (ttlSeconds > allowance.maxTtlSeconds) beyond.push({ pointer: '/standing/ttl', detail: `must be at most ${duration(allowance.maxTtlSeconds)} (rule ${rule})` });
  if (beyond.length > 0) throw refuse(beyond, `Rule ${rule} allows standing approvals of at most ${allowance.maxUses} use(s) and ${duration(allowance.maxTtlSeconds)}.`);
  return { resource: body.resource, ...(body.when !== undefined ? { when: body.when } : {}), maxUses: body.maxUses, ttlSeconds };
}
