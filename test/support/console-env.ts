import { join } from 'node:path';
import { ROOT } from './countersign-process.ts';
import type { OidcUser } from './oidc-provider.ts';

/**
 * The console's browser tests and bench/console: the demo principals (alice and bob data
 * stewards, erin security, carol auditor, the demo agent) and bob-bot, an agent bob owns (key
 * `bob-bot-key`), under test/fixtures/console-policies. Start the system with these and the test
 * IdP's `env`.
 */
export const CONSOLE_ENV = {
  COUNTERSIGN_PRINCIPALS: join(ROOT, 'test/fixtures/console-principals'),
  COUNTERSIGN_POLICIES: join(ROOT, 'test/fixtures/console-policies'),
};

/** The demo's people at the test IdP, matched to their principals by verified email. */
export const CONSOLE_USERS: OidcUser[] = ['alice', 'bob', 'erin', 'carol'].map((sub) => ({
  sub: `idp-${sub}`,
  email: `${sub}@example.com`,
  email_verified: true,
  name: sub[0].toUpperCase() + sub.slice(1),
}));

/** The session cookie's name on plain http (https makes it __Host-countersign-session). */
export const SESSION_COOKIE = 'countersign-session';
