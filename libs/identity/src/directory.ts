import picomatch from 'picomatch';
import { sameDigest, sha256Hex } from '@countersign/contracts';
import type { GroupMappingSpec, PrincipalKind, PrincipalRole } from './principal-schema.ts';

/** An IdP group and the Countersign groups it stands for at console sign-in (principals files). */
export type GroupMapping = Readonly<GroupMappingSpec>;

export interface ApiKeyRef {
  id: string;
  /** SHA-256 of the key, hex; the key itself is never stored. */
  sha256: string;
}

export interface SigningKeyRef {
  id: string;
  publicKey: string;
}

/** One person or agent. A person is one principal, whatever chat identities they use. */
export interface Principal {
  id: string;
  kind: PrincipalKind;
  name?: string;
  email?: string;
  groups: string[];
  roles: PrincipalRole[];
  /** Agents only: the human the agent acts for. */
  owner?: string;
  /** Globs over the resource paths this principal owns. */
  owns?: string[];
  /** Linked identities, e.g. "slack:U0ALICE". */
  identities: string[];
  apiKeys: ApiKeyRef[];
  /** Ed25519 public keys (JWK `x`) the principal signs proposals-topic records with. */
  signingKeys?: SigningKeyRef[];
}

/** What the approval domain needs to know about principals, as plain data. */
export interface DirectorySnapshot {
  /** `admin`: may also revoke any standing approval (ADR 0004). */
  principals: Record<string, { kind: PrincipalKind; groups: string[]; readsAll?: boolean; admin?: boolean }>;
}

export interface Directory {
  readonly principals: readonly Principal[];
  get(id: string): Principal | undefined;
  /** The principal an API key belongs to, and which of its keys it is. */
  authenticate(apiKey: string): { principal: Principal; keyId: string } | undefined;
  byIdentity(identity: string): Principal | undefined;
  membersOf(group: string): Principal[];
  identitiesOf(id: string): string[];
  /** Ids of the principals whose `owns` globs match the resource, sorted. */
  ownersOf(resource: string): string[];
  snapshot(): DirectorySnapshot;
  /** The principals files' `groupMappings`, in file order (console sign-in, ADR 0008). */
  readonly groupMappings: readonly GroupMapping[];
}

/** Auditors and admins read every action and the audit trail (neither role approves anything). */
export const readsAll = (p: Pick<Principal, 'roles'>): boolean => (p.roles ?? []).some((r) => r === 'auditor' || r === 'admin');

/** SHA-256 of an API key, hex: what a principals file stores instead of the key. */
export function hashApiKey(key: string): string {
  return sha256Hex(key);
}

/** Builds the lookups of a directory from principals already checked for consistency. */
export function createDirectory(principals: readonly Principal[], groupMappings: readonly GroupMappingSpec[] = []): Directory {
  const all = principals.map(freezePrincipal);
  const byId = new Map(all.map((p) => [p.id, p]));
  const byIdentity = new Map(all.flatMap((p) => p.identities.map((i) => [i, p] as const)));
  const owning = all.filter((p) => p.owns?.length).map((p) => ({ id: p.id, re: p.owns!.map((g) => picomatch.makeRe(g, { dot: true })) }));
  const keys = all.flatMap((p) => p.apiKeys.map((k) => ({ principal: p, keyId: k.id, digest: k.sha256 })));

  const mappings = Object.freeze(groupMappings.map((m) => Object.freeze({ idpGroup: m.idpGroup, groups: Object.freeze([...m.groups]) as string[] })));
  return {
    principals: all,
    groupMappings: mappings,
    get: (id) => byId.get(id),
    authenticate(apiKey) {
      if (!apiKey) return undefined;
      const digest = hashApiKey(apiKey);
      // Compare against every key without stopping early, so timing says nothing about which
      // stored hash came close. Directories are config files: tens or hundreds of keys.
      let found: { principal: Principal; keyId: string } | undefined;
      for (const k of keys) {
        if (sameDigest(k.digest, digest) && !found) found = { principal: k.principal, keyId: k.keyId };
      }
      return found;
    },
    byIdentity: (identity) => byIdentity.get(identity),
    membersOf: (group) => all.filter((p) => p.groups.includes(group)),
    identitiesOf: (id) => [...(byId.get(id)?.identities ?? [])],
    ownersOf: (resource) => owning.filter((o) => o.re.some((re) => re.test(resource))).map((o) => o.id).sort(),
    snapshot: () => ({
      principals: Object.fromEntries(all.map((p) => [p.id, {
        kind: p.kind, groups: [...p.groups], ...(readsAll(p) ? { readsAll: true } : {}), ...(p.roles.includes('admin') ? { admin: true } : {}),
      }])),
    }),
  };
}

/** Principals are shared by every caller of the directory; nobody may change them in place. */
function freezePrincipal(p: Principal): Principal {
  return Object.freeze({
    ...p,
    groups: Object.freeze([...p.groups]) as string[],
    roles: Object.freeze([...p.roles]) as PrincipalRole[],
    identities: Object.freeze([...p.identities]) as string[],
    ...(p.owns ? { owns: Object.freeze([...p.owns]) as string[] } : {}),
    apiKeys: Object.freeze(p.apiKeys.map((k) => Object.freeze({ ...k }))) as ApiKeyRef[],
    ...(p.signingKeys ? { signingKeys: Object.freeze(p.signingKeys.map((k) => Object.freeze({ ...k }))) as SigningKeyRef[] } : {}),
  });
}
