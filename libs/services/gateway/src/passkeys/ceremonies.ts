import {
  generateAuthenticationOptions, generateRegistrationOptions, verifyAuthenticationResponse, verifyRegistrationResponse,
  type AuthenticationResponseJSON, type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { createHash } from 'node:crypto';
import type { PasskeyView } from '@countersign/audit';
import type { PasskeyRegisteredData, StepUpRecord } from '@countersign/contracts';
import { Problem } from '../problem.ts';
import { checkChallenge, issueChallenge, type ChallengeBinding } from './step-up-challenge.ts';
import type { WebAuthnConfig } from './webauthn-config.ts';

/**
 * The two WebAuthn ceremonies, verified by @simplewebauthn/server against challenges the gateway
 * issued and bound (step-up-challenge.ts). User verification is required in both. Every refusal
 * is a problem naming the field at fault; nothing is sent to the router until a ceremony verifies.
 */
export class Ceremonies {
  constructor(private readonly config: WebAuthnConfig, private readonly secret: Uint8Array) {}

  private expiry(now: Date): Date {
    return new Date(now.getTime() + this.config.challengeTtlMs);
  }

  registrationOptions(principal: { id: string; name?: string }, existing: readonly PasskeyView[], now: Date) {
    const { bytes } = issueChallenge(this.secret, { purpose: 'register', principal: principal.id }, this.expiry(now));
    return generateRegistrationOptions({
      rpName: this.config.rpName, rpID: this.config.rpID, userName: principal.id, userDisplayName: principal.name ?? principal.id,
      // A stable, opaque user handle: the same principal always gets the same one.
      userID: new Uint8Array(createHash('sha256').update(`countersign:${principal.id}`).digest()),
      challenge: bytes, timeout: this.config.challengeTtlMs, attestationType: 'none',
      excludeCredentials: existing.map((p) => ({ id: p.credentialId, transports: p.transports as never })),
      authenticatorSelection: { residentKey: 'preferred', userVerification: 'required' },
    });
  }

  /** The passkey a registration response proves, for `principal`; throws a problem at `/response` otherwise. */
  async verifyRegistration(principal: string, name: string, raw: unknown, now: Date): Promise<PasskeyRegisteredData> {
    const response = raw as RegistrationResponseJSON;
    const challenge = this.boundChallenge(response, '/response', { purpose: 'register', principal }, now);
    const verdict = await verifyRegistrationResponse({
      response, expectedChallenge: challenge, expectedOrigin: this.config.origin, expectedRPID: this.config.rpID, requireUserVerification: true,
    }).catch((error: Error) => refused('/response', `did not verify: ${error.message}`));
    if (!verdict.verified || !verdict.registrationInfo) refused('/response', 'did not verify');
    const { credential, aaguid } = verdict.registrationInfo;
    return {
      principal, credentialId: credential.id, publicKey: Buffer.from(credential.publicKey).toString('base64url'), counter: credential.counter,
      transports: [...(credential.transports ?? [])], name, ...(aaguid && aaguid !== '00000000-0000-0000-0000-000000000000' ? { aaguid } : {}),
    };
  }

  stepUpOptions(binding: Extract<ChallengeBinding, { purpose: 'step-up' }>, passkeys: readonly PasskeyView[], now: Date) {
    const expiresAt = this.expiry(now);
    const { bytes } = issueChallenge(this.secret, binding, expiresAt);
    return generateAuthenticationOptions({
      rpID: this.config.rpID, challenge: bytes, timeout: this.config.challengeTtlMs, userVerification: 'required',
      allowCredentials: passkeys.map((p) => ({ id: p.credentialId, transports: p.transports as never })),
    }).then((options) => ({ options, expiresAt: expiresAt.toISOString() }));
  }

  /** The step-up record an assertion proves for this action, params and voter; throws a problem at `/stepUp/response` otherwise. */
  async verifyStepUp(binding: Extract<ChallengeBinding, { purpose: 'step-up' }>, raw: unknown, passkeys: readonly PasskeyView[], now: Date): Promise<StepUpRecord> {
    const at = '/stepUp/response';
    const response = raw as AuthenticationResponseJSON;
    const challenge = this.boundChallenge(response, at, binding, now);
    const passkey = passkeys.find((p) => p.credentialId === response.id);
    if (!passkey) refused(`${at}/id`, 'is not a passkey registered to you (or it was removed)');
    const verdict = await verifyAuthenticationResponse({
      response, expectedChallenge: challenge, expectedOrigin: this.config.origin, expectedRPID: this.config.rpID, requireUserVerification: true,
      credential: { id: passkey.credentialId, publicKey: new Uint8Array(Buffer.from(passkey.publicKey, 'base64url')), counter: passkey.counter, transports: passkey.transports as never },
    }).catch((error: Error) => refused(at, `did not verify: ${error.message}`));
    if (!verdict.verified || !verdict.authenticationInfo.userVerified) refused(at, 'did not verify the user');
    return { method: 'webauthn', credentialId: passkey.credentialId, challenge, verifiedAt: now.toISOString(), userVerified: true };
  }

  /** The challenge the client signed, if this gateway issued it for `binding` and it has not expired. */
  private boundChallenge(response: { response?: { clientDataJSON?: unknown } } | null, at: string, binding: ChallengeBinding, now: Date): string {
    const encoded = response && typeof response === 'object' ? response.response?.clientDataJSON : undefined;
    if (typeof encoded !== 'string' || encoded.length > 8192) refused(`${at}/response/clientDataJSON`, 'is missing');
    let challenge: unknown;
    try {
      challenge = (JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')) as { challenge?: unknown }).challenge;
    } catch {
      refused(`${at}/response/clientDataJSON`, 'is not base64url of JSON');
    }
    if (typeof challenge !== 'string') refused(`${at}/response/clientDataJSON`, 'carries no challenge');
    const check = checkChallenge(this.secret, challenge, binding, now);
    if (!check.ok) {
      const why = check.reason === 'expired' ? 'has expired: ask for a new one'
        : check.reason === 'malformed' ? 'is not a challenge this gateway issued'
        : binding.purpose === 'step-up' ? 'was not issued for this action, these parameters and you' : 'was not issued to you';
      refused(`${at}/response/clientDataJSON`, `signs a challenge that ${why}`);
    }
    return challenge;
  }
}

function refused(pointer: string, detail: string): never {
  const registering = pointer.startsWith('/response');
  throw registering
    ? new Problem(400, 'passkey-registration-failed', 'The passkey registration did not verify.', `${pointer}: ${detail}`, [{ pointer, detail }])
    : new Problem(403, 'step-up-failed', 'The passkey ceremony did not verify.', `${pointer}: ${detail}`, [{ pointer, detail }]);
}
