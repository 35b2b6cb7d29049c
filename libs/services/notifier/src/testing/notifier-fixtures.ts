import { contentHash, sealEvents, type ActionEvent, type Actor, type DomainEventBody } from '@countersign/contracts';
import type { ApprovalMessage, NotificationChannel } from '../channel.port.ts';

const ROUTER: Actor = { id: 'approval-router', kind: 'service' };
export const T0 = Date.UTC(2026, 0, 1);

/** Seals `bodies` into one action stream, one second apart, with deterministic ids. */
export function stream(bodies: readonly DomainEventBody[], streamId = 'act-1'): ActionEvent[] {
  let n = 0;
  return sealEvents(bodies.map((b) => ({ ...b, actor: ROUTER })), {
    streamId, causationId: `cmd-${streamId}`, correlationId: streamId,
    now: () => new Date(T0 + 1000 * n++), newId: () => `evt-${streamId}-${n}`,
  }) as ActionEvent[];
}

export const proposed = (over: Partial<Extract<DomainEventBody, { type: 'ActionProposed' }>['data']> = {}): DomainEventBody => ({
  type: 'ActionProposed',
  data: {
    action: 'data.export', resource: 'prod/customers', params: { table: 'customers', db_password: 'hunter2' },
    paramsHash: contentHash({}), requestHash: contentHash('r'), justification: 'quarterly report',
    requester: { id: 'demo-agent', kind: 'agent', onBehalfOf: 'carol', identities: [] },
    ...over,
  },
});

export const evaluated = (redactParams?: string[]): DomainEventBody => ({
  type: 'PolicyEvaluated',
  data: {
    outcome: 'require_approval', policyVersion: 'v1', matchedRules: ['prod-export'], rule: 'prod-export', reason: 'prod exports need a steward',
    explanation: 'rule prod-export matched', ...(redactParams ? { redactParams } : {}),
  },
});

export const requested = (channels?: string[]): DomainEventBody => ({
  type: 'ApprovalRequested',
  data: {
    rule: 'prod-export', policyVersion: 'v1', quorum: 1, distinctGroups: false, groups: ['data-stewards'], eligible: ['alice', 'bob'],
    eligibleGroups: { alice: ['data-stewards'], bob: ['data-stewards'] }, deadline: '2026-01-01T01:00:00.000Z',
    ...(channels ? { channels } : {}),
  },
});

export const escalated = (channels?: string[]): DomainEventBody => ({
  type: 'ApprovalEscalated',
  data: { groups: ['security'], added: ['erin'], addedGroups: { erin: ['security'] }, at: '2026-01-01T00:30:00.000Z', ...(channels ? { channels } : {}) },
});

export const approved = (approvers = ['alice']): DomainEventBody => ({
  type: 'ActionApproved',
  data: { rule: 'prod-export', policyVersion: 'v1', paramsHash: contentHash({}), reason: `approved by ${approvers.join(', ')}`, automatic: false, approvers },
});

export const vote = (voter: string, decision: 'approve' | 'deny' = 'approve'): DomainEventBody => ({
  type: 'VoteRecorded', data: { voter, decision, via: 'api' },
});

export const delivered = (channel: string, purpose: 'request' | 'escalation' | 'decision' | 'callback', ref?: Record<string, string>, updated?: boolean): DomainEventBody => ({
  type: 'NotificationDelivered', data: { channel, purpose, attempt: 1, ...(ref ? { ref } : {}), ...(updated ? { updated } : {}) },
});

/** A channel adapter that records calls and fails as told: `failures` errors before it succeeds. */
export function fakeChannel(kind: string, behaviour: { failWith?: () => Error; failures?: number; updatable?: boolean } = {}) {
  const sent: { address: string; message: ApprovalMessage }[] = [];
  const updated: { ref: Record<string, string>; message: ApprovalMessage }[] = [];
  let failures = behaviour.failures ?? 0;
  const channel: NotificationChannel = {
    kind,
    async send(address, message) {
      if (failures > 0 && behaviour.failWith) {
        failures -= 1;
        throw behaviour.failWith();
      }
      sent.push({ address, message });
      return behaviour.updatable === false ? undefined : { address, n: String(sent.length) };
    },
    ...(behaviour.updatable === false ? {} : {
      async update(ref: Record<string, string>, message: ApprovalMessage) {
        updated.push({ ref, message });
      },
    }),
  };
  return { channel, sent, updated };
}
