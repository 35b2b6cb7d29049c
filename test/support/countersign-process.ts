import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');

export interface RunningCountersign {
  url: string;
  dataDir: string;
  /** Everything the process printed so far. */
  output(): string;
  /** Graceful stop (SIGTERM), waiting for exit. */
  stop(): Promise<number | null>;
  /** Crash stop: SIGKILL, nothing flushed beyond what was acknowledged. */
  kill9(): Promise<void>;
}

export interface StartOptions {
  dataDir?: string;
  env?: Record<string, string>;
  /** Resolve once the process exits instead of waiting for readiness (config error tests). */
  expectExit?: boolean;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

export async function tempDataDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'countersign-e2e-'));
}

/** Spawns `npm start`'s entry point exactly as users run it, on a free port. */
export async function startCountersign(options: StartOptions = {}): Promise<RunningCountersign & { exitCode: Promise<number | null> }> {
  const dataDir = options.dataDir ?? (await tempDataDir());
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'apps/countersign/src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', COUNTERSIGN_DATA_DIR: dataDir, COUNTERSIGN_LOG_LEVEL: 'warn', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (b) => (out += b));
  child.stderr!.on('data', (b) => (out += b));
  const exitCode = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const url = `http://127.0.0.1:${port}`;
  const running = {
    url,
    dataDir,
    exitCode,
    output: () => out,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exitCode;
    },
    async kill9() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exitCode;
    },
  };
  if (!options.expectExit) await waitReady(url, exitCode, () => out);
  return running;
}

/** Polls /readyz with a short backoff until 200; fails fast if the process exits. */
async function waitReady(url: string, exited: Promise<number | null>, output: () => string): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + 60_000;
  for (let delay = 20; Date.now() < deadline; delay = Math.min(delay * 2, 200)) {
    if (gone) throw new Error(`countersign exited before it was ready:\n${output()}`);
    try {
      const res = await fetch(`${url}/readyz`);
      if (res.status === 200) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, delay));
  }
  throw new Error(`countersign was not ready within 60 s:\n${output()}`);
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}
