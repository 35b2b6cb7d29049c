import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, ROOT } from './countersign-process.ts';

/**
 * A Kafka broker and a FerretDB of a test's own (deploy/local/infra.sh on free ports, in a
 * temporary run dir, with the shared build cache), for tests that stop and start them: stopping
 * the shared ones would fail every other test.
 */
export interface DedicatedInfra {
  env: { COUNTERSIGN_KAFKA_BROKERS: string; COUNTERSIGN_MONGO_URL: string };
  stop(service: 'kafka' | 'ferretdb'): Promise<void>;
  /** Starts whatever is stopped and waits until both answer. */
  up(): Promise<void>;
  down(): Promise<void>;
}

function run(env: Record<string, string>, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['deploy/local/infra.sh', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export async function startDedicatedInfra(): Promise<DedicatedInfra> {
  const dir = await mkdtemp(join(tmpdir(), 'countersign-infra-'));
  // FerretDB on PostgreSQL, as the shared infrastructure: on SQLite every query decodes the whole
  // collection, and a longer run at 20/s buried it after the second fault. PostgreSQL runs as its
  // own system user, which must reach its data directory inside this one.
  await chmod(dir, 0o755);
  const ports = new Set<number>();
  while (ports.size < 4) ports.add(await freePort());
  const [kafkaPort, controllerPort, ferretPort, pgPort] = [...ports];
  const env = {
    COUNTERSIGN_INFRA_DIR: dir,
    COUNTERSIGN_KAFKA_PORT: String(kafkaPort),
    COUNTERSIGN_KAFKA_CONTROLLER_PORT: String(controllerPort),
    COUNTERSIGN_FERRET_PORT: String(ferretPort),
    COUNTERSIGN_PG_PORT: String(pgPort),
    COUNTERSIGN_FERRET_BACKEND: 'postgresql',
    COUNTERSIGN_KAFKA_HEAP: '-Xms128m -Xmx384m',
  };
  const checked = async (...args: string[]) => {
    const result = await run(env, ...args);
    if (result.code !== 0) throw new Error(`infra.sh ${args.join(' ')} failed (${result.code}): ${result.stderr.slice(-2000)}`);
    return result;
  };
  const started = await checked('up');
  const settings = Object.fromEntries(started.stdout.trim().split('\n').map((l) => l.split('=', 2) as [string, string]));
  return {
    env: { COUNTERSIGN_KAFKA_BROKERS: settings.COUNTERSIGN_KAFKA_BROKERS, COUNTERSIGN_MONGO_URL: settings.COUNTERSIGN_MONGO_URL },
    stop: async (service) => void (await checked('stop', service)),
    up: async () => void (await checked('up')),
    async down() {
      await run(env, 'down');
      await rm(dir, { recursive: true, force: true });
    },
  };
}
