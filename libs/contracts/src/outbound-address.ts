import ipaddr from 'ipaddr.js';

/**
 * Which addresses Countersign may call on a requester's or an operator's behalf (callback URLs,
 * webhooks). Anything but a public unicast address is refused — loopback, private, link-local,
 * carrier-grade NAT, unique-local, multicast, reserved, and IPv6 forms that embed such an IPv4
 * address — unless the operator's allowlist (COUNTERSIGN_OUTBOUND_ALLOW) names it. Pure: no DNS
 * here; the notifier resolves names and checks every address it gets with `addressProblem`.
 */

export const OUTBOUND_ALLOW_VARIABLE = 'COUNTERSIGN_OUTBOUND_ALLOW';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** One entry of the allowlist: addresses (a CIDR; one address is a /32 or /128) or host names. */
export type OutboundAllowEntry =
  | { kind: 'range'; range: [Address, number]; port?: number }
  | { kind: 'host'; host: string; subdomains: boolean; port?: number };

export interface OutboundAllow {
  readonly entries: readonly OutboundAllowEntry[];
}

export const NO_OUTBOUND_ALLOW: OutboundAllow = { entries: [] };

const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');
const NAT64 = ipaddr.parseCIDR('64:ff9b::/96');
const HOST_LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;

const RANGE_WORDS: Record<string, string> = {
  unspecified: 'an unspecified address',
  broadcast: 'a broadcast address',
  multicast: 'a multicast address',
  linkLocal: 'a link-local address',
  loopback: 'a loopback address',
  carrierGradeNat: 'a carrier-grade NAT address',
  private: 'a private address',
  reserved: 'a reserved address',
  uniqueLocal: 'a unique-local address',
  ipv4Mapped: 'an IPv4-mapped address',
  rfc6052: 'a NAT64 address',
};

/** `[::1]` → `::1`; `Example.COM.` → `example.com`: the host as the allowlist and DNS see it. */
export function normalHost(hostname: string): string {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return bare.toLowerCase().replace(/\.$/, '');
}

/** The port a URL connects to: its own, or the scheme's default. */
export function portOf(url: URL): number {
  if (url.port) return Number(url.port);
  return url.protocol === 'http:' ? 80 : 443;
}

/** A parsed address when `host` is an IP literal in canonical form (as URLs and DNS give them). */
export function ipLiteral(host: string): Address | undefined {
  const bare = normalHost(host);
  if (ipaddr.IPv4.isValidFourPartDecimal(bare)) return ipaddr.IPv4.parse(bare);
  return ipaddr.IPv6.isValid(bare) && bare.includes(':') ? ipaddr.IPv6.parse(bare) : undefined;
}

/** `localhost` and every `*.localhost` name (RFC 6761: they always mean this machine). */
export function isLocalhostName(host: string): boolean {
  const h = normalHost(host);
  return h === 'localhost' || h.endsWith('.localhost');
}

/** The IPv4 address an IPv6 address stands for: IPv4-mapped, IPv4-compatible, NAT64 (64:ff9b::/96). */
function embeddedIPv4(v6: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  const p = v6.parts;
  const last32 = () => ipaddr.IPv4.parse(`${p[6] >> 8}.${p[6] & 0xff}.${p[7] >> 8}.${p[7] & 0xff}`);
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address();
  // ::ffff:0:a.b.c.d (RFC 6145) and the deprecated IPv4-compatible ::a.b.c.d (not :: or ::1).
  if (p.slice(0, 4).every((x) => x === 0) && p[4] === 0xffff && p[5] === 0) return last32();
  if (p.slice(0, 6).every((x) => x === 0) && (p[6] !== 0 || p[7] > 1)) return last32();
  if (v6.match(NAT64)) return last32();
  return undefined;
}

/**
 * Why `address` is not a public unicast address, in words (`a private address`), or undefined
 * when it is one. IPv6 forms that embed an IPv4 address are judged by that IPv4 address.
 */
export function forbiddenRange(address: Address): string | undefined {
  if (address.kind() === 'ipv4') {
    const range = address.range();
    return range === 'unicast' ? undefined : (RANGE_WORDS[range] ?? `a ${range} address`);
  }
  const v6 = address as ipaddr.IPv6;
  const v4 = embeddedIPv4(v6);
  if (v4) {
    const inner = forbiddenRange(v4);
    return inner ? `${inner} (${v4.toString()} inside an IPv6 address)` : undefined;
  }
  const range = v6.range();
  if (range !== 'unicast') return RANGE_WORDS[range] ?? `a special-purpose IPv6 address (${range})`;
  return v6.match(GLOBAL_UNICAST_V6) ? undefined : 'an IPv6 address outside global unicast (2000::/3)';
}

const portMatches = (entry: OutboundAllowEntry, port: number) => entry.port === undefined || entry.port === port;

