import type { Provider } from '@nestjs/common';
import type { ReadModelStore } from '@countersign/readmodel';
import { READ_MODELS } from '../infrastructure.ts';
import { ConsoleSessions } from './console-sessions.ts';
import { createMemorySessionStore } from './memory-session-store.ts';
import { MeController } from './me.controller.ts';
import { createReadModelSessionStore } from './read-model-session-store.ts';
import { SESSION_STORE } from './session-store.port.ts';
import { SignInController } from './sign-in.controller.ts';
import { ApiKeySignIn } from './api-key-sign-in.ts';
import { ApiKeySignInController } from './api-key-sign-in.controller.ts';
import { readSignInConfig, SIGN_IN_CONFIG } from './sign-in-config.ts';

export { ConsoleSessions, type ActiveSession } from './console-sessions.ts';
export { readSsoConfig, type SsoConfig, type SessionSettings } from './sso-config.ts';
export { readSignInConfig, type SignInConfig } from './sign-in-config.ts';
export type { SessionStore, SessionRecord, LoginTransaction } from './session-store.port.ts';

export const SESSION_CONTROLLERS = [SignInController, ApiKeySignInController, MeController];

/**
 * Console sign-in: its settings (read once at start; null when neither single sign-on nor API-key
 * sign-in is on) and where sessions
 * live: the process's memory when the read models do (embedded), else the read models' MongoDB,
 * which every gateway instance shares (distributed).
 */
export const SESSION_PROVIDERS: Provider[] = [
  { provide: SIGN_IN_CONFIG, useFactory: () => readSignInConfig(process.env) ?? null },
  { provide: SESSION_STORE, useFactory: (store: ReadModelStore) => (store.durable ? createReadModelSessionStore(store) : createMemorySessionStore()), inject: [READ_MODELS] },
  ConsoleSessions,
  ApiKeySignIn,
];
