import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliNodeArgs } from '../support/cli-process.ts';
import { ROOT } from '../support/countersign-process.ts';

// The command's refusals at start, each in a process of its own as a person runs it (from the
// CLI's bundle: under tsx each start cost about 2.5 s of CPU). No server is needed: the API's
// address is a closed port.
const dir = mkdtempSync(join(tmpdir(), 'mcp-gate-cli-'));

function gate(config: string, ...rest: string[]) {
  const file = join(dir, `gate-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, config);
  const run = spawnSync(process.execPath, [...cliNodeArgs(), 'mcp-gate', '--config', file, ...rest], {
    cwd: ROOT, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', COUNTERSIGN_API_KEY: 'demo-agent-key', COUNTERSIGN_URL: 'http://127.0.0.1:9' }, timeout: 60_000,
  });
  return { status: run.status, stderr: run.stderr, stdout: run.stdout, file };
}

describe('countersign mcp-gate (the command)', () => {
  it('given a configuration with a mistake, when started, then it exits 2 with one line naming file:line and the field, and stdout stays empty', () => {
    const run = gate('server: files\ntools:\n  rm: { resorce: "x" }\n', '--', 'true');
    assert.equal(run.status, 2);
    assert.equal(run.stderr, `countersign: ${run.file}:3: tools.rm.resorce: is not a known field\n`);
    assert.equal(run.stdout, '');
  });

  it('given no upstream, when started, then it exits 2 saying where to give one', () => {
    const run = gate('server: files\n');
    assert.equal(run.status, 2);
    assert.match(run.stderr, /^countersign: no upstream: give its command after -- \(or upstream\.url in the configuration\)\n$/);
  });

  it('given an upstream command that is not an MCP server, when started, then it exits 1 with one line naming it', () => {
    const run = gate('server: files\n', '--', process.execPath, '-e', 'process.exit(3)');
    assert.equal(run.status, 1);
    assert.match(run.stderr, /^countersign: (cannot start the upstream MCP server files|the upstream MCP server files closed the connection)/m);
  });

  it('given upstreams in the configuration and a command after --, when started, then it exits 2 with one line saying to keep one', () => {
    const run = gate('upstreams:\n  files: { command: [srv] }\n', '--', 'true');
    assert.equal(run.status, 2);
    assert.equal(run.stderr, `countersign: ${run.file}: the configuration names its upstreams (upstream.url or upstreams), and so does the command after --; keep one\n`);
  });

  it('given several upstreams of which one cannot start, when started, then it closes the others and exits 1 with one line naming that one', () => {
    const files = [process.execPath, '--import', 'tsx', join(ROOT, 'test/support/mcp-upstream-server.ts'), join(dir, 'files-calls.jsonl')];
    const run = gate(`upstreams:\n  files: { command: ${JSON.stringify(files)} }\n  bank: { url: "http://127.0.0.1:9/mcp" }\n`);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /^countersign: cannot start the upstream MCP server bank \(http:\/\/127\.0\.0\.1:9\/mcp\): [^\n]+\n$/);
  });

  it('given --listen without a port, --max-sessions without --listen, or --api-key with --listen, when started, then it exits 2 with one line naming the flag', () => {
    const cases: [string[], RegExp][] = [
      [['--listen', '8931'], /^countersign: --listen "8931": expected <host>:<port>/],
      [['--max-sessions', '5'], /^countersign: --max-sessions: only with --listen\n$/],
      [['--listen', '127.0.0.1:8931', '--max-sessions', '0'], /^countersign: --max-sessions "0": expected a whole number/],
      [['--listen', '127.0.0.1:8931', '--api-key', 'k'], /^countersign: --api-key: with --listen each agent sends its own key/],
    ];
    for (const [flags, expected] of cases) {
      const run = gate('server: files\n', ...flags, '--', 'true');
      assert.equal(run.status, 2, flags.join(' '));
      assert.match(run.stderr, expected);
    }
  });
});
