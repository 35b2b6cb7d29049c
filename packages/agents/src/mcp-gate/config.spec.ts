import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DEFAULT_CALL_TIMEOUT_MS, DEFAULT_PENDING_BOUND_MS, GateConfigError, parseGateConfig } from './config.ts';

const refused = (text: string, message: RegExp) => assert.throws(() => parseGateConfig('gate.yaml', text), (e: unknown) => e instanceof GateConfigError && message.test(e.message) && !e.message.includes('\n'));

describe('gate configuration', () => {
  it('given a full single-server configuration, when parsed, then every field is taken and durations are in ms', () => {
    const config = parseGateConfig('gate.yaml', [
      'server: bank',
      'pendingBound: 1s',
      'progressInterval: 500ms',
      'callTimeout: 2m',
      'recordFirst: true',
      'readOnly: [read_file]',
      'tools:',
      '  transfer_funds: { resource: "accounts/{from}/{to}" }',
      '  merge: { action: mcp.github.merge_pull_request }',
    ].join('\n'));
    assert.deepEqual(config, {
      pendingBoundMs: 1000,
      progressIntervalMs: 500,
      recordFirst: true,
      upstreams: [{
        server: 'bank', readOnly: ['read_file'], prefix: '', callTimeoutMs: 120_000, transport: { kind: 'args' },
        tools: { transfer_funds: { resource: 'accounts/{from}/{to}' }, merge: { action: 'mcp.github.merge_pull_request' } },
      }],
    });
  });

  it('given only a server name, when parsed, then the defaults apply (pending bound 50 s, call timeout 5 m, the command from the CLI)', () => {
    const config = parseGateConfig('gate.yaml', 'server: fs\n');
    assert.equal(config.pendingBoundMs, DEFAULT_PENDING_BOUND_MS);
    assert.equal(config.recordFirst, false, 'calls allowed at once run on the proposal\'s answer');
    assert.deepEqual(config.upstreams, [{ server: 'fs', readOnly: [], tools: {}, prefix: '', callTimeoutMs: DEFAULT_CALL_TIMEOUT_MS, transport: { kind: 'args' } }]);
  });

  it('given a single server with upstream.url and its own call timeout, when parsed, then it is a URL upstream with that timeout', () => {
    const config = parseGateConfig('gate.yaml', 'server: fs\ncallTimeout: 10m\nupstream: { url: "https://mcp.example.com/mcp", callTimeout: 1h }\n');
    assert.deepEqual(config.upstreams.map((u) => [u.transport, u.callTimeoutMs]), [[{ kind: 'url', url: 'https://mcp.example.com/mcp' }, 3_600_000]]);
  });

  it('given several upstreams, when parsed, then each is its own server in file order, with its transport, prefix and timeout', () => {
    const config = parseGateConfig('gate.yaml', [
      'pendingBound: 50s',
      'callTimeout: 5m',
      'upstreams:',
      '  files:',
      '    command: [node, server.js, /srv/data]',
      '    readOnly: [read_file]',
      '    tools: { delete_file: { resource: "files/{path}" } }',
      '    callTimeout: 30s',
      '  bank:',
      '    url: https://bank.example.com/mcp',
      '    prefix: bank_',
    ].join('\n'));
    assert.deepEqual(config.upstreams, [
      { server: 'files', readOnly: ['read_file'], tools: { delete_file: { resource: 'files/{path}' } }, prefix: '', callTimeoutMs: 30_000, transport: { kind: 'command', argv: ['node', 'server.js', '/srv/data'] } },
      { server: 'bank', readOnly: [], tools: {}, prefix: 'bank_', callTimeoutMs: 300_000, transport: { kind: 'url', url: 'https://bank.example.com/mcp' } },
    ]);
  });

  it('given mistakes in the single-server form, when parsed, then one line names file:line and the field', () => {
    refused('pendingBound: 1s\n', /^gate\.yaml:1: \(document\): must have required property 'server' \(or upstreams\)$/);
    refused('server: fs\ntools:\n  rm:\n    resorce: "x/{a}"\n', /^gate\.yaml:4: tools\.rm\.resorce: is not a known field$/);
    refused('server: fs\npendingBound: soon\n', /^gate\.yaml:2: pendingBound: must be a duration such as 50s/);
    refused('server: fs\nrecordFirst: yes please\n', /^gate\.yaml:2: recordFirst: must be boolean$/);
    refused('server: fs\ntools:\n  rm: { action: "Not Valid" }\n', /^gate\.yaml:3: tools\.rm\.action: action name "Not Valid" is not valid/);
    refused('server: fs\nserver: again\n', /^gate\.yaml:2: YAML syntax error/);
    refused('server: fs\nupstream: { url: ftp://x }\n', /^gate\.yaml:2: upstream\.url: must match pattern/);
    refused('server: fs\ncallTimeout: 500ms\n', /^gate\.yaml:2: callTimeout: must be between 1s and 1h$/);
    refused('server: fs\nupstream:\n  url: https://x\n  callTimeout: 2h\n', /^gate\.yaml:4: upstream\.callTimeout: must be between 1s and 1h$/);
    refused('server: fs\nupstream: { url: https://x, callTimeout: later }\n', /^gate\.yaml:2: upstream\.callTimeout: must be a duration/);
  });

  it('given mistakes in the several-upstreams form, when parsed, then one line names file:line and the field', () => {
    refused('server: fs\nupstreams:\n  a: { url: https://x }\n', /^gate\.yaml:1: server: cannot be used with upstreams/);
    refused('upstreams: {}\n', /^gate\.yaml:1: upstreams: must name at least one upstream server$/);
    refused('upstreams:\n  a: { url: https://x }\n  b:\n    readOnly: [x]\n', /^gate\.yaml:3: upstreams\.b: needs command \(an argv list\) or url$/);
    refused('upstreams:\n  a:\n    url: https://x\n    command: [srv]\n', /^gate\.yaml:2: upstreams\.a: has both command and url; keep one$/);
    refused('upstreams:\n  a:\n    command: "node server.js"\n', /^gate\.yaml:3: upstreams\.a\.command: must be array$/);
    refused('upstreams:\n  a:\n    command: []\n', /^gate\.yaml:3: upstreams\.a\.command: must NOT have fewer than 1 items$/);
    refused('upstreams:\n  a:\n    url: https://x\n    prefix: "bank."\n', /^gate\.yaml:4: upstreams\.a\.prefix: must be 1 to 32 letters, digits, _ or -/);
    refused(`upstreams:\n  ${'x'.repeat(65)}: { url: https://x }\n`, /^gate\.yaml:2: upstreams\.x{65}: an upstream name must be 1 to 64 characters$/);
    refused('upstreams:\n  files: { url: https://x }\n  Files: { url: https://y }\n', /^gate\.yaml:3: upstreams\.Files: names the same actions \(mcp\.files\.…\) as upstreams\.files; rename one$/);
    refused('upstreams:\n  a:\n    url: https://x\n    tools:\n      rm: { resource: "x/{}" }\n', /^gate\.yaml:5: upstreams\.a\.tools\.rm\.resource: has an empty \{\} placeholder$/);
    refused('upstreams:\n  a:\n    url: https://x\n    callTimeout: 2h\n', /^gate\.yaml:4: upstreams\.a\.callTimeout: must be between 1s and 1h$/);
    refused('upstreams:\n  a:\n    url: https://x\n    sever: b\n', /^gate\.yaml:4: upstreams\.a\.sever: is not a known field$/);
    refused('tools: {}\nupstreams:\n  a: { url: https://x }\n', /^gate\.yaml:1: tools: belongs under upstreams\.<server> when upstreams is used$/);
  });

  it('given any text, when parsed, then it is a configuration or a one-line GateConfigError', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (text) => {
      try {
        parseGateConfig('g.yaml', text);
      } catch (error) {
        assert.ok(error instanceof GateConfigError, String(error));
        assert.match(error.message, /^g\.yaml:\d+: /);
        assert.ok(!error.message.includes('\n'));
      }
    }), { numRuns: 300 });
  });

  it('given any upstreams map, when parsed, then it is several upstreams or a one-line GateConfigError', () => {
    const entry = fc.record({ command: fc.array(fc.string(), { maxLength: 2 }), url: fc.constantFrom('https://x', 'ftp://y'), prefix: fc.string({ maxLength: 4 }) }, { requiredKeys: [] });
    fc.assert(fc.property(fc.dictionary(fc.string({ maxLength: 70 }), entry, { maxKeys: 3 }), (upstreams) => {
      try {
        const config = parseGateConfig('g.yaml', JSON.stringify({ upstreams }));
        assert.deepEqual(config.upstreams.map((u) => u.server), Object.keys(upstreams));
      } catch (error) {
        assert.ok(error instanceof GateConfigError, String(error));
        assert.match(error.message, /^g\.yaml:\d+: /);
        assert.ok(!error.message.includes('\n'));
      }
    }), { numRuns: 300 });
  });
});
