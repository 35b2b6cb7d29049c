import { contentHash, sealEvents, type ActionEvent, type DomainEventBody } from '@countersign/contracts';

/**
 * Sealed, chained action streams for the gateway's answer tests: each step is what the router
 * appends for one command (its events carry the command id as causationId).
 */
export interface Step {
  command: string;
  bodies: DomainEventBody[];
}

const T0 = Date.UTC(2026, 0, 1);
const VERSION = 'a'.repeat(64);
const PARAMS_HASH = contentHash({});

export function sealSteps(steps: readonly Step[], streamId = 'act-1'): ActionEvent[] {
  const events: ActionEvent[] = [];
  let n = 0;
  for (const step of steps) {
    const last = events.at(-1);
    events.push(...(sealEvents(step.bodies.map((b) => ({ ...b, actor: { id: 'approval-router', kind: 'service' as const } })), {
      streamId, causationId: step.command, correlationId: streamId,
      ...(last ? { head: { seq: last.seq, hash: last.hash } } : {}),
      now: () => new Date(T0 + 1000 * n), newId: () => `evt-${streamId}-${++n}`,
    }) as ActionEvent[]));
  }
  return events;
}

export const proposed: DomainEventBody = {
  type: 'ActionProposed',
  data: {
    action: 'data.export', resource: 'prod/customers', params: {}, paramsHash: PARAMS_HASH, requestHash: contentHash('body'),
    requester: { id: 'demo-agent', kind: 'agent', identities: [] },
  },
};

export const needsApproval: DomainEventBody = {
  type: 'PolicyEvaluated',
  data: { outcome: 'require_approval', policyVersion: VERSION, matchedRules: ['exports'], rule: 'exports', reason: 'exports need a steward' },
};

export const allowed: DomainEventBody = {
  type: 'PolicyEvaluated',
  data: { outcome: 'allow', policyVersion: VERSION, matchedRules: ['reads'], rule: 'reads', reason: 'reads are allowed' },
};

export const autoApproved: DomainEventBody = {
  type: 'ActionApproved',
  data: { rule: 'reads', policyVersion: VERSION, paramsHash: PARAMS_HASH, reason: 'allowed by policy', automatic: true, approvers: [] },
};

export const approvalRequested: DomainEventBody = {
  type: 'ApprovalRequested',
  data: {
    rule: 'exports', policyVersion: VERSION, quorum: 1, distinctGroups: false, groups: ['stewards'],
    eligible: ['bob'], eligibleGroups: { bob: ['stewards'] }, deadline: '2026-01-02T00:00:00.000Z',
  },
};

export const bobApproves: DomainEventBody = { type: 'VoteRecorded', data: { voter: 'bob', decision: 'approve', via: 'api' } };

export const approvedByBob: DomainEventBody = {
  type: 'ActionApproved',
  data: { rule: 'exports', policyVersion: VERSION, paramsHash: PARAMS_HASH, reason: 'approved by bob', automatic: false, approvers: ['bob'] },
};

export const refused = (commandId: string): DomainEventBody => ({
  type: 'CommandRejected',
  data: { command: 'CastVote', commandId, by: 'demo-agent', code: 'self_approval', reason: 'demo-agent may not approve its own action' },
});

/**
 * A pending export approved by bob: proposal (cmd-propose: three events), a refused self-approval
 * (cmd-self), then bob's vote and the decision (cmd-bob).
 */
export const approvedExport = (streamId = 'act-1') => sealSteps([
  { command: 'cmd-propose', bodies: [proposed, needsApproval, approvalRequested] },
  { command: 'cmd-self', bodies: [refused('cmd-self')] },
  { command: 'cmd-bob', bodies: [bobApproves, approvedByBob] },
], streamId);
