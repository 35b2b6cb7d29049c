import { Webhook } from 'standardwebhooks';
import { ConfigError } from '@countersign/config';
import {
  addressProblem, hostAllowed, ipLiteral, isLocalhostName, normalHost, OUTBOUND_ALLOW_VARIABLE, parseOutboundAllow, portOf, type OutboundAllow,
} from '@countersign/contracts';
import { DEFAULT_RETRY, type RetryPolicy } from '../backoff.ts';

/** One configured outgoing webhook: `webhook:<name>` in a policy rule posts to `url`. */
export interface WebhookTarget {
  name: string;
  url: string;
  /** `whsec_` + base64 key (Standard Webhooks); never logged. */
  secret: string;
}

export interface NotifierConfig {
  /** By env name (`siem-prod` → `SIEM_PROD`). */
  webhooks: ReadonlyMap<string, WebhookTarget>;
  /** Signs requester callbacks; without it, callbacks are refused (and recorded as failed). */
  callbackSecret?: string;
  retry: RetryPolicy;
  /** Base URL of the API as people reach it, for links in messages. */
  publicUrl?: string;
  /** Private and loopback addresses (and names) webhooks and callbacks may reach: COUNTERSIGN_OUTBOUND_ALLOW. */
  outbound: OutboundAllow;
}

type Env = Readonly<Record<string, string | undefined>>;

/** `webhook:siem-prod` is configured by COUNTERSIGN_WEBHOOK_SIEM_PROD_URL and …_SECRET. */
export function webhookEnvName(name: string): string {
  return name.toUpperCase().replace(/-/g, '_');
}

const WEBHOOK_VAR = /^COUNTERSIGN_WEBHOOK_([A-Z0-9_]+)_(URL|SECRET)$/;

function isHttpUrl(raw: string): boolean {
  try {
    const url = new URL(raw);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/** Whether `secret` is a usable Standard Webhooks secret (`whsec_` and base64 of a non-empty key). */
export function isWebhookSecret(secret: string): boolean {
  if (!secret.startsWith('whsec_')) return false;
  try {
    new Webhook(secret);
    return true;
  } catch {
    return false;
  }
}

/**
 * Why a webhook URL cannot work as configured, caught at start when its host is an address (or
 * `localhost`) the notifier would refuse to call; host names are checked when resolved, at send time.
 */
function webhookUrlProblem(raw: string, allow: OutboundAllow): string | undefined {
  if (!isHttpUrl(raw)) return `must be an http:// or https:// URL (got ${JSON.stringify(raw)})`;
  const url = new URL(raw);
  const host = normalHost(url.hostname);
  const port = portOf(url);
  if (hostAllowed(host, port, allow)) return undefined;
  const range = ipLiteral(host) ? addressProblem(host, port, allow) : undefined;
  const refused = range ? `${range} (${host})` : isLocalhostName(host) ? host : undefined;
  return refused ? `names ${refused}, which the notifier does not call unless ${OUTBOUND_ALLOW_VARIABLE} names it` : undefined;
}

/**
 * Reads the notifier's settings, then throws one ConfigError naming every bad variable, or returns
 * them. Messages quote URLs and numbers, never secrets.
 */
export function readNotifierConfig(env: Env = process.env): NotifierConfig {
  const problems: string[] = [];
  const outbound = parseOutboundAllow(env[OUTBOUND_ALLOW_VARIABLE]);
  const set = (name: string) => (env[name] ?? '') !== '';
  const names = new Set<string>();
  for (const key of Object.keys(env)) {
    const m = WEBHOOK_VAR.exec(key);
    if (m && set(key)) names.add(m[1]);
  }
  const webhooks = new Map<string, WebhookTarget>();
  for (const name of [...names].sort()) {
    const urlVar = `COUNTERSIGN_WEBHOOK_${name}_URL`;
    const secretVar = `COUNTERSIGN_WEBHOOK_${name}_SECRET`;
    const url = env[urlVar] ?? '';
    const secret = env[secretVar] ?? '';
    if (!url) problems.push(`${urlVar}: must be set when ${secretVar} is`);
    else {
      const problem = webhookUrlProblem(url, outbound.allow);
      if (problem) problems.push(`${urlVar}: ${problem}`);
    }
    if (!secret) problems.push(`${secretVar}: must be set when ${urlVar} is (a Standard Webhooks secret, whsec_ followed by base64)`);
    else if (!isWebhookSecret(secret)) problems.push(`${secretVar}: must be whsec_ followed by a base64 key (the value is not shown)`);
    if (url && secret) webhooks.set(name, { name, url, secret });
  }
  const callbackSecret = env.COUNTERSIGN_CALLBACK_SECRET || undefined;
  if (callbackSecret && !isWebhookSecret(callbackSecret)) {
    problems.push('COUNTERSIGN_CALLBACK_SECRET: must be whsec_ followed by a base64 key (the value is not shown)');
  }
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = /^[0-9]{1,9}$/.test(raw) ? Number(raw) : NaN;
    if (n >= min && n <= max) return n;
    problems.push(`${name}: must be an integer from ${min} to ${max} (got ${JSON.stringify(raw)})`);
    return fallback;
  };
  const retry: RetryPolicy = {
    baseMs: int('COUNTERSIGN_NOTIFY_RETRY_BASE_MS', DEFAULT_RETRY.baseMs, 1, 3_600_000),
    maxMs: int('COUNTERSIGN_NOTIFY_RETRY_MAX_MS', DEFAULT_RETRY.maxMs, 1, 86_400_000),
    maxAttempts: int('COUNTERSIGN_NOTIFY_ATTEMPTS', DEFAULT_RETRY.maxAttempts, 1, 100),
  };
  const publicUrl = env.COUNTERSIGN_PUBLIC_URL || undefined;
  if (publicUrl && !isHttpUrl(publicUrl)) problems.push(`COUNTERSIGN_PUBLIC_URL: must be an http:// or https:// URL (got ${JSON.stringify(publicUrl)})`);
  problems.push(...outbound.problems.map((p) => `${OUTBOUND_ALLOW_VARIABLE}: ${p}`));
  if (problems.length > 0) throw new ConfigError(problems);
  return { webhooks, ...(callbackSecret ? { callbackSecret } : {}), retry, ...(publicUrl ? { publicUrl } : {}), outbound: outbound.allow };
}
