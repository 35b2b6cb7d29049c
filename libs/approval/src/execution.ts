import type { ActionExecutedData, CommandEnvelope, ExecutionStartedData, RecordExecutionData, Requester } from '@countersign/contracts';
import { principalActor, type ApprovalEventDraft, type DecideContext } from './context.ts';
import { rejectionFor } from './rejection.ts';
import type { ApprovalStatus } from './state.ts';

/** What an action's executions came to so far: the redemption of its grant, then the outcome. */
export interface ExecutionRecord {
  started?: ExecutionStartedData;
  executed?: ActionExecutedData;
}

/** What deciding an execution needs of an action, in its full state or its settled form. */
export interface ExecutionSubject {
  status: ApprovalStatus;
  requester?: Requester;
  /** The params hash the approval covers (rule 5); absent unless approved. */
  approvedParamsHash?: string;
  execution?: ExecutionRecord;
}

type RecordExecution = CommandEnvelope<'RecordExecution', RecordExecutionData>;

/**
 * An executor redeems the grant of an approved action, once, and reports how running it went,
 * once. The gateway verified the grant's signature and that it names this action; here the stream
 * decides the rest: approved, these exact params (rule 5), not redeemed before (a second
 * redemption with any grant is refused: the action runs once), redeemed before the grant expired.
 * A report of a redeemed grant is taken after the expiry (the run began in time); a report with no
 * redemption before it is both at once.
 */
export function decideExecution(command: RecordExecution, subject: ExecutionSubject, ctx: DecideContext): ApprovalEventDraft[] {
  const { data } = command;
  const refuse = (code: Parameters<typeof rejectionFor>[2], reason: string) => rejectionFor(command, data.executor, code, reason, subject.requester, ctx);
  if (subject.status !== 'approved' || subject.approvedParamsHash === undefined) {
    return refuse('not_approved', `This action is ${subject.status === 'none' ? 'not proposed' : subject.status}, not approved: it may not be executed.`);
  }
  if (data.paramsHash !== subject.approvedParamsHash) {
    return refuse('params_mismatch', `The approval covers params ${subject.approvedParamsHash.slice(0, 12)}…, not ${data.paramsHash.slice(0, 12)}…: run it with exactly the approved params.`);
  }
  const { started, executed } = subject.execution ?? {};
  const actor = principalActor(data.executor, ctx.directory, subject.requester);
  const reference = { grantId: data.grantId, kid: data.kid, executor: data.executor, paramsHash: data.paramsHash };
  const start: ApprovalEventDraft = { type: 'ExecutionStarted', data: { ...reference, startedAt: data.startedAt }, actor };
  if (data.phase === 'started') {
    if (started) return refuse('already_redeemed', `The grant of this action was redeemed already, by ${started.executor} at ${started.startedAt}: an approved action runs once.`);
    const expired = expiry(data, ctx);
    return expired ? refuse('grant_expired', expired) : [start];
  }
  if (executed) return refuse('already_executed', `The outcome of this action was reported already (${executed.outcome} at ${executed.finishedAt}).`);
  if (started && started.grantId !== data.grantId) {
    return refuse('already_redeemed', `The grant of this action was redeemed already, by ${started.executor} at ${started.startedAt}, with another grant.`);
  }
  const outcome: ActionExecutedData = {
    ...reference,
    outcome: data.outcome ?? 'failed',
    startedAt: started?.startedAt ?? data.startedAt,
    finishedAt: data.finishedAt ?? data.startedAt,
    ...(data.error !== undefined ? { error: data.error } : {}),
  };
  const report: ApprovalEventDraft = { type: 'ActionExecuted', data: outcome, actor };
  if (started) return [report];
  const expired = expiry(data, ctx);
  return expired ? refuse('grant_expired', expired) : [start, report];
}

function expiry(data: RecordExecutionData, ctx: DecideContext): string | undefined {
  return ctx.now.getTime() >= Date.parse(data.grantExpiresAt) ? `The grant expired at ${data.grantExpiresAt}: ask for the action again.` : undefined;
}

/** Folds an execution event into the record (the stream's order was checked when it was decided). */
export function evolveExecution(record: ExecutionRecord | undefined, event: { type: 'ExecutionStarted'; data: ExecutionStartedData } | { type: 'ActionExecuted'; data: ActionExecutedData }): ExecutionRecord | undefined {
  if (event.type === 'ExecutionStarted') return record?.started ? undefined : { ...record, started: event.data };
  return !record?.started || record.executed ? undefined : { ...record, executed: event.data };
}
