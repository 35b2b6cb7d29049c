/**
 * policies/: the versions in force during the bundle's range, and any its events name, each as
 * `policies/<version>/` with its YAML files and a version.json (its publications, and which file
 * is which path). Policy documents are read a few at a time; only their publication times are kept.
 *
 * The configured policy files (the seed) are in force from the start until the first publication:
 * they count as published at the beginning of time (`source: "seed"`, no publications). Only this
 * process's seed is known; a seed configured before a restart with other files is not.
 */
import { COLLECTIONS, type PolicyDocument } from '@countersign/audit';
import type { PolicyFileContent } from '@countersign/contracts';
import type { ReadModelStore } from '@countersign/readmodel';
import { policyEntry, versionsInForce, type Publication } from './bundle-layout.ts';
import { spoolText, type SpooledFile } from './spool.ts';

const PAGE = 20;
const VERSION = /^[A-Za-z0-9_-]{1,128}$/;

/** The configured policy set: its version and files (named as in their directory). */
export interface SeedPolicy {
  version: string;
  files: PolicyFileContent[];
}

export async function writePolicies(store: ReadModelStore, dir: string, range: { from?: string; to?: string }, named: ReadonlySet<string>, seed?: SeedPolicy): Promise<SpooledFile[]> {
  const policies = store.collection<PolicyDocument>(COLLECTIONS.policies);
  const known = new Set<string>();
  const publications: Publication[] = seed ? [{ version: seed.version, publishedAt: '', eventId: '' }] : [];
  if (seed) known.add(seed.version);
  for (let after: string | undefined; ; ) {
    const page = await policies.find(after === undefined ? {} : { _id: { $gt: after } }, { sort: { _id: 1 }, limit: PAGE });
    for (const doc of page) {
      known.add(doc.version);
      for (const p of doc.publications ?? []) publications.push({ version: doc.version, publishedAt: p.publishedAt, eventId: p.eventId });
    }
    if (page.length < PAGE) break;
    after = page.at(-1)!._id;
  }
  const versions = versionsInForce(publications, range);
  for (const v of named) if (known.has(v)) versions.add(v);
  const files: SpooledFile[] = [];
  for (const version of [...versions].sort()) {
    // Versions are content hashes (hex); anything else would not be a safe directory name.
    if (!VERSION.test(version)) continue;
    const doc = await policies.get(version);
    const content = doc ? { source: 'published', files: doc.files, publications: doc.publications } : seed?.version === version ? { source: 'seed', files: seed.files, publications: [] } : undefined;
    if (!content) continue;
    const entries = content.files.map((f, i) => ({ path: f.path, file: policyEntry(version, f.path, i) }));
    for (const [i, f] of content.files.entries()) files.push(await spoolText(dir, entries[i].file, f.text));
    const description = { version, source: content.source, publications: content.publications, files: entries.map((e) => ({ path: e.path, file: e.file.slice(`policies/${version}/`.length) })) };
    files.push(await spoolText(dir, `policies/${version}/version.json`, `${JSON.stringify(description, null, 2)}\n`));
  }
  return files;
}
