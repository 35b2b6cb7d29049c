import {
  addressAllowed, forbiddenRange, hostAllowed, ipLiteral, isLocalhostName, NO_OUTBOUND_ALLOW, normalHost, OUTBOUND_ALLOW_VARIABLE, portOf,
  type OutboundAllow,
} from './outbound-address.ts';

/**
 * Why a callback URL may not be called, or undefined when it may. The gateway refuses such a
 * proposal and the notifier re-checks before calling (and then also checks every address the name
 * resolves to). The URL is called with the decision and shown on the action view, so it must be
 * https, carry no credentials (everyone who sees the action would read them), and not name this
 * machine or a private network — a callback must not let a requester probe what only Countersign
 * can reach. The operator's allowlist lifts the last two rules for what it names (plain http too).
 * WHATWG URL parsing has already turned `http://2130706433/` and `0x7f.1` into `127.0.0.1`.
 */
export function callbackUrlProblem(url: string, allow: OutboundAllow = NO_OUTBOUND_ALLOW): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'must be an absolute https URL';
  }
  if (parsed.username || parsed.password) return 'must not contain a user name or password: everyone who may see the action would read them';
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return 'must be an https URL';
  const host = normalHost(parsed.hostname);
  const port = portOf(parsed);
  const ip = ipLiteral(host);
  const allowed = hostAllowed(host, port, allow) || (ip !== undefined && addressAllowed(ip, port, allow));
  if (parsed.protocol === 'http:' && !allowed) return `must be an https URL (http only to a host or address ${OUTBOUND_ALLOW_VARIABLE} names)`;
  if (allowed) return undefined;
  if (isLocalhostName(host)) return `must not name localhost (unless ${OUTBOUND_ALLOW_VARIABLE} names it)`;
  const range = ip ? forbiddenRange(ip) : undefined;
  if (range) return `must not name ${range}: ${host} (unless ${OUTBOUND_ALLOW_VARIABLE} names it)`;
  return undefined;
}
