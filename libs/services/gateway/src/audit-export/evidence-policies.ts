/**
 * policies/: the versions in force during the bundle's range, and any its events name, each as
 * `policies/<version>/` with its YAML files and a version.json (its publications, and which file
 * is which path). Policy documents are read a few at a time; only their publication times are kept.
 */
import { COLLECTIONS, type PolicyDocument } from '@countersign/audit';
import type { ReadModelStore } from '@countersign/readmodel';
import { policyEntry, versionsInForce, type Publication } from './bundle-layout.ts';
import { spoolText, type SpooledFile } from './spool.ts';

const PAGE = 20;
const VERSION = /^[A-Za-z0-9_-]{1,128}$/;

export async function writePolicies(store: ReadModelStore, dir: string, range: { from?: string; to?: string }, named: ReadonlySet<string>): Promise<SpooledFile[]> {
  const policies = store.collection<PolicyDocument>(COLLECTIONS.policies);
  const publications: Publication[] = [];
  const known = new Set<string>();
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
    if (!doc) continue;
    const entries = doc.files.map((f, i) => ({ path: f.path, file: policyEntry(version, f.path, i) }));
    for (const [i, f] of doc.files.entries()) files.push(await spoolText(dir, entries[i].file, f.text));
    const description = { version, publications: doc.publications, files: entries.map((e) => ({ path: e.path, file: e.file.slice(`policies/${version}/`.length) })) };
    files.push(await spoolText(dir, `policies/${version}/version.json`, `${JSON.stringify(description, null, 2)}\n`));
  }
  return files;
}
