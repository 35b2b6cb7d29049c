import { standingLedgerId } from './standing-events.ts';

/**
 * Step-up for risky approvals (issue 14, docs/step-up.md, ADR 0009): a rule may require that each
 * approval under it carries a fresh WebAuthn assertion from a passkey the voter registered. The
 * gateway verifies the ceremony; the router, which alone decides, refuses an approval whose vote
 * carries no verified step-up for the action's own parameters.
 */

/** The step-up methods a rule may require. */
export type StepUpMethod = 'webauthn';

/** What the gateway verified for one approval, recorded on the vote. */
export interface StepUpRecord {
  method: StepUpMethod;
  /** The passkey that signed (base64url credential id). */
  credentialId: string;
  /** The challenge it signed: bound to the action id, its params hash, the voter and an expiry. */
  challenge: string;
  /** When the gateway verified the assertion (ISO-8601). */
  verifiedAt: string;
  /** The authenticator verified the user (PIN, biometrics); the gateway requires it. */
  userVerified: boolean;
}

/** A principal registered a passkey (in their ledger stream). */
export interface PasskeyRegisteredData {
  principal: string;
  /** base64url. */
  credentialId: string;
  /** The COSE public key, base64url. */
  publicKey: string;
  /** The signature counter at registration. */
  counter: number;
  transports: string[];
  /** The owner's name for it ("laptop"). */
  name: string;
  aaguid?: string;
}

/** A passkey may no longer step up (removed by its owner or an admin). */
export interface PasskeyRemovedData {
  principal: string;
  credentialId: string;
  removedBy: string;
}

export type RegisterPasskeyData = PasskeyRegisteredData;
export type RemovePasskeyData = PasskeyRemovedData;

export const PASSKEY_EVENT_TYPES = ['PasskeyRegistered', 'PasskeyRemoved'] as const;
export type PasskeyEventType = (typeof PASSKEY_EVENT_TYPES)[number];
export const PASSKEY_COMMAND_TYPES = ['RegisterPasskey', 'RemovePasskey'] as const;

export const isPasskeyEventType = (type: string): type is PasskeyEventType => (PASSKEY_EVENT_TYPES as readonly string[]).includes(type);

/**
 * The stream of a principal's passkeys: their ledger, the stream that already holds their standing
 * approvals (ADR 0004), so one router is its single writer and no new kind of stream is needed (ADR 0009).
 */
export const passkeyLedgerId = (principal: string): string => standingLedgerId(principal);