/** Whether the allowlist names this host (by name, not by address) for this port. */
export function hostAllowed(host: string, port: number, allow: OutboundAllow): boolean {
  const h = normalHost(host);
  return allow.entries.some((e) => e.kind === 'host' && portMatches(e, port) && (e.subdomains ? h.endsWith(`.${e.host}`) : h === e.host));
}

/** Whether the allowlist names this address (or the IPv4 address it embeds) for this port. */
export function addressAllowed(address: Address, port: number, allow: OutboundAllow): boolean {
  const forms: Address[] = [address];
  if (address.kind() === 'ipv6') {
    const v4 = embeddedIPv4(address as ipaddr.IPv6);
    if (v4) forms.push(v4);
  }
  return allow.entries.some((e) => e.kind === 'range' && portMatches(e, port) &&
    forms.some((a) => a.kind() === e.range[0].kind() && a.match(e.range)));
}

/**
 * Why Countersign may not connect to `address` on `port`, or undefined when it may: a public
 * unicast address, or one the allowlist names. `address` is an IP address as DNS returns it.
 */
export function addressProblem(address: string, port: number, allow: OutboundAllow): string | undefined {
  const parsed = ipLiteral(address);
  if (!parsed) return `${JSON.stringify(address)} is not an IP address`;
  if (addressAllowed(parsed, port, allow)) return undefined;
  return forbiddenRange(parsed);
}

function parseRange(text: string): [Address, number] | undefined {
  const [ip, bits] = text.split('/');
  const v4 = ipaddr.IPv4.isValidFourPartDecimal(ip);
  if (!v4 && !(ipaddr.IPv6.isValid(ip) && ip.includes(':'))) return undefined;
  const address = v4 ? ipaddr.IPv4.parse(ip) : ipaddr.IPv6.parse(ip);
  const max = v4 ? 32 : 128;
  if (bits === undefined) return [address, max];
  if (!/^[0-9]{1,3}$/.test(bits) || Number(bits) > max) return undefined;
  return [address, Number(bits)];
}

/** One entry: `10.1.2.0/24`, `10.1.2.3:8443`, `[fd00::1]:8443`, `fd00::/8`, `hooks.internal:8443`, `*.svc.cluster.local`. */
function parseEntry(text: string): OutboundAllowEntry | string {
  let hostPart = text;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(text);
  if (bracketed) [, hostPart, portText] = bracketed;
  else if ((text.match(/:/g) ?? []).length === 1) [hostPart, portText] = text.split(':');
  let port: number | undefined;
  if (portText !== undefined) {
    if (!/^[0-9]{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) return `${JSON.stringify(text)}: the port must be 1 to 65535`;
    port = Number(portText);
  }
  const withPort = port === undefined ? {} : { port };
  const range = parseRange(hostPart);
  if (range) return { kind: 'range', range, ...withPort };
  if (bracketed || hostPart.includes('/') || hostPart.includes(':')) return `${JSON.stringify(text)}: not an IP address or CIDR range`;
  const subdomains = hostPart.startsWith('*.');
  const host = normalHost(subdomains ? hostPart.slice(2) : hostPart);
  const labels = host.split('.');
  if (host.length > 253 || !labels.every((l) => HOST_LABEL.test(l))) return `${JSON.stringify(text)}: not a host name, IP address or CIDR range`;
  // `127.1` or `10.0.0` are not host names: only four-part decimal IPv4 addresses are accepted.
  if (labels.every((l) => /^[0-9]+$/.test(l)) || /^0x/i.test(host)) return `${JSON.stringify(text)}: write IPv4 addresses as four decimal numbers (a.b.c.d)`;
  return { kind: 'host', host, subdomains, ...withPort };
}

/**
 * Reads the allowlist: entries separated by commas (spaces around them ignored). Problems name
 * each bad entry; the allowlist then holds the good ones (the caller refuses to start anyway).
 */
export function parseOutboundAllow(raw: string | undefined): { allow: OutboundAllow; problems: string[] } {
  const entries: OutboundAllowEntry[] = [];
  const problems: string[] = [];
  for (const text of (raw ?? '').split(',').map((t) => t.trim()).filter((t) => t !== '')) {
    const entry = parseEntry(text);
    if (typeof entry === 'string') problems.push(entry);
    else entries.push(entry);
  }
  return { allow: { entries }, problems };
}

/** The allowlist of this process's environment; throws one line per bad entry, naming the variable. */
export function readOutboundAllow(env: Readonly<Record<string, string | undefined>>): OutboundAllow {
  const { allow, problems } = parseOutboundAllow(env[OUTBOUND_ALLOW_VARIABLE]);
  if (problems.length > 0) throw new Error(problems.map((p) => `${OUTBOUND_ALLOW_VARIABLE}: ${p}`).join('\n'));
  return allow;
}
