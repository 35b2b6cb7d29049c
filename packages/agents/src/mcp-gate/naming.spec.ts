import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { defaultResource, renderResource, templateFields, toolActionName } from './naming.ts';

describe('tool action names', () => {
  it('given a server and a tool, when named, then it is mcp.<server>.<tool> lowercased', () => {
    assert.equal(toolActionName('GitHub', 'merge_pull_request'), 'mcp.github.merge_pull_request');
    assert.equal(defaultResource('fs', 'read_file'), 'mcp/fs/read_file');
  });

  it('given characters outside [a-z0-9_.-], when named, then each becomes _', () => {
    assert.equal(toolActionName('my server', 'Get/Item:v2'), 'mcp.my_server.get_item_v2');
  });

  it('given any server and tool names, when named, then the result is a valid action name or refused', () => {
    fc.assert(fc.property(fc.string({ minLength: 1, maxLength: 40 }), fc.string({ minLength: 1, maxLength: 60 }), (server, tool) => {
      const name = toolActionName(server, tool);
      assert.match(name, /^[a-z0-9][a-z0-9_.-]*$/);
      assert.ok(name.length <= 128);
    }), { numRuns: 200 });
  });

  it('given names too long together, when named, then it is refused with the reason', () => {
    assert.throws(() => toolActionName('s', 'x'.repeat(130)), /at most 128/);
  });
});

describe('resource templates', () => {
  it('given a template and the arguments, when rendered, then placeholders take the argument values', () => {
    assert.deepEqual(templateFields('repos/{owner}/{repo}'), ['owner', 'repo']);
    assert.equal(renderResource('repos/{owner}/{repo}', { owner: 'acme', repo: 'web', other: 1 }), 'repos/acme/web');
    assert.equal(renderResource('accounts/{id}', { id: 42 }), 'accounts/42');
    assert.equal(renderResource('mcp/fs/read_file', {}), 'mcp/fs/read_file');
  });

  it('given a missing, empty or structured argument, when rendered, then it is refused naming the argument', () => {
    assert.throws(() => renderResource('repos/{owner}', {}), /"owner".*has none/);
    assert.throws(() => renderResource('repos/{owner}', { owner: '' }), /"owner"/);
    assert.throws(() => renderResource('repos/{owner}', { owner: { a: 1 } }), /"owner"/);
    assert.throws(() => renderResource('repos/{toString}', {}), /"toString"/);
  });
});
