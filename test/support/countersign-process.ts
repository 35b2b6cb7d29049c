import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { bundleEnv, nodeArgsFor } from './app-bundles.ts';

export const ROOT = resolve(import.meta.dirname, '../..');

/** One process of the distributed shape. */
export interface ServiceProcess {
  /** Its HTTP base URL (a replacement listens on a port of its own). */
  url: string;
  kill9(): Promise<void>;
  stop(): Promise<number | null>;
  exited: Promise<number | null>;
}

export interface RunningCountersign {
  url: string;
  /** The HTTP base URL of the process running `service` (embedded: the one process). */
  serviceUrl(service: string): string;
  /** Distributed shape: start another process (a second router instance, or a restart). */
  startService(service: string, instanceId: string, env?: Record<string, string>): Promise<ServiceProcess>;
  /** Distributed shape: the processes by instance id (initially the service names). */
  processes: Map<string, ServiceProcess>;
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
  /** Another entry point (a test composition, e.g. with faults): for the one process, or per service. */
  entries?: Partial<Record<(typeof SERVICES)[number] | 'embedded', string>>;
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

/** Which shape the suite runs against: all five services in one process, or five processes on Kafka and MongoDB. */
export const SHAPE = process.env.COUNTERSIGN_E2E_SHAPE === 'distributed' ? 'distributed' : 'embedded';

const SERVICES = ['audit-projector', 'approval-router', 'policy-evaluator', 'notifier', 'gateway'] as const;

interface Proc {
  child: ChildProcess;
  exit: Promise<number | null>;
}

/**
 * The environment a spawned app inherits: the embedded shape means the file log and memory read
 * models even when the test runner exported the shared infrastructure's settings (int tier).
 */
function inherited(): NodeJS.ProcessEnv {
  if (SHAPE !== 'embedded') return process.env;
  const { COUNTERSIGN_KAFKA_BROKERS: _k, COUNTERSIGN_MONGO_URL: _m, ...rest } = process.env;
  return rest;
}

/**
 * Passes a stream's output on whole lines at a time, each prefixed: chunks split lines anywhere,
 * and tests find a process's lines by their prefix.
 */
function linesOf(prefix: string, sink: (text: string) => void) {
  let partial = '';
  return {
    write(text: string) {
      const lines = (partial + text).split('\n');
      partial = lines.pop()!;
      for (const line of lines) sink(`${prefix}${line}\n`);
    },
    flush() {
      if (partial) sink(`${prefix}${partial}\n`);
      partial = '';
    },
  };
}

/** Starts `entry` (a TypeScript entry point) from its bundle, as the image runs it (test/support/app-bundles.ts). */
function spawnApp(entry: string, env: Record<string, string>, sink: (text: string) => void, prefix = ''): Proc {
  const child = spawn(process.execPath, nodeArgsFor(entry), {
    cwd: ROOT,
    env: { ...inherited(), HOST: '127.0.0.1', COUNTERSIGN_LOG_LEVEL: 'warn', ...bundleEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const [out, err] = [linesOf(prefix, sink), linesOf(prefix, sink)];
  child.stdout!.on('data', (b) => out.write(String(b)));
  child.stderr!.on('data', (b) => err.write(String(b)));
  const exit = new Promise<number | null>((r) => child.once('close', (code) => {
    out.flush();
    err.flush();
    r(code);
  }));
  return { child, exit };
}

let gatewayKeys: Record<string, string> | undefined;

/**
 * The gateway's key pair for this test run, made once into a temp dir: the gateway signs the
 * proposals it writes with the private key, evaluators verify them with the public one.
 */
export function gatewayKeyEnv(): Record<string, string> {
  if (!gatewayKeys) {
    const dir = mkdtempSync(join(tmpdir(), 'countersign-keys-'));
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const [signing, verify] = [join(dir, 'gateway.pem'), join(dir, 'gateway.pub.pem')];
    writeFileSync(signing, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    writeFileSync(verify, publicKey.export({ type: 'spki', format: 'pem' }));
    // The grant key file every gateway replica of the run shares (on Kafka it must be named).
    const grants = join(dir, 'grant-keys.json');
    const { kty, crv, x, d } = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
    const file = { keys: [{ kid: 'grant-e2e-1', createdAt: new Date().toISOString(), privateJwk: { kty, crv, x, d } }] };
    writeFileSync(grants, JSON.stringify(file), { mode: 0o600 });
    // The checkpoint key file the projectors sign with and the gateways publish (ADR 0007; named on Kafka).
    const checkpoints = join(dir, 'checkpoint-keys.json');
    const cp = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
    const cpFile = { keys: [{ kid: 'checkpoint-e2e-1', createdAt: new Date(Date.now() - 60_000).toISOString(), privateJwk: { kty: cp.kty, crv: cp.crv, x: cp.x, d: cp.d } }] };
    writeFileSync(checkpoints, JSON.stringify(cpFile), { mode: 0o600 });
    gatewayKeys = {
      COUNTERSIGN_GATEWAY_SIGNING_KEY: signing, COUNTERSIGN_GATEWAY_VERIFY_KEY: verify, COUNTERSIGN_GRANT_KEYS: grants, COUNTERSIGN_CHECKPOINT_KEYS: checkpoints,
    };
  }
  return gatewayKeys;
}

/**
 * The shared infrastructure of the distributed shape. A system is identified by its data dir: the
 * same dir after a restart means the same Kafka namespace and MongoDB database.
 */
export function distributedEnv(dataDir: string): Record<string, string> {
  const id = `e2e_${basename(dataDir).replace(/[^A-Za-z0-9_-]/g, '_')}`;
  return {
    COUNTERSIGN_KAFKA_BROKERS: process.env.COUNTERSIGN_KAFKA_BROKERS ?? '127.0.0.1:19092',
    COUNTERSIGN_MONGO_URL: process.env.COUNTERSIGN_MONGO_URL ?? 'mongodb://127.0.0.1:27018/',
    COUNTERSIGN_KAFKA_NAMESPACE: id,
    COUNTERSIGN_KAFKA_PARTITIONS: '3',
    COUNTERSIGN_MONGO_DB: id,
    ...gatewayKeyEnv(),
  };
}

/**
 * Starts Countersign as users run it: `npm start`'s entry point (embedded), or the five apps'
 * entry points as separate processes (distributed), on free ports.
 */
export async function startCountersign(options: StartOptions = {}): Promise<RunningCountersign & { exitCode: Promise<number | null> }> {
  const dataDir = options.dataDir ?? (await tempDataDir());
  let out = '';
  const sink = (text: string) => void (out += text);
  const procs: Proc[] = [];
  const ports: number[] = [];
  if (SHAPE === 'embedded' || options.expectExit) {
    const port = await freePort();
    ports.push(port);
    const entry = SHAPE === 'embedded' ? options.entries?.embedded ?? 'apps/countersign/src/main.ts' : 'apps/gateway/src/main.ts';
    const shared = SHAPE === 'embedded' ? {} : distributedEnv(dataDir);
    procs.push(spawnApp(entry, { ...shared, PORT: String(port), COUNTERSIGN_DATA_DIR: dataDir, ...options.env }, sink));
  } else {
    for (const service of SERVICES) {
      const port = await freePort();
      ports.push(port);
      const env = { ...distributedEnv(dataDir), PORT: String(port), COUNTERSIGN_INSTANCE_ID: service, ...options.env };
      procs.push(spawnApp(options.entries?.[service] ?? `apps/${service}/src/main.ts`, env, sink, `[${service}] `));
    }
  }
  const gatewayPort = ports[ports.length - 1];
  const exitCode = Promise.all(procs.map((p) => p.exit)).then((codes) => codes.find((c) => c !== 0) ?? codes[0]);
  const asService = (p: Proc, port: number): ServiceProcess => ({
    url: `http://127.0.0.1:${port}`,
    exited: p.exit,
    async kill9() {
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
      await p.exit;
    },
    async stop() {
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
      return p.exit;
    },
  });
  const processes = new Map<string, ServiceProcess>();
  if (SHAPE === 'distributed' && !options.expectExit) SERVICES.forEach((name, i) => processes.set(name, asService(procs[i], ports[i])));
  const running = {
    url: `http://127.0.0.1:${gatewayPort}`,
    serviceUrl(service: string) {
      const i = SHAPE === 'distributed' && !options.expectExit ? SERVICES.indexOf(service as (typeof SERVICES)[number]) : 0;
      if (i < 0) throw new Error(`no service ${service}`);
      return `http://127.0.0.1:${ports[i]}`;
    },
    dataDir,
    exitCode,
    processes,
    output: () => out,
    async startService(service: string, instanceId: string, env: Record<string, string> = {}) {
      if (SHAPE !== 'distributed') throw new Error('startService needs the distributed shape');
      const port = await freePort();
      const proc = spawnApp(`apps/${service}/src/main.ts`, { ...distributedEnv(dataDir), PORT: String(port), COUNTERSIGN_INSTANCE_ID: instanceId, ...env },
        sink, `[${instanceId}] `);
      procs.push(proc);
      await waitReady(`http://127.0.0.1:${port}`, proc.exit, () => out);
      const handle = asService(proc, port);
      processes.set(instanceId, handle);
      return handle;
    },
    async stop() {
      for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
      return Promise.all(procs.map((p) => p.exit)).then((codes) => codes.find((c) => c !== 0) ?? codes[0]);
    },
    async kill9() {
      for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
      await Promise.all(procs.map((p) => p.exit));
    },
  };
  if (!options.expectExit) {
    try {
      await Promise.all(ports.map((port, i) => waitReady(`http://127.0.0.1:${port}`, procs[i].exit, () => out)));
    } catch (error) {
      await running.kill9();
      throw error;
    }
  }
  return running;
}

/**
 * How long a process may take to become ready: 60 s, unless COUNTERSIGN_E2E_READY_MS says more
 * (a machine shared by several test runs can take minutes to start five processes).
 */
export const READY_MS = Math.max(60_000, Number(process.env.COUNTERSIGN_E2E_READY_MS) || 0);

/** Polls /readyz with a short backoff until 200; fails fast if the process exits. */
async function waitReady(url: string, exited: Promise<number | null>, output: () => string): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + READY_MS;
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
  throw new Error(`countersign was not ready within ${READY_MS / 1000} s:\n${output()}`);
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}
