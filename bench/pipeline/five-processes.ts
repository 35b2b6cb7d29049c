import { KNOBS } from './knobs.ts';
import { deleteNamespace } from './namespace.ts';

/** The demo agent's public API key (config/demo/principals/demo.yaml); data.read is allowed by the e2e policies. */
export const AGENT_API_KEY = 'demo-agent-key';

/** How long a graceful stop may take before the processes are killed. */
const STOP_GRACE_MS = 15_000;

export interface FiveProcesses {
  url: string;
  namespace: string;
  output(): string;
  /** Stops every process (SIGTERM, then SIGKILL after a grace period) and deletes the namespace. */
  stop(): Promise<void>;
}

/**
 * Gateway, policy evaluator, approval router, notifier and audit projector as five processes
 * (`apps/<name>/src/main.ts`), started by the e2e suite's own helper with its environment (the
 * demo principals, the e2e policies, one instance id per service, free ports), on the shared
 * Kafka and MongoDB-wire server, in a fresh namespace and database.
 */
export async function startFiveProcesses(): Promise<FiveProcesses> {
  try {
    return await startOnce();
  } catch (error) {
    // Five Node processes starting at once on two shared cores can miss the helper's 60 s: once more.
    console.error(`   start-up failed, retrying once: ${String((error as Error).message).split('\n')[0]}`);
    return startOnce();
  }
}

async function startOnce(): Promise<FiveProcesses> {
  // The helper picks its shape when it is loaded: load it only after saying which.
  process.env.COUNTERSIGN_E2E_SHAPE = 'distributed';
  const { startCountersign, removeDir } = await import('../../test/support/countersign-process.ts');
  const { E2E_ENV } = await import('../../test/support/e2e-env.ts');
  const namespace = `bench5_${Date.now()}`;
  const running = await startCountersign({
    env: {
      ...E2E_ENV,
      COUNTERSIGN_KAFKA_BROKERS: KNOBS.brokers.join(','),
      COUNTERSIGN_MONGO_URL: KNOBS.mongoUrl,
      COUNTERSIGN_KAFKA_NAMESPACE: namespace,
      COUNTERSIGN_MONGO_DB: namespace,
      COUNTERSIGN_KAFKA_PARTITIONS: String(KNOBS.partitions),
      COUNTERSIGN_LOG_LEVEL: 'error',
      // One agent sends everything here: its quotas would measure themselves, not the pipeline.
      COUNTERSIGN_MAX_PENDING_PER_REQUESTER: '1000000',
      COUNTERSIGN_PROPOSAL_BYTES_PER_WINDOW: String(1024 * 1024 * 1024),
    },
  }).catch(async (error: unknown) => {
    // The helper killed what it started; what the services created in the namespace remains.
    await deleteNamespace(KNOBS.brokers, namespace, KNOBS.mongoUrl);
    throw error;
  });
  // A bench interrupted by a signal or an uncaught error still takes its processes down.
  const killAll = () => {
    for (const p of running.processes.values()) void p.kill9();
  };
  process.once('exit', killAll);
  let stopped = false;
  return {
    url: running.url,
    namespace,
    output: () => running.output(),
    async stop() {
      if (stopped) return;
      stopped = true;
      let timer: NodeJS.Timeout | undefined;
      const graceful = await Promise.race([
        running.stop().then(() => true),
        new Promise<boolean>((r) => (timer = setTimeout(() => r(false), STOP_GRACE_MS))),
      ]);
      clearTimeout(timer);
      if (!graceful) {
        console.error(`   (the five processes did not stop within ${STOP_GRACE_MS / 1000} s of SIGTERM: killed)`);
        await running.kill9();
      }
      process.off('exit', killAll);
      await deleteNamespace(KNOBS.brokers, namespace, KNOBS.mongoUrl);
      await removeDir(running.dataDir);
    },
  };
}
