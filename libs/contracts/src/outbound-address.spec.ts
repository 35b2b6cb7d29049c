import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { addressProblem, callbackUrlProblem, parseOutboundAllow, readOutboundAllow } from './index.ts';

/**
 * The oracle: IPv4 blocks that are not public unicast, written out here from the IANA special-
 * purpose registry rather than taken from the code under test.
 */
const FORBIDDEN_V4: [string, number][] = [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24],
  ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
];
const toInt = (ip: string) => ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
const toDotted = (n: number) => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
const inBlock = (n: number, [base, bits]: [string, number]) => Math.floor(n / 2 ** (32 - bits)) === Math.floor(toInt(base) / 2 ** (32 - bits));
const forbiddenV4 = (n: number) => FORBIDDEN_V4.some((b) => inBlock(n, b));
const hex4 = (n: number) => [Math.floor(n / 65536), n % 65536].map((x) => x.toString(16)).join(':');

/** Every spelling of one IPv4 address that a URL host may use. */
function spellings(n: number): string[] {
  const dotted = toDotted(n);
  return [
    dotted, String(n), `0x${n.toString(16)}`, dotted.split('.').map((p) => `0${Number(p).toString(8)}`).join('.'),
    `[::ffff:${dotted}]`, `[::ffff:${hex4(n)}]`, `[::${dotted}]`, `[64:ff9b::${dotted}]`, `[::ffff:0:${dotted}]`,
  ];
}

const forbiddenAddress = fc.constantFrom(...FORBIDDEN_V4).chain(([base, bits]) =>
  fc.integer({ min: 0, max: 2 ** (32 - bits) - 1 }).map((offset) => toInt(base) + offset));
const anyV4 = fc.integer({ min: 0, max: 2 ** 32 - 1 });

