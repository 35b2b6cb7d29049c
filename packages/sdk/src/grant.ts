import { createLocalJWKSet, createRemoteJWKSet, customFetch, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { CountersignUnavailable, GrantInvalid, type GrantInvalidReason } from './errors.js';
import { paramsHash } from './hashing.js';
import type { GrantClaims, JsonWebKeySet } from './types.js';

export const GRANT_TYP = 'countersign-grant+jwt';
export const GRANT_ISSUER = 'countersign';
/** A grant is a few hundred bytes; anything far larger is not one. */
const MAX_GRANT_CHARS = 16 * 1024;

export interface VerifyGrantOptions {
  /** The public keys, e.g. the body of `GET /.well-known/jwks.json` saved by the operator. */
  jwks?: JsonWebKeySet;
  /** Where to fetch them (fetched once per URL and cached; refetched for an unknown `kid`). */
  jwksUrl?: string | URL;
  /** Exactly the parameters about to be used: their hash must be the grant's `paramsHash`. */
  params: Record<string, unknown>;
  /** The action type the executor performs, e.g. `data.export`. */
  action?: string;
  /** The resource it performs it on. */
  resource?: string;
  /** The action id the grant must name (`sub`). */
  actionId?: string;
  /** Who this executor is. Required when the grant names an audience (RFC 7519 §4.1.3). */
  audience?: string;
  /** The time to verify at (default now). */
  now?: Date | number;
  /** Seconds of clock skew allowed on `exp`, `nbf` and `iat` (default 5, at most 300). */
  clockTolerance?: number;
  /** Used to fetch `jwksUrl` (default: the global fetch). */
  fetch?: typeof fetch;
}

const remoteSets = new WeakMap<object, Map<string, JWTVerifyGetKey>>();

/**
 * The set Countersign publishes also holds its checkpoint keys (ADR 0007), each with a validity
 * window (`notBefore`). Those sign checkpoints of the log, never grants: a grant is verified only
 * under the other keys, so whoever holds a checkpoint key cannot mint one.
 */
function grantKeysOnly(set: JsonWebKeySet): JsonWebKeySet {
  return { ...set, keys: set.keys.filter((k) => k === null || typeof k !== 'object' || !('notBefore' in k)) };
}

/** `fetch` for the remote key set, giving jose the grant keys only (see grantKeysOnly). */
function grantKeysFetch(base: typeof fetch): typeof fetch {
  return async (input, init) => {
    const res = await base(input, init);
    if (!res.ok) return res;
    let body: unknown;
    try {
      body = await res.json();
    } catch {
      return new Response('not JSON', { status: 502 });
    }
    const filtered = body !== null && typeof body === 'object' && Array.isArray((body as JsonWebKeySet).keys) ? grantKeysOnly(body as JsonWebKeySet) : body;
    return new Response(JSON.stringify(filtered), { status: res.status, headers: { 'content-type': 'application/json' } });
  };
}

function keyResolver(options: VerifyGrantOptions): JWTVerifyGetKey {
  if (options.jwks !== undefined) {
    if (typeof options.jwks !== 'object' || options.jwks === null || !Array.isArray(options.jwks.keys)) {
      throw new TypeError('verifyGrant: jwks must be a JSON Web Key Set, { keys: [...] }');
    }
    return createLocalJWKSet(grantKeysOnly(options.jwks) as Parameters<typeof createLocalJWKSet>[0]);
  }
  if (options.jwksUrl === undefined) throw new TypeError('verifyGrant: pass jwks or jwksUrl');
  const url = new URL(options.jwksUrl);
  const owner = options.fetch ?? remoteSets;
  let sets = remoteSets.get(owner);
  if (!sets) remoteSets.set(owner, (sets = new Map()));
  let set = sets.get(url.href);
  if (!set) {
    set = createRemoteJWKSet(url, { [customFetch]: grantKeysFetch(options.fetch ?? fetch) });
    sets.set(url.href, set);
  }
  return set;
}

/**
 * Verifies an execution grant offline: the signature (EdDSA, against the JWKS), `typ`, `iss`,
 * `exp`/`nbf`, the claims' shapes, and that it covers exactly what is about to run — the hash of
 * `params`, and `action`, `resource`, `actionId`, `audience` when given. Returns the claims.
 * Throws GrantInvalid naming the reason; CountersignUnavailable when `jwksUrl` cannot be fetched.
 * Verification does not redeem: redeem the grant (`POST /v1/actions/:id/executions`) to use it once.
 */
export async function verifyGrant(token: string, options: VerifyGrantOptions): Promise<GrantClaims> {
  if (typeof options !== 'object' || options === null) throw new TypeError('verifyGrant: options are required');
  if (typeof options.params !== 'object' || options.params === null || Array.isArray(options.params)) {
    throw new TypeError('verifyGrant: params (the object about to be used) is required');
  }
  const tolerance = Math.min(300, Math.max(0, options.clockTolerance ?? 5));
  const getKey = keyResolver(options);
  if (typeof token !== 'string' || token.length === 0 || token.length > MAX_GRANT_CHARS) {
    throw new GrantInvalid('malformed', 'not a compact JWS');
  }
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token.trim(), getKey, {
      algorithms: ['EdDSA'],
      typ: GRANT_TYP,
      issuer: GRANT_ISSUER,
      ...(options.audience !== undefined ? { audience: options.audience } : {}),
      requiredClaims: ['sub', 'jti', 'iat', 'exp'],
      clockTolerance: tolerance,
      ...(options.now !== undefined ? { currentDate: new Date(options.now) } : {}),
    }));
  } catch (error) {
    throw translate(error, options);
  }
  const claims = checkClaims(payload);
  const nowSeconds = Math.floor((options.now !== undefined ? new Date(options.now).getTime() : Date.now()) / 1000);
  if (claims.iat > nowSeconds + tolerance) throw new GrantInvalid('not-yet-valid', 'the grant was issued in the future (iat)');
  if (claims.aud !== undefined && options.audience === undefined) {
    throw new GrantInvalid('wrong-audience', `the grant is for ${JSON.stringify(claims.aud)}: pass the executor's audience`);
  }
  let hash: string;
  try {
    hash = await paramsHash(options.params);
  } catch (error) {
    throw new GrantInvalid('params-unhashable', (error as Error).message, { cause: error });
  }
  if (hash !== claims.paramsHash) throw new GrantInvalid('params-mismatch', 'the parameters are not the ones approved');
  mustEqual('action-mismatch', 'action', claims.action, options.action);
  mustEqual('resource-mismatch', 'resource', claims.resource, options.resource);
  mustEqual('action-id-mismatch', 'action id', claims.sub, options.actionId);
  return claims;
}

