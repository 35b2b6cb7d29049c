/**
 * Decided actions as the router would have written them, fast: for tests and the router-start
 * benchmark that need a log with many of them. Each action is a real, sealed stream (proposed with
 * a require_approval evaluation, approved by alice's vote, its decision delivered by the notifier:
 * six events) decided by the approval domain, and its head as the router writes it then.
 */
import { decide, evolve, initialState, type ApprovalEventDraft, type ApprovalState, type Directory } from '@countersign/approval';
import { contentHash, sealEvents, type ActionCommand, type ActionEvent } from '@countersign/contracts';
import { held } from '../working-set.ts';
import { encodeHead } from '../stream-head.ts';

export const DECIDED_DIRECTORY: Directory = {
  principals: {
    rita: { kind: 'human', groups: ['sre'] },
    alice: { kind: 'human', groups: ['sre'] },
    bob: { kind: 'human', groups: ['sre'] },
    zed: { kind: 'human', groups: ['eng'] },
  },
};

export interface DecidedAction {
  actionId: string;
  events: ActionEvent[];
  /** The head record value the router writes after the last event. */
  head: Record<string, unknown>;
  /** The proposal command of the action (a re-proposal of it must start nothing). */
  proposal: ActionCommand;
}

/** The `index`-th decided action of a run (`prefix` keeps runs apart), decided at `at`. */
export function decidedAction(prefix: string, index: number, at: Date): DecidedAction {
  const actionId = `${prefix}-${index}`;
  const base = { actionId, issuedAt: at.toISOString(), correlationId: actionId };
  const params = { table: 'customers', rows: index % 1000, reason: 'quarterly export' };
  const proposalData = {
    action: 'data.export', resource: 'db/customers', params, paramsHash: contentHash(params), requestHash: contentHash({ params }),
    requester: { id: 'rita', kind: 'human' as const, identities: [] },
  };
  const evaluation = {
    outcome: 'require_approval' as const, policyVersion: 'pv-1', matchedRules: ['exports'], rule: 'exports', reason: 'exports need an approval',
    approval: { groups: ['sre'], principals: [], quorum: 1, distinctGroups: false, timeoutSeconds: 3600 },
  };
  const commands: ActionCommand[] = [
    { ...base, id: `${actionId}-p`, type: 'RecordProposal', actor: { id: 'policy-evaluator', kind: 'service' }, data: { proposal: proposalData, evaluation } },
    { ...base, id: `${actionId}-v`, type: 'CastVote', actor: { id: 'gateway', kind: 'service' }, data: { voter: 'alice', voterIdentities: [], decision: 'approve', via: 'api' } },
    { ...base, id: `${actionId}-n`, type: 'RecordNotificationDelivered', actor: { id: 'notifier', kind: 'service' }, data: { channel: 'slack:#approvals', purpose: 'decision', attempt: 1 } },
  ] as ActionCommand[];
  let state: ApprovalState = initialState;
  const events: ActionEvent[] = [];
  let n = 0;
  for (const command of commands) {
    const drafts: ApprovalEventDraft[] = decide(command, state, { now: at, directory: DECIDED_DIRECTORY });
    const last = events.at(-1);
    const sealed = sealEvents(drafts, {
      streamId: actionId, head: last && { seq: last.seq, hash: last.hash }, causationId: command.id, correlationId: actionId,
      now: () => at, newId: () => `${actionId}-e${++n}`,
    }) as ActionEvent[];
    state = sealed.reduce(evolve, state);
    events.push(...sealed);
  }
  const last = events.at(-1)!;
  const form = held(state);
  const head = encodeHead(form.settled ? { seq: last.seq, hash: last.hash, settled: form.settled } : { seq: last.seq, hash: last.hash, state: form.state! });
  const proposal = { ...commands[0], id: `${actionId}-again`, type: 'ProposeAction', actor: { id: 'gateway', kind: 'service' }, data: proposalData } as ActionCommand;
  return { actionId, events, head, proposal };
}
