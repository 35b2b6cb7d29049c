import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { idempotentActionId } from '@countersign/contracts';
import { hookIdempotencyKey } from '@countersign/agents';
import { Countersign } from '@countersign/sdk';
import { KEYS } from '../support/api-client.ts';
import { cliNodeArgs } from '../support/cli-process.ts';
import { freePort, removeDir, ROOT, SHAPE, startCountersign, type RunningCountersign } from '../support/countersign-process.ts';
import { until } from '../support/until.ts';

const ENV = {
  COUNTERSIGN_PRINCIPALS: join(ROOT, 'config/demo/principals'),
  COUNTERSIGN_POLICIES: join(ROOT, 'test/fixtures/mcp-policies'),
};

interface HookResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout's hookSpecificOutput. */
  out: Record<string, unknown>;
}

/** `countersign hook claude-code` as Claude Code runs it: the hook JSON on stdin, the decision on stdout. */
function runHook(stdin: string, url: string, args: string[] = [], env: Record<string, string> = {}): Promise<HookResult> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('COUNTERSIGN_')));
  const child = spawn(process.execPath, [...cliNodeArgs(), 'hook', 'claude-code', ...args], {
    cwd: ROOT,
    env: { ...inherited, COUNTERSIGN_URL: url, COUNTERSIGN_API_KEY: KEYS.agent, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b) => (stdout += b));
  child.stderr.on('data', (b) => (stderr += b));
  child.stdin.end(stdin);
  return new Promise((resolve) => child.once('close', (code) => {
    let out: Record<string, unknown> = {};
    try {
      out = JSON.parse(stdout).hookSpecificOutput;
    } catch {
      // Left empty: the assertions on it say what was printed instead.
    }
    resolve({ code, stdout, stderr, out });
  }));
}

let session = 0;
function hookInput(tool: string, input: Record<string, unknown>, over: Record<string, unknown> = {}) {
  return { session_id: `e2e-${process.pid}-${Date.now()}-${++session}`, hook_event_name: 'PreToolUse', tool_name: tool, tool_input: input, tool_use_id: `toolu_${session}`, cwd: ROOT, ...over };
}

const actionIdOf = (h: ReturnType<typeof hookInput>) =>
  idempotentActionId('demo-agent', hookIdempotencyKey({ sessionId: h.session_id, event: 'PreToolUse', toolName: h.tool_name, toolInput: h.tool_input }));

describe(`countersign hook claude-code (${SHAPE})`, () => {
  let cs: RunningCountersign;
  let alice: Countersign;

  before(async () => {
    cs = await startCountersign({ env: ENV });
    alice = new Countersign({ url: cs.url, apiKey: KEYS.alice });
  });
  after(async () => {
    await cs.stop();
    await removeDir(cs.dataDir);
  });

  it('given an allowed tool, then it prints allow with exit 0', async () => {
    const r = await runHook(JSON.stringify(hookInput('Read', { file_path: '/etc/hosts' })), cs.url);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.out.hookEventName, 'PreToolUse');
    assert.equal(r.out.permissionDecision, 'allow', r.stdout);
    assert.match(String(r.out.permissionDecisionReason), /approved claude\.read on etc\/hosts .*rule claude-reads/);
  });

  it('given a gated tool approved while the hook waits, then it prints allow naming the approver', async () => {
    const h = hookInput('Bash', { command: 'git push origin main' });
    const running = runHook(JSON.stringify(h), cs.url, ['--wait', '40s']);
    const id = actionIdOf(h);
    await until(async () => (await alice.get(id).catch(() => undefined))?.status === 'pending', `${id} pending`, 30_000);
    assert.equal((await alice.get(id)).resource, 'bash/git');
    await alice.approve(id, { comment: 'ok' });
    const r = await running;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.out.permissionDecision, 'allow', r.stdout);
    assert.match(String(r.out.permissionDecisionReason), /by alice/);
  });

  it('given a gated tool still pending at the limit, then it denies naming the action and approvers; the same call retried after approval is allowed, with no second action', async () => {
    const h = hookInput('Bash', { command: 'npm publish' });
    const first = await runHook(JSON.stringify(h), cs.url, ['--wait', '1s']);
    const id = actionIdOf(h);
    assert.equal(first.out.permissionDecision, 'deny', first.stdout);
    assert.ok(String(first.out.permissionDecisionReason).includes(id), first.stdout);
    assert.match(String(first.out.permissionDecisionReason), /waiting for approval by 1 of (alice, bob|bob, alice) \(groups data-stewards\).*retry the same tool call/);
    await alice.approve(id, { comment: 'fine' });
    const retry = await runHook(JSON.stringify({ ...h, tool_use_id: 'toolu_retry' }), cs.url, ['--wait', '5s']);
    assert.equal(retry.out.permissionDecision, 'allow', retry.stdout);
    assert.ok(String(retry.out.permissionDecisionReason).includes(id));
  });

  it('given a denied tool, then it denies with the rule and reason; as a PermissionRequest, in that shape', async () => {
    const r = await runHook(JSON.stringify(hookInput('Bash', { command: 'rm -rf build' })), cs.url);
    assert.equal(r.out.permissionDecision, 'deny', r.stdout);
    assert.match(String(r.out.permissionDecisionReason), /denied claude\.bash on bash\/rm .*\(rule claude-no-rm\): Deleting with rm is not allowed here\./);
    const p = await runHook(JSON.stringify(hookInput('Bash', { command: 'rm x' }, { hook_event_name: 'PermissionRequest' })), cs.url);
    assert.equal(p.out.hookEventName, 'PermissionRequest');
    assert.deepEqual((p.out.decision as { behavior: string }).behavior, 'deny');
    assert.match((p.out.decision as { message: string }).message, /Deleting with rm is not allowed here\./);
  });

  it('given Countersign not running, then it denies (fail closed) and says so on stderr', async () => {
    const r = await runHook(JSON.stringify(hookInput('Read', { file_path: '/etc/hosts' })), `http://127.0.0.1:${await freePort()}`, ['--wait', '5s']);
    assert.equal(r.code, 0);
    assert.equal(r.out.permissionDecision, 'deny', r.stdout);
    assert.match(String(r.out.permissionDecisionReason), /unreachable|did not answer/);
    assert.match(r.stderr, /^countersign hook: /);
  });

  it('given malformed stdin or a missing API key, then it denies with the reason and one line on stderr', async () => {
    for (const stdin of ['{"tool_name":', JSON.stringify({ hook_event_name: 'PreToolUse', tool_name: 'Bash' }), '']) {
      const r = await runHook(stdin, cs.url);
      assert.equal(r.code, 0);
      assert.equal(r.out.permissionDecision, 'deny', `${stdin} → ${r.stdout}`);
      assert.equal(r.stderr.split('\n').filter(Boolean).length, 1, r.stderr);
    }
    const noKey = await runHook(JSON.stringify(hookInput('Read', { file_path: '/etc/hosts' })), cs.url, [], { COUNTERSIGN_API_KEY: '' });
    assert.equal(noKey.out.permissionDecision, 'deny', noKey.stdout);
    assert.match(String(noKey.out.permissionDecisionReason), /no API key/);
  });
});
