import { spawn, type ChildProcess } from 'node:child_process';
import { ROOT, freePort } from '../../test/support/countersign-process.ts';
import { E2E_ENV } from '../../test/support/e2e-env.ts';
import { KNOBS } from './knobs.ts';
import { deleteNamespace } from './namespace.ts';
import { benchSigner } from './proposals.ts';

/** The demo agent's public API key (config/demo/principals/demo.yaml); data.read is allowed by the e2e policies. */
export const AGENT_API_KEY = 'demo-agent-key';

/** The gateway last, as the e2e helper starts them: it answers for a pipeline that is there. */
const SERVICES = ['audit-projector', 'approval-router', 'policy-evaluator', 'notifier', 'gateway'] as const;

/** How long a graceful stop may take before the processes are killed. */
const STOP_GRACE_MS = 15_000;

export interface FiveProcesses {
  url: string;
  namespace: string;
  output(): string;
  /** Stops every process (SIGTERM, then SIGKILL after a grace period) and deletes the namespace. */
  stop(): Promise<void>;
}

interface Proc {
  name: string;
  child: ChildProcess;
  port: number;
  exited: Promise<unknown>;
}

const alive = (c: ChildProcess) => c.exitCode === null && c.signalCode === null;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Gateway, policy evaluator, approval router, notifier and audit projector as five processes
 * (`apps/<name>/src/main.ts`), with the environment the distributed e2e shape gives them
 * (test/support/countersign-process.ts: the demo principals, the e2e policies, one instance id per
 * service, free ports), on the shared Kafka and MongoDB-wire server, in a fresh namespace and
 * database. Our own spawner rather than the e2e helper only for the start-up deadline: five Node
 * processes starting at once on two shared cores can take longer than the helper's 60 s.
 */
export async function startFiveProcesses(): Promise<FiveProcesses> {
  const namespace = `bench5_${Date.now()}`;
  let out = '';
  const procs: Proc[] = [];
  const killAll = () => procs.forEach((p) => alive(p.child) && p.child.kill('SIGKILL'));
  // A bench interrupted by a signal or an uncaught error still takes its processes down.
  process.once('exit', killAll);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    procs.forEach((p) => alive(p.child) && p.child.kill('SIGTERM'));
    const all = Promise.all(procs.map((p) => p.exited));
    if (!(await Promise.race([all.then(() => true), sleep(STOP_GRACE_MS).then(() => false)]))) {
      console.error(`   (some of the five processes did not stop within ${STOP_GRACE_MS / 1000} s of SIGTERM: killed)`);
      killAll();
      await all;
    }
    process.off('exit', killAll);
    await deleteNamespace(KNOBS.brokers, namespace, KNOBS.mongoUrl);
  };
  try {
    // The gateway signs its proposals; the evaluator verifies them (ADR 0002): one key pair per run.
    const { env: keys } = await benchSigner();
    for (const name of SERVICES) {
      const port = await freePort();
      const child = spawn(process.execPath, ['--import', 'tsx', `apps/${name}/src/main.ts`], {
        cwd: ROOT,
        env: {
          ...process.env, ...E2E_ENV, HOST: '127.0.0.1', PORT: String(port), COUNTERSIGN_INSTANCE_ID: name,
          COUNTERSIGN_KAFKA_BROKERS: KNOBS.brokers.join(','), COUNTERSIGN_MONGO_URL: KNOBS.mongoUrl,
          COUNTERSIGN_KAFKA_NAMESPACE: namespace, COUNTERSIGN_MONGO_DB: namespace,
          COUNTERSIGN_KAFKA_PARTITIONS: String(KNOBS.partitions), COUNTERSIGN_LOG_LEVEL: 'error',
          // One agent sends everything here: its quotas would measure themselves, not the pipeline.
          COUNTERSIGN_MAX_PENDING_PER_REQUESTER: '1000000', COUNTERSIGN_PROPOSAL_BYTES_PER_WINDOW: String(1024 * 1024 * 1024),
          ...keys,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const sink = (b: Buffer) => void (out = (out + `[${name}] ${String(b)}`).slice(-20_000));
      child.stdout!.on('data', sink);
      child.stderr!.on('data', sink);
      procs.push({ name, child, port, exited: new Promise((r) => child.once('exit', r)) });
    }
    await Promise.all(procs.map((p) => ready(p, () => out)));
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `http://127.0.0.1:${procs.at(-1)!.port}`, namespace, output: () => out, stop };
}

/** Polls /readyz until 200, within BENCH_START_SECONDS; fails fast if the process exits. */
async function ready(p: Proc, output: () => string): Promise<void> {
  const deadline = Date.now() + KNOBS.startSeconds * 1000;
  let last = 'not listening';
  for (let delay = 20; Date.now() < deadline; delay = Math.min(delay * 2, 500)) {
    if (!alive(p.child)) throw new Error(`${p.name} exited during start-up (${p.child.exitCode ?? p.child.signalCode}):\n${output()}`);
    const res = await fetch(`http://127.0.0.1:${p.port}/readyz`).catch(() => undefined);
    if (res?.status === 200) return;
    if (res) last = `${res.status} ${(await res.text()).slice(0, 2000)}`;
    await sleep(delay);
  }
  throw new Error(`${p.name} was not ready within ${KNOBS.startSeconds} s (last /readyz: ${last}):\n${output()}`);
}
