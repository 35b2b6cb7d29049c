import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DEFAULT_PENDING_BOUND_MS, GateConfigError, parseGateConfig } from './config.ts';

const refused = (text: string, message: RegExp) => assert.throws(() => parseGateConfig('gate.yaml', text), (e: unknown) => e instanceof GateConfigError && message.test(e.message) && !e.message.includes('\n'));

describe('gate configuration', () => {
  it('given a full configuration, when parsed, then every field is taken and durations are in ms', () => {
    const config = parseGateConfig('gate.yaml', [
      'server: bank',
      'pendingBound: 1s',
      'progressInterval: 500ms',
      'readOnly: [read_file]',
      'tools:',
      '  transfer_funds: { resource: "accounts/{from}/{to}" }',
      '  merge: { action: mcp.github.merge_pull_request }',
    ].join('\n'));
    assert.deepEqual(config, {
      server: 'bank', pendingBoundMs: 1000, progressIntervalMs: 500, readOnly: ['read_file'],
      tools: { transfer_funds: { resource: 'accounts/{from}/{to}' }, merge: { action: 'mcp.github.merge_pull_request' } },
    });
  });

  it('given only a server name, when parsed, then the defaults apply (pending bound 50 s)', () => {
    const config = parseGateConfig('gate.yaml', 'server: fs\n');
    assert.equal(config.pendingBoundMs, DEFAULT_PENDING_BOUND_MS);
    assert.deepEqual(config.tools, {});
  });

  it('given mistakes, when parsed, then one line names file:line and the field', () => {
    refused('pendingBound: 1s\n', /^gate\.yaml:1: \(document\): must have required property 'server'$/);
    refused('server: fs\ntools:\n  rm:\n    resorce: "x/{a}"\n', /^gate\.yaml:4: tools\.rm\.resorce: is not a known field$/);
    refused('server: fs\npendingBound: soon\n', /^gate\.yaml:2: pendingBound: must be a duration such as 50s/);
    refused('server: fs\ntools:\n  rm: { action: "Not Valid" }\n', /^gate\.yaml:3: tools\.rm\.action: action name "Not Valid" is not valid/);
    refused('server: fs\nserver: again\n', /^gate\.yaml:2: YAML syntax error/);
    refused('server: fs\nupstream: { url: ftp://x }\n', /^gate\.yaml:2: upstream\.url: must match pattern/);
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
});
