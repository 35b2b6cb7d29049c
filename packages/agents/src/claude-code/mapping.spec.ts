import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { actionPart, canonicalResource, commandName, mapToolCall, parseHookMapping } from './mapping.ts';

describe('Claude Code tool calls as actions', () => {
  it('given Edit, Write or Read, then the resource is the file path without its leading slash', () => {
    assert.deepEqual(mapToolCall('Edit', { file_path: '/home/a/p/src/x.ts', old_string: 'a', new_string: 'b' }), {
      action: 'claude.edit', resource: 'home/a/p/src/x.ts', params: { file_path: '/home/a/p/src/x.ts', old_string: 'a', new_string: 'b' },
    });
    assert.equal(mapToolCall('Write', { file_path: '/a//b/./c/../d.txt' }).resource, 'a/b/d.txt');
    assert.equal(mapToolCall('Read', { file_path: '/etc/passwd' }).resource, 'etc/passwd');
  });

  it('given Bash, then the resource is bash/<the program>, past variable assignments and directories', () => {
    assert.equal(mapToolCall('Bash', { command: 'rm -rf build' }).resource, 'bash/rm');
    assert.equal(mapToolCall('Bash', { command: 'FOO=1 /usr/bin/git push --force' }).resource, 'bash/git');
    assert.equal(mapToolCall('Bash', { command: '' }).resource, 'bash/unknown');
    assert.equal(commandName(42), 'unknown');
  });

  it('given another tool, then the action is claude.<tool> lowercased with other characters as _, on claude/<tool>', () => {
    assert.deepEqual(mapToolCall('mcp__github__merge_pull_request', { n: 1 }), { action: 'claude.mcp__github__merge_pull_request', resource: 'claude/mcp__github__merge_pull_request', params: { n: 1 } });
    assert.equal(mapToolCall('Web Fetch!', {}).action, 'claude.web_fetch_');
  });

  it('given a mapping file, then its action and resource template win for that tool only', () => {
    const mapping = parseHookMapping('prefix: cc\ntools:\n  Bash:\n    action: shell.run\n    resource: "shell/{command}"\n  WebFetch:\n    resource: "web/{input.url}"\n', 'm.yaml');
    assert.deepEqual(mapToolCall('Bash', { command: 'ls' }, mapping), { action: 'shell.run', resource: 'shell/ls', params: { command: 'ls' } });
    assert.equal(mapToolCall('WebFetch', { url: 'https://x.test/a' }, mapping).resource, 'web/https:/x.test/a');
    assert.equal(mapToolCall('Glob', {}, mapping).action, 'cc.glob');
  });

  it('given a mapping file that is wrong, then the error names the file and the field', () => {
    assert.throws(() => parseHookMapping('tools:\n  Bash:\n    action: "Shell Run"\n', 'm.yaml'), /^Error: m\.yaml: tools\.Bash\.action: must match/);
    assert.throws(() => parseHookMapping('tools: [1', 'm.json'), /^Error: m\.json: not YAML or JSON/);
    assert.throws(() => parseHookMapping('tool: {}', 'm.yaml'), /m\.yaml: /);
  });

  it('property: any tool name and input give a valid action name and a canonical resource', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), fc.string({ maxLength: 300 }), (tool, text) => {
      const a = mapToolCall(tool, { file_path: text, command: text });
      assert.match(a.action, /^[a-z0-9][a-z0-9_.-]*$/);
      assert.ok(a.action.length <= 128);
      for (const r of [a.resource, mapToolCall('Edit', { file_path: text }).resource, mapToolCall('Bash', { command: text }).resource]) {
        assert.ok(r.length >= 1 && r.length <= 1024);
        assert.ok(!r.startsWith('/') && !r.endsWith('/') && !r.includes('//'), r);
        assert.ok(!r.split('/').some((s) => s === '.' || s === '..'), r);
      }
      assert.equal(canonicalResource(a.resource, tool), a.resource);
      assert.match(actionPart(tool), /^[a-z0-9]/);
    }), { numRuns: 300 });
  });
});
