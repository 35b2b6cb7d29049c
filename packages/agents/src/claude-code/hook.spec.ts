import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CountersignUnavailable, WaitTimedOut, type Action, type Countersign } from '@countersign/sdk';
import { hookIdempotencyKey, runClaudeCodeHook, type HookDeps } from './hook.ts';

const input = (over: Record<string, unknown> = {}) => JSON.stringify({ session_id: 's-1', hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'rm -rf build' }, tool_use_id: 't-1', ...over });
const pending: Action = { id: 'a-1', status: 'pending', action: 'claude.bash', resource: 'bash/rm', approval: { groups: ['security'], quorum: 1, eligible: ['erin'], deadline: '2026-12-03T09:00:00Z', approvals: 0 } };

function deps(client: Partial<Pick<Countersign, 'propose' | 'waitForDecision'>>, waitMs = 1000): HookDeps & { keys: string[] } {
  const keys: string[] = [];
  return {
    keys,
    url: 'http://cs.test',
    waitMs,
    client: () => ({
      propose: async (body, options) => {
        keys.push(options!.idempotencyKey!);
        return client.propose!(body, options);
      },
      waitForDecision: client.waitForDecision ?? (async () => assert.fail('no wait expected')),
    }),
  };
}

const out = (stdout: string) => JSON.parse(stdout).hookSpecificOutput;

describe('countersign hook claude-code', () => {
  it('given an approved proposal, then it allows with the reason, without waiting', async () => {
    const d = deps({ propose: async (b) => ({ id: 'a-1', status: 'approved', action: b.action, resource: b.resource, decision: { outcome: 'approved', at: '', by: [], automatic: true, rule: 'reads' } }) });
    const run = await runClaudeCodeHook(input(), d);
    assert.deepEqual(out(run.stdout), { hookEventName: 'PreToolUse', permissionDecision: 'allow', permissionDecisionReason: 'Countersign approved claude.bash on bash/rm (Countersign action a-1) (rule reads)' });
    assert.equal(run.stderr, '');
  });

  it('given a pending action that is approved while waiting, then it allows naming the approver', async () => {
    const d = deps({ propose: async () => pending, waitForDecision: async () => ({ ...pending, status: 'approved', decision: { outcome: 'approved', at: '', by: ['erin'], automatic: false } }) });
    assert.match(out((await runClaudeCodeHook(input(), d)).stdout).permissionDecisionReason, /approved .* by erin/);
  });

  it('given an action still pending at the limit, then it denies naming the action, who must approve and that a retry picks it up', async () => {
    const d = deps({ propose: async () => pending, waitForDecision: async () => { throw new WaitTimedOut(pending); } });
    const o = out((await runClaudeCodeHook(input(), d)).stdout);
    assert.equal(o.permissionDecision, 'deny');
    assert.match(o.permissionDecisionReason, /action a-1\) is waiting for approval by 1 of erin \(groups security\).*retry the same tool call/);
  });

  it('given a denial, then it denies with the rule and reason; as a PermissionRequest, in that shape', async () => {
    const denied: Action = { ...pending, status: 'denied', decision: { outcome: 'denied', at: '', by: [], automatic: true, rule: 'no-rm', reason: 'No deleting.' } };
    const d = deps({ propose: async () => denied });
    assert.deepEqual(out((await runClaudeCodeHook(input({ hook_event_name: 'PermissionRequest' }), d)).stdout), {
      hookEventName: 'PermissionRequest', decision: { behavior: 'deny', message: 'Countersign denied claude.bash on bash/rm (Countersign action a-1) (rule no-rm): No deleting.' },
    });
  });

  it('given Countersign unreachable or no client, then it denies and says why on stderr (fail closed)', async () => {
    const down = deps({ propose: async () => { throw new CountersignUnavailable('connect ECONNREFUSED', { attempts: 3, mayHaveTakenEffect: false }); } });
    const run = await runClaudeCodeHook(input(), down);
    assert.equal(out(run.stdout).permissionDecision, 'deny');
    assert.match(run.stderr, /^countersign hook: Countersign is unreachable at http:\/\/cs\.test .*\n$/);
    const noKey = await runClaudeCodeHook(input(), { url: '', waitMs: 0, client: () => { throw new Error('no API key: set COUNTERSIGN_API_KEY'); } });
    assert.match(out(noKey.stdout).permissionDecisionReason, /no API key/);
  });

  it('given malformed stdin, then it denies without proposing', async () => {
    const d = deps({ propose: async () => assert.fail('proposed') });
    const run = await runClaudeCodeHook('not json', d);
    assert.equal(out(run.stdout).permissionDecision, 'deny');
    assert.match(run.stderr, /not JSON/);
  });

  it('given the same call fired again (another tool_use_id), then the key is the same; another session or input, another key', () => {
    const key = (over: Record<string, unknown>) => {
      const p = JSON.parse(input(over));
      return hookIdempotencyKey({ sessionId: p.session_id, event: 'PreToolUse', toolName: p.tool_name, toolInput: p.tool_input });
    };
    assert.equal(key({ tool_use_id: 't-2' }), key({}));
    assert.notEqual(key({ session_id: 's-2' }), key({}));
    assert.notEqual(key({ tool_input: { command: 'rm -rf dist' } }), key({}));
    assert.match(key({}), /^claude-[0-9a-f]{64}$/);
  });
});
