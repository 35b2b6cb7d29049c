import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { allowedHosts, bearerKey, keyDigest, parseListen, sameKey } from './mcp-gate-listen.ts';

describe('mcp-gate --listen: the address, the Host headers and the key', () => {
  it('given host:port forms, when parsed, then host, port, Host authority and loopback come out', () => {
    assert.deepEqual(parseListen('127.0.0.1:8931'), { host: '127.0.0.1', port: 8931, authority: '127.0.0.1:8931', loopback: true });
    assert.deepEqual(parseListen('[::1]:8931'), { host: '::1', port: 8931, authority: '[::1]:8931', loopback: true });
    assert.deepEqual(parseListen('localhost:1'), { host: 'localhost', port: 1, authority: 'localhost:1', loopback: true });
    assert.deepEqual(parseListen('0.0.0.0:65535'), { host: '0.0.0.0', port: 65535, authority: '0.0.0.0:65535', loopback: false });
    assert.equal(parseListen('gate.internal:8931').loopback, false);
  });

  it('given no host, no port, port 0 or out of range, an unbracketed IPv6 or junk, when parsed, then a usage error names the flag', () => {
    for (const text of ['8931', ':8931', '127.0.0.1', '127.0.0.1:0', '127.0.0.1:65536', '::1:8931', '[127.0.0.1]:80', 'a b:80', 'host:80/x', '-x:80', '']) {
      assert.throws(() => parseListen(text), (error: Error) => error.name === 'UsageError' && error.message.startsWith(`--listen ${JSON.stringify(text)}: `), text);
    }
  });

  it('given a loopback or another address, when the Host headers are listed, then localhost:<port> is added on loopback only', () => {
    assert.deepEqual(allowedHosts(parseListen('127.0.0.1:8931')), ['127.0.0.1:8931', 'localhost:8931']);
    assert.deepEqual(allowedHosts(parseListen('[::1]:8931')), ['[::1]:8931', 'localhost:8931']);
    assert.deepEqual(allowedHosts(parseListen('localhost:8931')), ['localhost:8931']);
    assert.deepEqual(allowedHosts(parseListen('10.0.0.5:8931')), ['10.0.0.5:8931']);
  });

  it('given Authorization headers, when read, then only a well-formed Bearer key comes out', () => {
    assert.equal(bearerKey('Bearer demo-agent-key'), 'demo-agent-key');
    assert.equal(bearerKey('bearer  k'), 'k');
    for (const header of [undefined, '', 'Bearer', 'Bearer ', 'Basic abc', 'Bearer a b', 'Bearer ключ', `Bearer ${'x'.repeat(1025)}`]) {
      assert.equal(bearerKey(header), undefined, String(header));
    }
  });

  it('given a session\'s key digest, when compared, then only the same key matches', () => {
    const digest = keyDigest('demo-agent-key');
    assert.equal(digest.length, 32);
    assert.equal(sameKey(digest, 'demo-agent-key'), true);
    assert.equal(sameKey(digest, 'demo-agent-key '), false);
    assert.equal(sameKey(digest, 'alice-key'), false);
    assert.equal(sameKey(digest, ''), false);
  });
});
