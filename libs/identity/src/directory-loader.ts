import { createAjv, GATEWAY_PRINCIPAL, resourceGlobProblem } from '@countersign/contracts';
import { createDirectory, type Directory, type Principal } from './directory.ts';
import { PATTERN_HINTS, principalListSchema, type GroupMappingSpec, type PrincipalListDocument, type PrincipalSpec } from './principal-schema.ts';
import { errorAt as at, formatSourceError, location, readValidatedDocuments, sortErrors, type SourceError, type YamlSource } from '@countersign/config-documents';

export interface PrincipalFile {
  path: string;
  text: string;
}

/** A problem in a principals file: `formatDirectoryError` prints it as `file:line: pointer message`. */
export type DirectoryError = SourceError;

export type DirectoryLoad = { ok: true; directory: Directory } | { ok: false; errors: DirectoryError[] };

const validate = createAjv().compile(principalListSchema);

interface Entry {
  source: YamlSource;
  index: number;
  spec: PrincipalSpec;
}

/** Parses and validates principals files (taken in path order) and builds the directory. */
export function loadDirectory(files: readonly PrincipalFile[]): DirectoryLoad {
  const read = readValidatedDocuments<PrincipalListDocument>(files, validate, PATTERN_HINTS);
  const entries: Entry[] = read.documents.flatMap(({ source, document }) => document.spec.principals.map((spec, index) => ({ source, index, spec })));
  const mappings = read.documents.flatMap(({ source, document }) => (document.spec.groupMappings ?? []).map((spec, index) => ({ source, index, spec })));
  const errors = [...read.errors, ...checkConsistency(entries), ...checkGroupMappings(mappings)];
  if (errors.length > 0) return { ok: false, errors: sortErrors(errors, read.order) };
  return { ok: true, directory: createDirectory(entries.map((e) => toPrincipal(e.spec)), mappings.map((m) => m.spec)) };
}

/** One IdP group maps in one place: two entries for it would make the files' order matter. */
function checkGroupMappings(mappings: readonly { source: YamlSource; index: number; spec: GroupMappingSpec }[]): DirectoryError[] {
  const seen = new Map<string, string>();
  const errors: DirectoryError[] = [];
  for (const { source, index, spec } of mappings) {
    const here = at(source, `/spec/groupMappings/${index}/idpGroup`, '');
    const first = seen.get(spec.idpGroup);
    if (first) errors.push({ ...here, message: `duplicates the mapping of IdP group ${JSON.stringify(spec.idpGroup)} (first at ${first})` });
    else seen.set(spec.idpGroup, location(here));
  }
  return errors;
}

export const formatDirectoryError: (e: DirectoryError) => string = formatSourceError;

/**
 * Checks across every file: ids, keys and identities are unique (signing key ids within their
 * principal, since a record names `<principal>/<key id>`); the gateway's service principal is not
 * redefined; owners are existing humans; `owns` globs are canonical.
 */
function checkConsistency(entries: readonly Entry[]): DirectoryError[] {
  const errors: DirectoryError[] = [];
  const principalAt = new Map<string, { entry: Entry; where: string }>();
  const keyIdAt = new Map<string, string>();
  const keyHashAt = new Map<string, string>();
  const identityAt = new Map<string, string>();
  const publicKeyAt = new Map<string, string>();
  const claim = (seen: Map<string, string>, value: string, owner: string, e: DirectoryError, says: (first: string) => string) => {
    const first = seen.get(value);
    if (first) errors.push({ ...e, message: says(first) });
    else seen.set(value, `${owner} at ${location(e)}`);
  };
  for (const entry of entries) {
    const { spec } = entry;
    const base = `/spec/principals/${entry.index}`;
    const here = at(entry.source, `${base}/id`, '');
    const first = principalAt.get(spec.id);
    if (first) errors.push({ ...here, message: `duplicates principal id "${spec.id}" (first defined at ${first.where})` });
    else principalAt.set(spec.id, { entry, where: location(here) });
    if (spec.id === GATEWAY_PRINCIPAL) errors.push({ ...here, message: `"${GATEWAY_PRINCIPAL}" is reserved for the gateway's service principal (its key is configured, not listed)` });
    const signingKeyAt = new Map<string, string>();
    (spec.signingKeys ?? []).forEach((key, k) => {
      claim(signingKeyAt, key.id, spec.id, at(entry.source, `${base}/signingKeys/${k}/id`, ''), (f) => `duplicates signing key id "${key.id}" (first used by ${f})`);
      claim(publicKeyAt, key.publicKey, `${key.id} of ${spec.id}`, at(entry.source, `${base}/signingKeys/${k}/publicKey`, ''), (f) => `is the same public key as ${f}`);
    });
    (spec.apiKeys ?? []).forEach((key, k) => {
      claim(keyIdAt, key.id, spec.id, at(entry.source, `${base}/apiKeys/${k}/id`, ''), (f) => `duplicates API key id "${key.id}" (first used by ${f})`);
      claim(keyHashAt, key.sha256, `${key.id} of ${spec.id}`, at(entry.source, `${base}/apiKeys/${k}/sha256`, ''), (f) => `is the same key as ${f}`);
    });
    (spec.identities ?? []).forEach((identity, k) => {
      claim(identityAt, identity, spec.id, at(entry.source, `${base}/identities/${k}`, ''), (f) => `"${identity}" is already linked to ${f}`);
    });
  }
  for (const { source, index, spec } of entries) {
    // Resources are matched in canonical form only: an `owns` glob must be one too, or it owns nothing.
    (spec.owns ?? []).forEach((glob, k) => {
      const problem = resourceGlobProblem(glob);
      if (problem) errors.push(at(source, `/spec/principals/${index}/owns/${k}`, problem));
    });
    if (spec.owner === undefined) continue;
    const pointer = `/spec/principals/${index}/owner`;
    const owner = principalAt.get(spec.owner)?.entry.spec;
    if (spec.kind !== 'agent') errors.push(at(source, pointer, `is only allowed on agents (${spec.id} is a ${spec.kind})`));
    else if (!owner) errors.push(at(source, pointer, `names no known principal ("${spec.owner}")`));
    else if (owner.kind !== 'human') errors.push(at(source, pointer, `must be a human (${owner.id} is an ${owner.kind})`));
  }
  return errors;
}

function toPrincipal(spec: PrincipalSpec): Principal {
  return {
    id: spec.id,
    kind: spec.kind,
    ...(spec.name !== undefined ? { name: spec.name } : {}),
    ...(spec.email !== undefined ? { email: spec.email } : {}),
    groups: spec.groups ?? [],
    roles: spec.roles ?? [],
    ...(spec.owner !== undefined ? { owner: spec.owner } : {}),
    ...(spec.owns?.length ? { owns: [...spec.owns] } : {}),
    identities: spec.identities ?? [],
    apiKeys: (spec.apiKeys ?? []).map((k) => ({ id: k.id, sha256: k.sha256 })),
    ...(spec.signingKeys?.length ? { signingKeys: spec.signingKeys.map((k) => ({ id: k.id, publicKey: k.publicKey })) } : {}),
  };
}
