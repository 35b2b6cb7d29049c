import type { Directory, GroupMapping, Principal } from './directory.ts';

/** What the gateway learnt from a verified ID token, as plain data. */
export interface SignInClaims {
  sub: string;
  email?: string;
  emailVerified: boolean;
  /** The group claim's values; undefined when the token carries no group claim at all. */
  idpGroups?: readonly string[];
}

export type SignInRefusal =
  /** No principal is linked to `oidc:<sub>` nor has the token's verified email. */
  | { ok: false; reason: 'unknown-user' }
  /** The verified email belongs to several principals: which one is meant is not ours to guess. */
  | { ok: false; reason: 'ambiguous-email' }
  /** Agents act with API keys; a browser session never speaks for one. */
  | { ok: false; reason: 'agent'; principal: string }
  /** The directory gives IdP-governed groups the IdP no longer does: the directory is stale. */
  | { ok: false; reason: 'groups-revoked'; principal: string; groups: string[] };

export type SignInOutcome =
  | {
    ok: true;
    principal: Principal;
    /** The identity the session's requests come in under. */
    identity: string;
    /** Countersign groups the IdP grants that the directory does not give (yet): ignored. */
    unsyncedGroups: string[];
  }
  | SignInRefusal;

/** The linked identity of an OpenID Connect subject, as principals files list it. */
export const oidcIdentity = (sub: string): string => `oidc:${sub}`;

/** Countersign groups named as the target of any mapping: the IdP decides who stays in them. */
export function idpGovernedGroups(mappings: readonly GroupMapping[]): Set<string> {
  return new Set(mappings.flatMap((m) => m.groups));
}

/** The Countersign groups the IdP's groups stand for under the mappings, sorted. */
export function mappedGroups(mappings: readonly GroupMapping[], idpGroups: readonly string[]): string[] {
  const held = new Set(idpGroups);
  return [...new Set(mappings.filter((m) => held.has(m.idpGroup)).flatMap((m) => m.groups))].sort();
}

/**
 * The group mapping rule (ADR 0008). The directory stays what approvals are decided from, so the
 * claim never adds a group by itself; but a group the IdP governs, which the directory still gives
 * the principal while the token no longer carries an IdP group mapped to it, means the directory
 * has not caught up with a revocation: sign-in is refused rather than let it approve.
 */
export function groupMappingRule(mappings: readonly GroupMapping[], directoryGroups: readonly string[], idpGroups: readonly string[] | undefined): { revoked: string[]; unsynced: string[] } {
  const governed = idpGovernedGroups(mappings);
  const granted = new Set(mappedGroups(mappings, idpGroups ?? []));
  const revoked = directoryGroups.filter((g) => governed.has(g) && !granted.has(g)).sort();
  const unsynced = [...granted].filter((g) => !directoryGroups.includes(g)).sort();
  return { revoked, unsynced };
}

/**
 * Which principal a signed-in user is: the one linked to `oidc:<sub>`, or failing that the one
 * whose email is the token's verified email (case-insensitively), unless that principal is linked
 * to another OpenID subject. Refuses unknown users, agents and stale IdP-governed groups.
 */
export function resolveSignIn(directory: Pick<Directory, 'principals' | 'byIdentity' | 'groupMappings'>, claims: SignInClaims): SignInOutcome {
  const identity = oidcIdentity(claims.sub);
  let principal = directory.byIdentity(identity);
  if (!principal && claims.emailVerified && claims.email) {
    const email = claims.email.toLowerCase();
    const matches = directory.principals.filter((p) => p.email?.toLowerCase() === email && !p.identities.some((i) => i.startsWith('oidc:')));
    if (matches.length > 1) return { ok: false, reason: 'ambiguous-email' };
    principal = matches[0];
  }
  if (!principal) return { ok: false, reason: 'unknown-user' };
  if (principal.kind !== 'human') return { ok: false, reason: 'agent', principal: principal.id };
  const { revoked, unsynced } = groupMappingRule(directory.groupMappings, principal.groups, claims.idpGroups);
  if (revoked.length > 0) return { ok: false, reason: 'groups-revoked', principal: principal.id, groups: revoked };
  return { ok: true, principal, identity, unsyncedGroups: unsynced };
}
