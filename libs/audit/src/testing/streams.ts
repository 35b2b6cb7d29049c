import { contentHash, sealEvents, type ActionEvent, type Actor, type DomainEventBody } from '@countersign/contracts';

const router: Actor = { id: 'approval-router', kind: 'service' };

export interface StreamOptions {
  streamId?: string;
  /** The first event's time; each next event is one second later. */
  startMs?: number;
}

/** Seals `bodies` into one chained action stream with a deterministic clock and ids. */
export function sealStream(bodies: readonly DomainEventBody[], { streamId = 'act-1', startMs = Date.UTC(2026, 0, 1) }: StreamOptions = {}): ActionEvent[] {
  let n = 0;
  const drafts = bodies.map((b) => ({ ...b, actor: actorOf(b) }));
  return sealEvents(drafts, {
    streamId, causationId: `cmd-${streamId}`, correlationId: streamId,
    now: () => new Date(startMs + 1000 * n++), newId: () => `evt-${streamId}-${String(n).padStart(3, '0')}`,
  }) as ActionEvent[];
}

function actorOf(body: DomainEventBody): Actor {
  if (body.type === 'ActionProposed') return { id: body.data.requester.id, kind: body.data.requester.kind };
  if (body.type === 'VoteRecorded') return { id: body.data.voter, kind: 'human' };
  if (body.type === 'ReviewRecorded') return { id: body.data.reviewer, kind: 'human' };
  if (body.type === 'NotificationDelivered' || body.type === 'NotificationFailed') return { id: 'notifier', kind: 'service' };
  return router;
}

export const proposal = (action: string, requester = 'demo-agent'): DomainEventBody => ({
  type: 'ActionProposed',
  data: {
    action, resource: 'prod/c', params: {}, paramsHash: contentHash({}), requestHash: contentHash(action),
    requester: { id: requester, kind: requester === 'demo-agent' ? 'agent' : 'human', identities: [] },
  },
});

/** A policy version: the content hash of its (one) file. */
export const policyVersion = (text: string) => contentHash([{ path: 'policies/main.yaml', text }]);

/** The stream of an approved `countersign.policy.publish` action, ending in PolicyPublished. */
export function publishStream(
  text: string,
  { streamId, startMs, previous, rollbackOf, author = 'alice', approvers = ['bob'] }: StreamOptions & { previous?: string; rollbackOf?: string; author?: string; approvers?: string[] },
): ActionEvent[] {
  const version = policyVersion(text);
  const decision = { rule: 'policy-changes', policyVersion: previous ?? policyVersion('genesis'), paramsHash: contentHash({}) };
  return sealStream([
    proposal('countersign.policy.publish', author),
    { type: 'ActionApproved', data: { ...decision, reason: `approved by ${approvers.join(', ')}`, automatic: false, approvers } },
    {
      type: 'PolicyPublished',
      data: {
        version, files: [{ path: 'policies/main.yaml', text }], author, approvers,
        ...(previous ? { previousVersion: previous } : {}), ...(rollbackOf ? { rollbackOf } : {}),
      },
    },
  ], { streamId, startMs });
}
