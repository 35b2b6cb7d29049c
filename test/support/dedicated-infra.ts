import { spawn } from 'node:child_process';
import { chmod, cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
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
  /**
   * Keeps what would tell why a run failed, before down() deletes it: FerretDB's goroutines
   * (SIGQUIT: Go prints every goroutine's stack, then exits; up() starts it again), PostgreSQL's
   * sessions and locks, and every log of the run dir, in a new directory under the system's temp
   * dir. Returns that directory and a summary to print.
   */
  keepDiagnostics(label: string): Promise<{ dir: string; summary: string }>;
}

/** A command's output, or why it failed; never throws. */
function output(command: string, args: string[]): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b) => (out += b));
    child.stderr.on('data', (b) => (out += b));
    child.on('error', (error) => resolve(`${command}: ${error.message}`));
    child.on('close', () => resolve(out));
  });
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Where each goroutine of a Go stack dump waits, most common first (e.g. "12 × pgxpool.(*Pool).Acquire"). */
function goroutineSummary(dump: string): string {
  const counts = new Map<string, number>();
  const header = /^goroutine \d+ [^[\n]*\[([^,\]]*)/;
  for (const block of dump.split(/\n(?=goroutine \d+ )/).filter((b) => header.test(b))) {
    const state = header.exec(block)![1];
    // The first frame of FerretDB's, pgx's or puddle's own code says what it waits for.
    const frame = block.split('\n').find((l) => /FerretDB|pgx|puddle/.test(l) && !l.startsWith('\t')) ?? block.split('\n')[1] ?? '';
    const key = `[${state}] ${frame.replace(/\([^()]*\)$/, '').replace(/^.*\//, '')}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, n]) => `  ${n} × ${k}`).join('\n');
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
    async keepDiagnostics(label) {
      const kept = await mkdtemp(join(tmpdir(), `countersign-outage-${label.replace(/[^a-z0-9-]/gi, '_')}-`));
      const lines: string[] = [`kept in ${kept}`];
      // PostgreSQL's view first (FerretDB's sessions go when it exits): who is connected, in what
      // state, waiting on what.
      const pgBin = (await readdir('/usr/lib/postgresql').catch(() => [] as string[])).sort((a, b) => Number(a) - Number(b)).pop();
      if (pgBin) {
        const psql = [`/usr/lib/postgresql/${pgBin}/bin/psql`, '-h', '127.0.0.1', '-p', String(pgPort), '-U', 'postgres', '-d', 'ferretdb', '-P', 'pager=off', '-c'];
        const asPg = (args: string[]) => (process.getuid?.() === 0 ? output('runuser', ['-u', 'postgres', '--', ...args]) : output(args[0], args.slice(1)));
        const states = await asPg([...psql, "SELECT state, wait_event_type, wait_event, count(*) FROM pg_stat_activity WHERE datname = 'ferretdb' GROUP BY 1, 2, 3 ORDER BY 4 DESC"]);
        const sessions = await asPg([...psql, "SELECT pid, state, wait_event_type, wait_event, now() - xact_start AS in_transaction, now() - state_change AS in_state, left(query, 200) AS query FROM pg_stat_activity WHERE datname = 'ferretdb' ORDER BY xact_start NULLS LAST"]);
        const locks = await asPg([...psql, 'SELECT locktype, relation::regclass, mode, granted, pid FROM pg_locks WHERE NOT granted OR mode LIKE \'%Exclusive%\' ORDER BY granted, pid']);
        await writeFile(join(kept, 'postgresql-sessions.txt'), `${states}\n${sessions}\n${locks}`);
        lines.push(`PostgreSQL sessions of FerretDB by state:\n${states.trim()}`);
      }
      const pid = Number((await readFile(join(dir, 'ferretdb.pid'), 'utf8').catch(() => '')).trim());
      if (pid > 0 && alive(pid)) {
        process.kill(pid, 'SIGQUIT');
        for (let i = 0; i < 50 && alive(pid); i += 1) await delay(100);
        const log = await readFile(join(dir, 'logs', 'ferretdb.log'), 'utf8').catch(() => '');
        const dumpAt = log.search(/^SIGQUIT/m);
        lines.push(`FerretDB's last lines before its goroutine dump:\n${log.slice(0, dumpAt < 0 ? undefined : dumpAt).trimEnd().split('\n').slice(-15).join('\n')}`);
        if (dumpAt >= 0) lines.push(`FerretDB's goroutines, by where they wait:\n${goroutineSummary(log.slice(dumpAt))}`);
      } else {
        lines.push('FerretDB was not running');
      }
      await cp(join(dir, 'logs'), join(kept, 'logs'), { recursive: true }).catch((error: Error) => lines.push(`logs not copied: ${error.message}`));
      return { dir: kept, summary: lines.join('\n') };
    },
    async down() {
      await run(env, 'down');
      await rm(dir, { recursive: true, force: true });
    },
  };
}
