import { publicationOrder, type ActionEvent, type PolicyFileContent } from '@countersign/contracts';

// The order of publications is a contract (the router and evaluators use it too); re-exported here
// for the read model's callers.
export { publicationOrder };

export type PolicyPublishedEvent = Extract<ActionEvent, { type: 'PolicyPublished' }>;

/** One time a version took effect (a rollback publishes an earlier version again). */
export interface PolicyPublication {
  /** The `countersign.policy.publish` action that published it. */
  actionId: string;
  eventId: string;
  publishedAt: string;
  author: string;
  approvers: string[];
  previousVersion?: string;
  rollbackOf?: string;
}

/**
 * One published policy version in the `policies` read model; `_id` is the version (the content
 * hash). The top-level publication fields are those of its latest publication.
 */
export interface PolicyDocument extends PolicyPublication {
  _id: string;
  version: string;
  files: PolicyFileContent[];
  /** Every publication of this version, oldest first; one per PolicyPublished event. */
  publications: PolicyPublication[];
  [key: string]: unknown;
}

function publicationOf(event: PolicyPublishedEvent): PolicyPublication {
  const d = event.data;
  return {
    actionId: event.streamId,
    eventId: event.id,
    publishedAt: event.occurredAt,
    author: d.author,
    approvers: d.approvers,
    ...(d.previousVersion ? { previousVersion: d.previousVersion } : {}),
    ...(d.rollbackOf ? { rollbackOf: d.rollbackOf } : {}),
  };
}

/**
 * evolve(doc, event) for the policies read model. Idempotent by event id: a redelivered
 * publication returns `doc` itself, so nothing is written again and nothing is listed twice.
 */
export function projectPolicy(doc: PolicyDocument | undefined, event: PolicyPublishedEvent): PolicyDocument {
  if (doc?.publications.some((p) => p.eventId === event.id)) return doc;
  const publications = [...(doc?.publications ?? []), publicationOf(event)].sort(publicationOrder);
  const latest = publications.at(-1)!;
  return { _id: event.data.version, version: event.data.version, files: event.data.files, ...latest, publications };
}

/**
 * Applies the PolicyPublished events among `events` to the documents they touch; `load` gives the
 * stored document of a version. Returns only the documents that changed, for one bulk write.
 */
export async function projectPolicies(
  events: readonly ActionEvent[],
  load: (version: string) => Promise<PolicyDocument | undefined>,
): Promise<PolicyDocument[]> {
  const docs = new Map<string, PolicyDocument | undefined>();
  const changed = new Set<string>();
  for (const event of events) {
    if (event.type !== 'PolicyPublished') continue;
    const version = event.data.version;
    const before = docs.has(version) ? docs.get(version) : await load(version);
    const after = projectPolicy(before, event);
    docs.set(version, after);
    if (after !== before) changed.add(version);
  }
  return [...changed].map((version) => docs.get(version)!);
}

/** The version in effect: the one published last, by (publishedAt, eventId). */
export function activePolicy(docs: readonly PolicyDocument[]): PolicyDocument | undefined {
  return docs.reduce<PolicyDocument | undefined>((best, doc) => (!best || publicationOrder(best, doc) < 0 ? doc : best), undefined);
}

export const activePolicyVersion = (docs: readonly PolicyDocument[]): string | undefined => activePolicy(docs)?.version;
