import { randomBytes } from 'node:crypto';
import type { ReadModelStore } from '@countersign/readmodel';
import { GRANT_KEYS, type GrantKeys } from '@countersign/runtime';
import { READ_MODELS } from '../infrastructure.ts';
import { Ceremonies } from './ceremonies.ts';
import { PasskeyStore } from './passkey-store.ts';
import { PasskeysController } from './passkeys.controller.ts';
import { StepUpController, StepUpGate } from './step-up.controller.ts';
import { deriveStepUpSecret, readWebAuthnConfig, STEP_UP_SECRET, WEBAUTHN_CONFIG, type WebAuthnConfig } from './webauthn-config.ts';

export { StepUpGate } from './step-up.controller.ts';

export const PASSKEY_CONTROLLERS = [PasskeysController, StepUpController];

/** Passkeys and step-up (ADR 0009): the relying party read once at start, the challenge key derived from the grant key. */
export const PASSKEY_PROVIDERS = [
  { provide: WEBAUTHN_CONFIG, useFactory: () => readWebAuthnConfig(process.env) },
  // A gateway built without grant keys (some tests) gets a key made at start: its challenges die with it.
  { provide: STEP_UP_SECRET, useFactory: (keys: GrantKeys | null) => (keys ? deriveStepUpSecret(keys) : new Uint8Array(randomBytes(32))), inject: [GRANT_KEYS] },
  { provide: Ceremonies, useFactory: (config: WebAuthnConfig, secret: Uint8Array) => new Ceremonies(config, secret), inject: [WEBAUTHN_CONFIG, STEP_UP_SECRET] },
  { provide: PasskeyStore, useFactory: (store: ReadModelStore) => new PasskeyStore(store), inject: [READ_MODELS] },
  StepUpGate,
];
