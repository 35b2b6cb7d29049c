import { lookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { addressProblem, hostAllowed, ipLiteral, normalHost, portOf, type OutboundAllow } from '@countersign/contracts';
import { DeliveryError, isRetryableStatus } from '../channel.port.ts';

/** What a name resolves to, as `dns.lookup(name, { all: true })` answers. */
export type Resolver = (host: string) => Promise<{ address: string; family: number }[]>;

export const systemResolver: Resolver = (host) => lookup(host, { all: true, verbatim: true });

export interface OutboundPost {
  url: string;
  headers: Record<string, string>;
  body: string;
  allow: OutboundAllow;
  timeoutMs: number;
  resolve?: Resolver;
}

/** Scheme, host and port only: paths and queries may carry tokens that logs must not show. */
export function origin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'an invalid URL';
  }
}

const refused = (why: string, detail: string) => new DeliveryError(`refused: ${why} (see the notifier log)`, false, detail);

/**
 * The one address to connect to: every address the host resolves to must be allowed (a public
 * unicast address, or one the allowlist names, or the host itself is named), else nothing is sent.
 * Checking all of them, and then connecting to one of those checked, leaves DNS rebinding nothing
 * to race: there is no second lookup.
 */
async function checkedAddress(url: URL, allow: OutboundAllow, resolve: Resolver, signal: AbortSignal): Promise<{ address: string; family: number }> {
  const host = normalHost(url.hostname);
  const port = portOf(url);
  const literal = ipLiteral(host);
  let addresses: { address: string; family: number }[];
  if (literal) addresses = [{ address: literal.toString(), family: literal.kind() === 'ipv4' ? 4 : 6 }];
  else {
    try {
      addresses = await Promise.race([resolve(host), new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }))]);
    } catch (error) {
      if (signal.aborted) throw error;
      const code = (error as { code?: string }).code ?? 'lookup failed';
      throw new DeliveryError(`could not resolve the host (${code})`, true, `${url.origin}: DNS lookup failed: ${code}`);
    }
  }
  if (addresses.length === 0) throw new DeliveryError('could not resolve the host (no address)', true, `${url.origin}: DNS gave no address`);
  if (hostAllowed(host, port, allow)) return addresses[0];
  const bad = addresses.map((a) => ({ ...a, problem: addressProblem(a.address, port, allow) })).filter((a) => a.problem);
  if (bad.length > 0) {
    const list = bad.map((a) => `${a.address} (${a.problem})`).join(', ');
    throw refused('the host resolves to an address outside the outbound allowlist', `${url.origin} resolves to ${list}; add it to COUNTERSIGN_OUTBOUND_ALLOW to allow it`);
  }
  return addresses[0];
}

/** A lookup that answers with the address already checked, whatever Node asks. */
function pinned(address: string, family: number): LookupFunction {
  return (_host, options, callback) => {
    if ((options as { all?: boolean }).all) (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address, family }]);
    else callback(null, address, family);
  };
}

/**
 * POSTs `body` to `url` and resolves with the answer's status once it is a 2xx; throws a
 * DeliveryError otherwise. The message says what happened without the URL or the address (it is
 * recorded on the action, which requesters read); `detail` adds them for the operator's log.
 * Redirects are not followed. TLS still checks the certificate against the host name, and the
 * Host header and SNI carry the name, while the connection goes to the checked address.
 */
export async function postOutbound({ url, headers, body, allow, timeoutMs, resolve = systemResolver }: OutboundPost): Promise<number> {
  const target = new URL(url);
  if (target.protocol !== 'https:' && target.protocol !== 'http:') throw new DeliveryError('the URL is not http(s)', false, `${origin(url)} is not http(s)`);
  const signal = AbortSignal.timeout(timeoutMs);
  const where = origin(url);
  const timedOut = () => new DeliveryError(`no answer within ${timeoutMs} ms`, true, `no answer from ${where} within ${timeoutMs} ms`);
  let checked: { address: string; family: number };
  try {
    checked = await checkedAddress(target, allow, resolve, signal);
  } catch (error) {
    if (error instanceof DeliveryError) throw error;
    throw timedOut();
  }
  const options: RequestOptions = {
    method: 'POST',
    host: normalHost(target.hostname),
    port: portOf(target),
    path: `${target.pathname}${target.search}`,
    headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
    lookup: pinned(checked.address, checked.family),
    // A fresh connection per delivery: nothing pooled outlives the check it was made after.
    agent: false,
    signal,
  };
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  let res: IncomingMessage;
  try {
    res = await new Promise<IncomingMessage>((resolveAnswer, reject) => {
      const req = send(options, resolveAnswer);
      req.on('error', reject);
      req.end(body);
    });
  } catch (error) {
    if (signal.aborted) throw timedOut();
    const code = (error as { code?: string }).code ?? (error as Error).message;
    throw new DeliveryError(`could not connect (${code})`, true, `could not reach ${where} at ${checked.address}: ${code}`);
  }
  // The body is of no use: let it drain so the socket closes (a timeout during it is no failure any more).
  res.on('error', () => undefined);
  res.resume();
  const status = res.statusCode ?? 0;
  if (status >= 200 && status < 300) return status;
  const answer = `answered ${status}${res.statusMessage ? ` ${res.statusMessage.slice(0, 100)}` : ''}`;
  const redirect = status >= 300 && status < 400 ? ' (redirects are not followed)' : '';
  throw new DeliveryError(`${answer}${redirect}`, isRetryableStatus(status), `${where} ${answer}${redirect}`);
}
