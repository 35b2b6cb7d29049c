import { policyVersionInForce, type PublishedRecord } from '@countersign/approval';

/**
 * The policy version in force, as the router needs it to publish compare-and-set: the seed (the
 * configured files) until the first publication, then the latest publication, ordered as the
 * evaluators and the read model order them. Fed from the policies topic (read whole when the
 * router takes partitions, then followed) and from the router's own commits at once.
 */
export class PolicyInForce {
  private readonly publications = new Map<string, PublishedRecord>();
  private cached: string | undefined;

  constructor(private readonly seedVersion: string) {}

  add(publication: PublishedRecord): void {
    if (this.publications.has(publication.id)) return;
    this.publications.set(publication.id, publication);
    this.cached = undefined;
  }

  version(): string {
    this.cached ??= policyVersionInForce(this.seedVersion, [...this.publications.values()]);
    return this.cached;
  }
}
