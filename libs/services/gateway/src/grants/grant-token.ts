import type { ActionView } from '@countersign/audit';
import { keyInUse, type GrantKeys } from '@countersign/runtime';
import { decodeJwt, decodeProtectedHeader, errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { v5 as uuidv5 } from 'uuid';

/** The JWS `typ` of a grant, so no other token signed by an issuer of ours passes as one. */
export const GRANT_TYPE = 'countersign-grant+jwt';
export const GRANT_ISSUER = 'countersign';
/** A grant's validity when its rule sets no `grantTtl`: long enough to start the run, no longer. */
export const DEFAULT_GRANT_TTL_SECONDS = 300;
const JTI_NAMESPACE = '2f1c4a52-3f4e-4d0b-9a55-6c1b7e3d2a90';

/** The claims of a grant (approval receipt): what was approved, for whom, by whom, under which rule. */
export interface GrantClaims {
  iss: string;
  sub: string;
  jti: string;
  iat: number;
  exp: number;
  aud?: string;
  action: string;
  resource: string;
  paramsHash: string;
  requester: string;
  onBehalfOf?: string;
  approvers: string[];
  policyVersion: string;
  rule: string;
}

export interface IssuedGrant {
  grant: string;
  kid: string;
  jti: string;
  expiresAt: string;
}

/**
 * The grant of an approved action, derived from its approval alone: issued at the approval's
 * time, valid for the rule's `grantTtl`. Ed25519 signatures are deterministic, so every gateway
 * replica with the same key issues the same token; a new key issues a new one (another `jti`) for
 * the same approval, and the action still runs once (the redemption is recorded in its stream).
 */
export async function issueGrant(view: ActionView, keys: GrantKeys): Promise<IssuedGrant> {
  const decision = view.decision;
  if (view.status !== 'approved' || !decision) throw new Error(`action ${view._id} is not approved`);
  const iat = Math.floor(Date.parse(decision.at) / 1000);
  const exp = iat + (view.policy?.grantTtlSeconds ?? DEFAULT_GRANT_TTL_SECONDS);
  const { kid, privateKey } = keys.signer;
  const jti = uuidv5(`${view._id}\n${kid}`, JTI_NAMESPACE);
  const claims = {
    action: view.action,
    resource: view.resource,
    paramsHash: decision.paramsHash,
    requester: view.requester,
    ...(view.onBehalfOf ? { onBehalfOf: view.onBehalfOf } : {}),
    approvers: decision.automatic ? [] : decision.by,
    policyVersion: decision.policyVersion,
    rule: decision.rule,
  };
  let jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: 'EdDSA', kid, typ: GRANT_TYPE })
    .setIssuer(GRANT_ISSUER)
    .setSubject(view._id)
    .setJti(jti)
    .setIssuedAt(iat)
    .setExpirationTime(exp);
  if (view.policy?.grantAudience) jwt = jwt.setAudience(view.policy.grantAudience);
  return { grant: await jwt.sign(privateKey), kid, jti, expiresAt: new Date(exp * 1000).toISOString() };
}

/** Why an action has no grant to hand out now; the grant itself when it has one. */
export type GrantToHandOut =
  | { ok: true; issued: IssuedGrant }
  | { ok: false; why: 'not-approved' | 'already-redeemed' }
  | { ok: false; why: 'grant-expired'; issued: IssuedGrant };

/**
 * The grant the requester may be given now: none for an action not approved or already redeemed
 * (a grant runs once), nor once it has expired. GET …/grant says why; a proposal's answer with
 * `include=grant` just leaves it out.
 */
export async function grantToHandOut(view: ActionView, keys: GrantKeys, now: Date): Promise<GrantToHandOut> {
  if (view.status !== 'approved') return { ok: false, why: 'not-approved' };
  if (view.execution) return { ok: false, why: 'already-redeemed' };
  const issued = await issueGrant(view, keys);
  return Date.parse(issued.expiresAt) <= now.getTime() ? { ok: false, why: 'grant-expired', issued } : { ok: true, issued };
}

export type GrantCheck =
  | { ok: true; claims: GrantClaims; kid: string }
  | { ok: false; code: 'grant-invalid' | 'grant-expired'; detail: string };

const MAX_GRANT_CHARS = 8192;

/**
 * Verifies a grant presented for action `actionId`: a key of ours that still verifies, EdDSA, our
 * type and issuer, this action as subject, and (unless `allowExpired`: the report of a run that
 * began in time) not expired. Says precisely what failed; never throws.
 */
export async function checkGrant(token: unknown, actionId: string, keys: GrantKeys, now: Date, options: { allowExpired?: boolean } = {}): Promise<GrantCheck> {
  const invalid = (detail: string): GrantCheck => ({ ok: false, code: 'grant-invalid', detail });
  if (typeof token !== 'string' || token.length > MAX_GRANT_CHARS || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token)) {
    return invalid('is not a compact JWS (header.payload.signature in base64url)');
  }
  let kid: string | undefined;
  let iat: unknown;
  try {
    kid = decodeProtectedHeader(token).kid;
    iat = decodeJwt(token).iat;
  } catch {
    return invalid('does not decode as a JWT');
  }
  const key = kid === undefined ? undefined : keys.verifyKeys.get(kid);
  if (!key || !keyInUse(key, now)) return invalid(`is signed with a key Countersign does not ${key ? 'use any more' : 'know'} (kid ${JSON.stringify(kid ?? null).slice(0, 120)})`);
  // A report after a redemption is checked as of the grant's issue: it only has to have been valid.
  const at = options.allowExpired && typeof iat === 'number' ? new Date(iat * 1000) : now;
  try {
    const { payload } = await jwtVerify(token, key.publicKey, { algorithms: ['EdDSA'], typ: GRANT_TYPE, issuer: GRANT_ISSUER, subject: actionId, currentDate: at });
    if (!isGrantClaims(payload)) return invalid('lacks the claims of a grant');
    return { ok: true, claims: payload, kid: key.kid };
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) return { ok: false, code: 'grant-expired', detail: 'has expired: ask for the action again' };
    if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === 'sub') return invalid(`is not a grant for action ${actionId}`);
    if (error instanceof joseErrors.JWSSignatureVerificationFailed) return invalid('has a signature that does not verify');
    return invalid(`is not a valid grant (${(error as Error).message.slice(0, 200)})`);
  }
}

function isGrantClaims(payload: Record<string, unknown>): payload is GrantClaims & Record<string, unknown> {
  const strings = ['sub', 'jti', 'action', 'resource', 'paramsHash', 'requester', 'policyVersion', 'rule'];
  return strings.every((k) => typeof payload[k] === 'string') && typeof payload.exp === 'number' && typeof payload.iat === 'number' &&
    Array.isArray(payload.approvers) && /^[0-9a-f]{64}$/.test(payload.paramsHash as string);
}
