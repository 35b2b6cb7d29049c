import type { PolicyFileContent } from '@countersign/contracts';
import { publishPolicyBody } from '../policy-requests.ts';
import { checker } from '../request-schemas.ts';

/** How many recorded actions one simulation replays at most (and by default): a bounded budget. */
export const MAX_SIMULATED_ACTIONS = 1000;
export const DEFAULT_SIMULATED_ACTIONS = 500;

export interface SimulateBody {
  files: PolicyFileContent[];
  since?: string;
  until?: string;
  action?: string;
  limit?: number;
}

/** `POST /v1/policies/simulate`: the candidate's files as for publishing, and which recorded actions to replay. */
export const simulateBodySchema = {
  type: 'object',
  required: ['files'],
  additionalProperties: false,
  properties: {
    files: publishPolicyBody.properties.files,
    since: { type: 'string', format: 'date-time' },
    until: { type: 'string', format: 'date-time' },
    action: { type: 'string', minLength: 1, maxLength: 128, pattern: '^[a-z0-9*?{}\\[\\],._-]+$' },
    limit: { type: 'integer', minimum: 1, maximum: MAX_SIMULATED_ACTIONS },
  },
} as const;

export const parseSimulate = checker<SimulateBody>(simulateBodySchema, 'body');
