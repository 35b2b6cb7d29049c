// The input of `countersign policy eval` and of each `policy test` case: a proposal as policy sees it.
import { createAjv } from '@countersign/contracts';
import type { Directory } from '@countersign/identity';
import type { PolicyInput } from '@countersign/policy';
import { describeSchemaErrors, type SchemaProblem } from '@countersign/config-documents';

/** As written by a person: params, context and the requester's groups may be left out. */
export interface PolicyInputDocument {
  action: string;
  resource: string;
  params?: Record<string, unknown>;
  context?: Record<string, unknown>;
  justification?: string;
  /** The evaluation time for conditions on `now` (default: the time of the run). */
  now?: string;
  /** Owners of the resource; default: from the directory's `owns` globs, when one is given. */
  resourceOwners?: string[];
  requester: { id: string; kind: 'agent' | 'human'; groups?: string[] };
}

export const policyInputSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['action', 'resource', 'requester'],
  properties: {
    action: { type: 'string', minLength: 1 },
    resource: { type: 'string' },
    params: { type: 'object' },
    context: { type: 'object' },
    justification: { type: 'string' },
    now: { type: 'string', format: 'date-time' },
    resourceOwners: { type: 'array', items: { type: 'string', minLength: 1 } },
    requester: {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'kind'],
      properties: {
        id: { type: 'string', minLength: 1 },
        kind: { type: 'string', enum: ['agent', 'human'] },
        groups: { type: 'array', items: { type: 'string', minLength: 1 } },
      },
    },
  },
} as const;

const validateInput = createAjv().compile(policyInputSchema);

export type InputCheck = { ok: true; input: PolicyInputDocument } | { ok: false; problems: SchemaProblem[] };

export function checkPolicyInput(value: unknown): InputCheck {
  if (validateInput(value)) return { ok: true, input: value as PolicyInputDocument };
  return { ok: false, problems: describeSchemaErrors(validateInput.errors, value, {}) };
}

/**
 * Completes an input for evaluation. Groups written in the input win; otherwise they come from
 * the directory (when one is given), as the gateway would resolve them for a real proposal.
 */
export function resolvePolicyInput(doc: PolicyInputDocument, directory?: Directory, now: Date = new Date()): { ok: true; input: PolicyInput } | { ok: false; problem: SchemaProblem } {
  let groups = doc.requester.groups;
  if (!groups && directory) {
    const principal = directory.get(doc.requester.id);
    if (!principal) return { ok: false, problem: { pointer: '/requester/id', message: `names no principal of the directory ("${doc.requester.id}")` } };
    groups = principal.groups;
  }
  return {
    ok: true,
    input: {
      action: doc.action,
      resource: doc.resource,
      params: doc.params ?? {},
      ...(doc.context ? { context: doc.context } : {}),
      ...(doc.justification !== undefined ? { justification: doc.justification } : {}),
      resourceOwners: doc.resourceOwners ?? directory?.ownersOf(doc.resource) ?? [],
      now: doc.now ? new Date(doc.now) : now,
      requester: { id: doc.requester.id, kind: doc.requester.kind, groups: [...(groups ?? [])] },
    },
  };
}
