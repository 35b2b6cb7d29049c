import type { ActionExecutedData, EventEnvelope, ExecutionStartedData } from '@countersign/contracts';

/** An approved action's execution as the API shows it: redeemed (`started`), then its outcome. */
export interface ExecutionView {
  status: 'started' | 'succeeded' | 'failed';
  executor: string;
  startedAt: string;
  finishedAt?: string;
  error?: string;
  /** The grant redeemed, and the key that signed it. */
  grantId: string;
  kid: string;
  /** When the redemption was recorded. */
  redeemedAt: string;
}

type ExecutionEvent = EventEnvelope<'ExecutionStarted', ExecutionStartedData> | EventEnvelope<'ActionExecuted', ActionExecutedData>;

export function executionAfter(current: ExecutionView | undefined, event: ExecutionEvent): ExecutionView {
  const d = event.data;
  const started = { executor: d.executor, grantId: d.grantId, kid: d.kid, redeemedAt: current?.redeemedAt ?? event.occurredAt };
  if (event.type === 'ExecutionStarted') return { status: 'started', ...started, startedAt: d.startedAt };
  const done = event.data;
  return {
    status: done.outcome, ...started, startedAt: done.startedAt, finishedAt: done.finishedAt, ...(done.error !== undefined ? { error: done.error } : {}),
  };
}