describe('callback URLs and outbound addresses', () => {
  it('given the addresses of the issue, when proposed as callbacks, then each is refused naming why', () => {
    for (const [url, why] of [
      ['https://169.254.169.254/latest/meta-data', /link-local/],
      ['https://[::ffff:169.254.169.254]/', /link-local address \(169\.254\.169\.254 inside an IPv6 address\)/],
      ['https://10.0.0.1:8443/admin', /private/],
      ['http://127.0.0.1:6379/', /https/],
      ['https://127.0.0.1:6379/', /loopback/],
      ['https://localhost/cb', /localhost/],
      ['https://api.localhost./cb', /localhost/],
      ['https://100.64.1.1/cb', /carrier-grade NAT/],
      ['https://[fd12::1]/cb', /unique-local/],
      ['https://[64:ff9b::10.0.0.1]/cb', /private/],
      ['https://2130706433/cb', /loopback/],
    ] as const) {
      assert.match(callbackUrlProblem(url) ?? 'accepted', why, url);
    }
  });

  it('given public https callbacks, then they are accepted whatever their port', () => {
    for (const url of ['https://ci.example.com/hooks/42?run=7', 'https://8.8.8.8:8443/cb', 'https://[2001:4860:4860::8888]/cb', 'https://[64:ff9b::8.8.8.8]/cb']) {
      assert.equal(callbackUrlProblem(url), undefined, url);
    }
  });

  it('given any address in a forbidden IPv4 block, in any spelling, then no callback to it passes', () => {
    fc.assert(fc.property(forbiddenAddress, (n) => {
      for (const host of spellings(n)) assert.notEqual(callbackUrlProblem(`https://${host}/cb`), undefined, host);
      assert.notEqual(addressProblem(toDotted(n), 443, { entries: [] }), undefined);
      assert.notEqual(addressProblem(`::ffff:${toDotted(n)}`, 443, { entries: [] }), undefined);
    }), { numRuns: 500 });
  });

  it('given any IPv4 address, then it passes exactly when it is public unicast', () => {
    fc.assert(fc.property(anyV4, (n) => {
      const passes = callbackUrlProblem(`https://${toDotted(n)}/`) === undefined;
      assert.equal(passes, !forbiddenV4(n), toDotted(n));
      assert.equal(addressProblem(toDotted(n), 443, { entries: [] }) === undefined, !forbiddenV4(n), toDotted(n));
    }), { numRuns: 2000 });
  });

  it('given any IPv6 address that passes, then it is global unicast and not a special block', () => {
    fc.assert(fc.property(fc.ipV6(), (ip) => {
      const problem = addressProblem(ip, 443, { entries: [] });
      if (problem !== undefined) return;
      const first = Number.parseInt(new URL(`https://[${ip}]/`).hostname.slice(1).split(':')[0] || '0', 16);
      const embedsV4 = /^\[(::ffff:|::|64:ff9b::)/.test(new URL(`https://[${ip}]/`).hostname);
      assert.ok(embedsV4 || (first >= 0x2000 && first < 0x4000), `${ip} passed`);
      assert.ok(!/^\[(fe[89ab]|f[cd]|ff|2002:|2001:db8:)/i.test(new URL(`https://[${ip}]/`).hostname), `${ip} passed`);
    }), { numRuns: 2000 });
  });

  it('given an allowlist naming a block, then every address in it passes, on the named port only', () => {
    fc.assert(fc.property(anyV4, fc.integer({ min: 8, max: 32 }), fc.integer({ min: 1, max: 65535 }), fc.nat(), (n, bits, port, offset) => {
      const base = Math.floor(n / 2 ** (32 - bits)) * 2 ** (32 - bits);
      const inside = toDotted(base + (offset % 2 ** (32 - bits)));
      const allow = readOutboundAllow({ COUNTERSIGN_OUTBOUND_ALLOW: `${toDotted(base)}/${bits}:${port}` });
      assert.equal(addressProblem(inside, port, allow), undefined);
      assert.equal(callbackUrlProblem(`http://${inside}:${port}/cb`, allow), undefined);
      const other = port === 65535 ? 1 : port + 1;
      assert.equal(addressProblem(inside, other, allow), addressProblem(inside, other, { entries: [] }));
    }), { numRuns: 500 });
  });

  it('given a host name on the allowlist, then it may be called over http, on its port; its subdomains only with *.', () => {
    const allow = readOutboundAllow({ COUNTERSIGN_OUTBOUND_ALLOW: 'hooks.internal:8443, *.svc.cluster.local, localhost' });
    assert.equal(callbackUrlProblem('http://hooks.internal:8443/cb', allow), undefined);
    assert.match(callbackUrlProblem('http://hooks.internal/cb', allow) ?? '', /https/);
    assert.equal(callbackUrlProblem('https://a.b.svc.cluster.local/cb', allow), undefined);
    assert.match(callbackUrlProblem('http://svc.cluster.local/cb', allow) ?? '', /https/);
    assert.equal(callbackUrlProblem('http://localhost:9000/cb', allow), undefined);
  });

  it('given a bad allowlist, then each bad entry is named with the variable, one per line', () => {
    assert.throws(() => readOutboundAllow({ COUNTERSIGN_OUTBOUND_ALLOW: '10.0.0.0/8, 127.1, *, hooks:0, 10.0.0.0/33' }), (e: Error) => {
      assert.deepEqual(e.message.split('\n'), [
        'COUNTERSIGN_OUTBOUND_ALLOW: "127.1": write IPv4 addresses as four decimal numbers (a.b.c.d)',
        'COUNTERSIGN_OUTBOUND_ALLOW: "*": not a host name, IP address or CIDR range',
        'COUNTERSIGN_OUTBOUND_ALLOW: "hooks:0": the port must be 1 to 65535',
        'COUNTERSIGN_OUTBOUND_ALLOW: "10.0.0.0/33": not an IP address or CIDR range',
      ]);
      return true;
    });
  });

  it('given any text as the allowlist, then parsing never throws and accounts for every entry', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (raw) => {
      const { allow, problems } = parseOutboundAllow(raw);
      const entries = raw.split(',').map((t) => t.trim()).filter((t) => t !== '');
      assert.equal(allow.entries.length + problems.length, entries.length);
    }), { numRuns: 1000 });
  });
});
