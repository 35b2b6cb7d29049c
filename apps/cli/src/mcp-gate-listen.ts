// The pure parts of `countersign mcp-gate --listen`: where to listen, which Host headers to accept
// (DNS-rebinding protection), and the agent's API key as the gate keeps it (a SHA-256 digest,
// compared in constant time: a session's later requests must come with its initialize's key).
import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { UsageError } from './cli-errors.ts';

export interface ListenAddress {
  /** As given, without IPv6 brackets: what server.listen takes. */
  host: string;
  port: number;
  /** `host:port` as a Host header carries it (IPv6 in brackets). */
  authority: string;
  loopback: boolean;
}

const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** `127.0.0.1:8931`, `[::1]:8931`, `0.0.0.0:8931`, `localhost:8931`: a host and a port, both required. */
export function parseListen(text: string): ListenAddress {
  const usage = (why: string) => new UsageError(`--listen ${JSON.stringify(text)}: ${why}, e.g. --listen 127.0.0.1:8931`);
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text);
  if (!match) throw usage('expected <host>:<port> (an IPv6 address in brackets)');
  const host = (match[1] ?? match[2])!;
  if (match[1] !== undefined ? isIP(host) !== 6 : isIP(host) !== 4 && !HOSTNAME.test(host)) throw usage('not an IP address or host name');
  const port = Number(match[3]);
  // Not 0: the Host headers to accept name the port, so it must be known before listening.
  if (port < 1 || port > 65_535) throw usage('the port is 1 to 65535');
  const loopback = host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
  return { host, port, authority: isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`, loopback };
}

/** The Host headers the gate answers: its own address, and localhost:<port> when on loopback. */
export function allowedHosts(address: ListenAddress): string[] {
  const hosts = [address.authority];
  if (address.loopback && address.host !== 'localhost') hosts.push(`localhost:${address.port}`);
  return hosts;
}

/** The key of `Authorization: Bearer <key>`, or undefined when there is none or it is malformed. */
export function bearerKey(header: string | undefined): string | undefined {
  const match = /^Bearer +([\x21-\x7e]{1,1024}) *$/i.exec(header ?? '');
  return match?.[1];
}

export function keyDigest(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/** Whether a key is the one whose digest a session keeps; constant time (both digests are 32 bytes). */
export function sameKey(digest: Buffer, key: string): boolean {
  return timingSafeEqual(digest, keyDigest(key));
}
