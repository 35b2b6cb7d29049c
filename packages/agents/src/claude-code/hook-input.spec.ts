import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MAX_HOOK_INPUT_BYTES, parseHookInput } from './hook-input.ts';

const valid = { session_id: 's-1', hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'ls -la' }, tool_use_id: 'toolu_01', cwd: '/w', transcript_path: '/t.jsonl' };

describe('Claude Code hook input', () => {
  it('given the documented PreToolUse input, then its fields are read and unknown ones ignored', () => {
    const r = parseHookInput(JSON.stringify(valid));
    assert.deepEqual(r, { ok: true, input: { sessionId: 's-1', event: 'PreToolUse', toolName: 'Bash', toolInput: { command: 'ls -la' }, toolUseId: 'toolu_01', cwd: '/w' } });
  });

  it('given input that is not JSON, not an object, or lacks a field, then the error says what and where in one line', () => {
    const cases: [string, RegExp][] = [
      ['{', /not JSON/],
      ['[]', /the input/],
      [JSON.stringify({ ...valid, tool_name: undefined }), /tool_name/],
      [JSON.stringify({ ...valid, tool_input: 'rm -rf /' }), /tool_input/],
      [JSON.stringify({ ...valid, hook_event_name: 'PostToolUse' }), /hook_event_name/],
      [JSON.stringify({ ...valid, session_id: '' }), /session_id/],
    ];
    for (const [text, pattern] of cases) {
      const r = parseHookInput(text);
      assert.equal(r.ok, false, text);
      if (!r.ok) {
        assert.match(r.error, pattern);
        assert.doesNotMatch(r.error, /\n/);
      }
    }
  });

  it('given a malformed PermissionRequest input, then the error answers in that event', () => {
    const r = parseHookInput(JSON.stringify({ hook_event_name: 'PermissionRequest' }));
    assert.equal(r.ok, false);
    if (!r.ok) assert.equal(r.event, 'PermissionRequest');
  });

  it('given more than the bound, then it is refused before parsing', () => {
    const r = parseHookInput(`{"x":"${'a'.repeat(MAX_HOOK_INPUT_BYTES)}"}`);
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.error, /bytes; at most/);
  });

  it('property: any text either parses or is refused with a one-line error; it never throws', () => {
    fc.assert(fc.property(fc.oneof(fc.string(), fc.json(), fc.jsonValue().map((v) => JSON.stringify({ ...valid, tool_input: v }))), (text) => {
      const r = parseHookInput(text);
      if (!r.ok) assert.doesNotMatch(r.error, /\n/);
      else assert.equal(typeof r.input.toolInput, 'object');
    }), { numRuns: 300 });
  });

  it('given a tool input with a __proto__ key, then it is kept as an own key (the params proposed are the tool\'s input)', () => {
    const r = parseHookInput('{"session_id":"s","hook_event_name":"PreToolUse","tool_name":"t","tool_input":{"__proto__":[],"a":1}}');
    assert.equal(r.ok, true);
    if (r.ok) assert.deepEqual(r.input.toolInput, JSON.parse('{"__proto__":[],"a":1}'));
  });

  it('property: any well-formed input round-trips', () => {
    const text = fc.string({ minLength: 1, maxLength: 40 });
    fc.assert(fc.property(text, fc.constantFrom('PreToolUse', 'PermissionRequest'), text, fc.dictionary(fc.string(), fc.jsonValue()), (session, event, tool, input) => {
      const r = parseHookInput(JSON.stringify({ session_id: session, hook_event_name: event, tool_name: tool, tool_input: input }));
      assert.equal(r.ok, true);
      if (r.ok) assert.deepEqual(r.input, { sessionId: session, event, toolName: tool, toolInput: JSON.parse(JSON.stringify(input)) });
    }), { numRuns: 200 });
  });
});
