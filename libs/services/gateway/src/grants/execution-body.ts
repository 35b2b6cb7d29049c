/** The body of `POST /v1/actions/:id/executions`: the grant, the params run with, and the outcome when reporting. */
export interface ExecutionBody {
  grant: string;
  params: Record<string, unknown>;
  outcome?: 'succeeded' | 'failed';
  startedAt?: string;
  finishedAt?: string;
  error?: string;
  /** Who runs it: only ever the caller (the grant's holder), stated by clients that say so. */
  executor?: string;
}

export const executionBody = {
  type: 'object',
  required: ['grant', 'params'],
  additionalProperties: false,
  properties: {
    grant: { type: 'string', minLength: 1, maxLength: 8192 },
    params: { type: 'object' },
    outcome: { enum: ['succeeded', 'failed'] },
    startedAt: { type: 'string', format: 'date-time', maxLength: 64 },
    finishedAt: { type: 'string', format: 'date-time', maxLength: 64 },
    error: { type: 'string', minLength: 1, maxLength: 4000 },
    executor: { type: 'string', minLength: 1, maxLength: 512 },
  },
} as const;
