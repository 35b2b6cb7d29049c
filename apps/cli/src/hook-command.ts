// `countersign hook claude-code`: the Claude Code PreToolUse / PermissionRequest hook
// (packages/agents/src/claude-code). It always answers a decision on stdout with status 0: every
// failure, a bad flag value or a missing API key included, is a deny with its reason (fail closed).
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { connect, withRemoteOptions } from './client-options.ts';
import { parseDuration } from './durations.ts';
import type { RemoteFlags } from './remote-config.ts';

interface HookOptions extends RemoteFlags {
  wait: string;
  config?: string;
}

/** Below Claude Code's default hook timeout of 60 s: a hook killed at its timeout would not block. */
const DEFAULT_WAIT = '50s';

export function registerHookCommand(program: Command): void {
  const hook = program.command('hook').description('hooks of agent runtimes that ask Countersign before a tool runs (docs/agents.md)');
  withRemoteOptions(hook.command('claude-code'))
    .description('Claude Code PreToolUse/PermissionRequest hook: reads the hook JSON on stdin, proposes claude.<tool>, prints allow or deny')
    .option('--wait <duration>', 'how long to wait for a decision; keep it below the hook\'s timeout in .claude/settings.json', DEFAULT_WAIT)
    .option('--config <file>', 'a YAML or JSON file mapping tools to actions and resources (docs/agents.md)')
    .action((options: HookOptions) => claudeCode(options));
}

async function claudeCode(options: HookOptions): Promise<void> {
  const { runClaudeCodeHook, parseHookMapping, MAX_HOOK_INPUT_BYTES } = await import('@countersign/agents/claude-code');
  const stdin = await readStdin(MAX_HOOK_INPUT_BYTES + 1);
  let url = options.url ?? process.env.COUNTERSIGN_URL ?? '';
  let run;
  try {
    const waitMs = parseDuration(options.wait, '--wait');
    const mapping = options.config !== undefined ? parseHookMapping(readConfig(options.config), options.config) : undefined;
    const { remote, client } = connect(options, process.env);
    url = remote.url;
    run = await runClaudeCodeHook(stdin, { client: () => client, url, waitMs, ...(mapping ? { mapping } : {}) });
  } catch (e) {
    // Configuration errors answer as a deny too; a hook that exits otherwise would let the call through.
    const message = (e as Error).message;
    run = await runClaudeCodeHook(stdin, { client: () => { throw new Error(message); }, url, waitMs: 0 });
  }
  process.stdout.write(run.stdout);
  if (run.stderr) process.stderr.write(run.stderr);
}

function readConfig(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`--config ${JSON.stringify(path)}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/** Reads stdin up to `limit` bytes (the parser refuses anything longer). */
async function readStdin(limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= limit) break;
  }
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8');
}