function mustEqual(reason: GrantInvalidReason, what: string, actual: string, expected: string | undefined): void {
  if (expected !== undefined && actual !== expected) {
    throw new GrantInvalid(reason, `the grant is for ${what} ${JSON.stringify(actual)}, not ${JSON.stringify(expected)}`);
  }
}

const HEX64 = /^[0-9a-f]{64}$/;

function checkClaims(p: Record<string, unknown>): GrantClaims {
  const bad = (claim: string, rule: string): never => {
    throw new GrantInvalid('claims-invalid', `${claim} ${rule}`);
  };
  for (const claim of ['sub', 'jti', 'action', 'resource', 'requester', 'policyVersion', 'rule']) {
    if (typeof p[claim] !== 'string' || (p[claim] as string).length === 0) bad(claim, 'must be a non-empty string');
  }
  if (typeof p.paramsHash !== 'string' || !HEX64.test(p.paramsHash)) bad('paramsHash', 'must be 64 lowercase hex digits');
  for (const claim of ['iat', 'exp']) if (!Number.isFinite(p[claim])) bad(claim, 'must be a number');
  if (!Array.isArray(p.approvers) || !p.approvers.every((a) => typeof a === 'string')) bad('approvers', 'must be a list of strings');
  if (p.onBehalfOf !== undefined && typeof p.onBehalfOf !== 'string') bad('onBehalfOf', 'must be a string');
  return p as GrantClaims;
}

function translate(error: unknown, options: VerifyGrantOptions): Error {
  if (error instanceof errors.JWTExpired) return new GrantInvalid('expired', 'the grant has expired', { cause: error });
  if (error instanceof errors.JWTClaimValidationFailed) {
    switch (error.claim) {
      case 'typ':
        return new GrantInvalid('wrong-typ', `the token is not a ${GRANT_TYP}`, { cause: error });
      case 'iss':
        return new GrantInvalid('wrong-issuer', `the grant was not issued by ${GRANT_ISSUER}`, { cause: error });
      case 'aud':
        return new GrantInvalid('wrong-audience', `the grant is not for ${JSON.stringify(options.audience)}`, { cause: error });
      case 'nbf':
        return new GrantInvalid('not-yet-valid', 'the grant is not valid yet', { cause: error });
      case 'iat':
        return new GrantInvalid(error.reason === 'check_failed' ? 'not-yet-valid' : 'claims-invalid', `iat: ${error.message}`, { cause: error });
      default:
        return new GrantInvalid('claims-invalid', `${error.claim}: ${error.message}`, { cause: error });
    }
  }
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) {
    return new GrantInvalid('wrong-alg', 'grants are signed with EdDSA (Ed25519) only', { cause: error });
  }
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
    return new GrantInvalid('unknown-kid', 'no key of the key set verifies it (unknown or retired kid)', { cause: error });
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return new GrantInvalid('bad-signature', 'the signature does not verify', { cause: error });
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid || error instanceof errors.JWKInvalid) {
    return new GrantInvalid('malformed', error.message, { cause: error });
  }
  if (error instanceof errors.JWKSInvalid && options.jwks !== undefined) {
    return new TypeError(`verifyGrant: jwks is not a valid key set: ${error.message}`);
  }
  if (options.jwksUrl !== undefined && options.jwks === undefined) {
    return new CountersignUnavailable(`the key set at ${String(options.jwksUrl)} could not be fetched: ${(error as Error)?.message ?? String(error)}`, {
      attempts: 1,
      mayHaveTakenEffect: false,
      cause: error,
    });
  }
  return new GrantInvalid('malformed', (error as Error)?.message ?? String(error), { cause: error });
}
