// Runs the command after `--` of `countersign request`: no shell, the terminal passed through,
// and the status it ended with in the shell's terms (128 + signal number when a signal killed it).
import { spawn } from 'node:child_process';
import { constants } from 'node:os';

export interface CommandOutcome {
  /** The status to exit with: the command's own, 128 + n for signal n, 127 when it could not start. */
  exitCode: number;
  /** What went wrong, for the execution report; absent when the command exited 0. */
  error?: string;
}

export interface RunningCommand {
  done: Promise<CommandOutcome>;
  /** Passes a signal on (a CI runner's SIGTERM reaches only this process). */
  signal(name: NodeJS.Signals): void;
}

export function runCommand(argv: readonly string[], env: NodeJS.ProcessEnv): RunningCommand {
  const child = spawn(argv[0], argv.slice(1), { stdio: 'inherit', env });
  const done = new Promise<CommandOutcome>((resolve) => {
    child.once('error', (error: NodeJS.ErrnoException) => resolve({ exitCode: 127, error: `could not start: ${error.code ?? error.message}` }));
    child.once('exit', (code, signal) => resolve(commandOutcome(code, signal)));
  });
  return {
    done,
    signal(name) {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) child.kill(name);
    },
  };
}

export function commandOutcome(code: number | null, signal: NodeJS.Signals | null): CommandOutcome {
  if (signal !== null) return { exitCode: 128 + (constants.signals[signal] ?? 0), error: `killed by ${signal}` };
  if (code === 0) return { exitCode: 0 };
  return { exitCode: code ?? 1, error: `exited with status ${code ?? 'unknown'}` };
}
