import { publicationOrder } from '@countersign/audit';
import type { EventEnvelope, PolicyPublishedData } from '@countersign/contracts';
import { formatPolicyError, loadPolicySet, type CompiledPolicySet } from '@countersign/policy';

export type PolicyPublished = EventEnvelope<'PolicyPublished', PolicyPublishedData>;

/** Where the policy in use came from: the configured files, or a publication on the log. */
export interface ActivePolicyInfo {
  version: string;
  source: 'seed' | 'published';
  publishedAt?: string;
  actionId?: string;
}

/**
 * The policy set an evaluator uses, built from PolicyPublished events. Publications may arrive in
 * any order (they live in the streams of their publish actions, on any partition), so the active
 * one is the latest by (occurredAt, event id), whatever order they were seen in: every evaluator
 * that has seen the same publications uses the same version. Until there is one, the configured
 * files (the seed) apply. Each version is compiled once and kept, so a rollback costs nothing.
 */
export class ActivePolicy {
  private readonly compiled = new Map<string, CompiledPolicySet>();
  private readonly seen = new Set<string>();
  private latest?: { event: PolicyPublished; policy: CompiledPolicySet };

  constructor(private readonly seed: CompiledPolicySet) {
    this.compiled.set(seed.version, seed);
  }

  current(): CompiledPolicySet {
    return this.latest?.policy ?? this.seed;
  }

  info(): ActivePolicyInfo {
    if (!this.latest) return { version: this.seed.version, source: 'seed' };
    const { event } = this.latest;
    return { version: event.data.version, source: 'published', publishedAt: event.occurredAt, actionId: event.streamId };
  }

  /**
   * Takes a publication into account. Returns why it cannot be used (its files do not compile, or
   * compile to another version than it claims), in which case nothing changes.
   */
  apply(event: PolicyPublished): { ok: true; changed: boolean } | { ok: false; reason: string } {
    if (this.seen.has(event.id)) return { ok: true, changed: false };
    const policy = this.compile(event.data);
    if ('reason' in policy) return { ok: false, reason: policy.reason };
    this.seen.add(event.id);
    if (this.latest && !isLater(event, this.latest.event)) return { ok: true, changed: false };
    const changed = this.current().version !== policy.version;
    this.latest = { event, policy };
    return { ok: true, changed };
  }

  private compile(data: PolicyPublishedData): CompiledPolicySet | { reason: string } {
    const known = this.compiled.get(data.version);
    if (known) return known;
    const loaded = loadPolicySet(data.files);
    if (!loaded.ok) return { reason: `published policy ${data.version} does not load: ${loaded.errors.map(formatPolicyError).join('; ')}` };
    if (loaded.policy.version !== data.version) {
      return { reason: `published policy claims version ${data.version} but its files are version ${loaded.policy.version}` };
    }
    this.compiled.set(data.version, loaded.policy);
    return loaded.policy;
  }
}

/** The same order as the policies read model's (audit's `publicationOrder`), so the API and evaluators agree. */
function isLater(a: PolicyPublished, b: PolicyPublished): boolean {
  return publicationOrder({ publishedAt: a.occurredAt, eventId: a.id }, { publishedAt: b.occurredAt, eventId: b.id }) > 0;
}
