import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
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
  const kafkaPort = await freePort();
  let controllerPort = await freePort();
  while (controllerPort === kafkaPort) controllerPort = await freePort();
  const ferretPort = await freePort();
  const env = {
    COUNTERSIGN_INFRA_DIR: dir,
    COUNTERSIGN_KAFKA_PORT: String(kafkaPort),
    COUNTERSIGN_KAFKA_CONTROLLER_PORT: String(controllerPort),
    COUNTERSIGN_FERRET_PORT: String(ferretPort),
    COUNTERSIGN_KAFKA_HEAP: '-Xms128m -Xmx384m',
    // FerretDB on SQLite: a PostgreSQL of its own would need a port and a data directory its
    // system user can reach; the outage tests are about stopping the server, not its speed.
    COUNTERSIGN_FERRET_BACKEND: 'sqlite',
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
