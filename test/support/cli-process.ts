// The `countersign` command as a subprocess, as a person or a pipeline runs it: configured only by
// COUNTERSIGN_URL and COUNTERSIGN_API_KEY, its status, stdout and stderr collected.
import { spawn, type ChildProcess } from 'node:child_process';
import { nodeArgsFor } from './app-bundles.ts';
import { ROOT } from './countersign-process.ts';

/**
 * What `node` runs for `countersign <args>`: the CLI's bundle (test/support/app-bundles.ts), so a
 * test does not pay for compiling the TypeScript at each call. The same code as the shipped
 * bin/countersign.mjs runs under tsx; the crash-consistency and rebuild suites still run that bin.
 */
export const cliNodeArgs = (): string[] => nodeArgsFor('apps/cli/src/main.ts');

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunningCli {
  child: ChildProcess;
  done: Promise<CliRun>;
  /** Resolves with the first match of `pattern` in stderr (fails if the process ends first). */
  stderrMatch(pattern: RegExp): Promise<RegExpExecArray>;
}

/** Starts `countersign <args>` against `url` as the holder of `apiKey`. */
export function startCli(args: readonly string[], url: string, apiKey: string, env: Record<string, string> = {}): RunningCli {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('COUNTERSIGN_')));
  const child = spawn(process.execPath, [...cliNodeArgs(), ...args], {
    cwd: ROOT,
    env: { ...inherited, COUNTERSIGN_URL: url, COUNTERSIGN_API_KEY: apiKey, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: Array<() => void> = [];
  child.stdout!.on('data', (b) => (stdout += b));
  child.stderr!.on('data', (b) => {
    stderr += b;
    for (const w of waiters.splice(0)) w();
  });
  let closed = false;
  const done = new Promise<CliRun>((resolve) => child.once('close', (code, signal) => {
    closed = true;
    for (const w of waiters.splice(0)) w();
    resolve({ code, signal, stdout, stderr });
  }));
  return {
    child,
    done,
    stderrMatch(pattern) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = pattern.exec(stderr);
          if (m) return resolve(m);
          if (closed) return reject(new Error(`countersign ${args.join(' ')} ended without printing ${pattern} on stderr:\n${stderr}`));
          waiters.push(check);
        };
        check();
      });
    },
  };
}

/** Runs `countersign <args>` to the end. */
export function cli(args: readonly string[], url: string, apiKey: string, env?: Record<string, string>): Promise<CliRun> {
  return startCli(args, url, apiKey, env).done;
}
