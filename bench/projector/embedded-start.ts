/**
 * Start time of the embedded default (`npm start`: five services, file log, memory read models)
 * over a log holding the events of N decided proposals: from spawn to /readyz answering 200,
 * which waits for every consumer, the projector included, to catch up with the log.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOPICS } from '@countersign/contracts';
import { createFileEventLog } from '@countersign/eventlog';
import { batchesOf, streamOf } from './events.ts';

/** A data dir whose log holds `proposals` decided actions (3 events each), as the router appends them. */
export async function seededDataDir(proposals: number): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'countersign-bench-start-'));
  const log = await createFileEventLog({ dir: join(dir, 'log'), log: () => undefined });
  try {
    const ids = Array.from({ length: proposals }, (_, i) => i);
    for (const part of batchesOf(ids, 500)) {
      await log.append(TOPICS.events, part.flatMap((i) => streamOf(i).map((e) => ({ key: e.streamId, value: e }))));
    }
  } finally {
    await log.close();
  }
  return dir;
}

/** Spawns the embedded app of the checkout in `cwd` on `dataDir` and returns the seconds until /readyz is 200; stops it. */
export async function startSeconds(dataDir: string, port: number, cwd = process.cwd(), extraArgs: string[] = []): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, [...extraArgs, '--import', 'tsx', 'apps/countersign/src/main.ts'], {
    cwd,
    env: { ...process.env, COUNTERSIGN_KAFKA_BROKERS: '', COUNTERSIGN_MONGO_URL: '', PORT: String(port), HOST: '127.0.0.1', COUNTERSIGN_DATA_DIR: dataDir, COUNTERSIGN_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`embedded app exited with ${code} before it was ready`))));
  exited.catch(() => undefined); // it rejects when we stop the app, too
  try {
    for (;;) {
      const ready = await Promise.race([fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status === 200, () => false), exited]);
      if (ready) return (performance.now() - started) / 1000;
      await Promise.race([new Promise((resolve) => setTimeout(resolve, 50)), exited]);
    }
  } finally {
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await gone;
  }
}

export const removeDir = (dir: string) => rm(dir, { recursive: true, force: true });
