import 'reflect-metadata';
import { Module, type DynamicModule, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadWorkspace, readEnvConfig, type EnvConfig } from '@countersign/config';
import { readOutboundAllow } from '@countersign/contracts';
import { loadDirectory, type Directory } from '@countersign/identity';
import { loadPolicySet, type CompiledPolicySet } from '@countersign/policy';
import type { EventLog, FileEventLogOptions } from '@countersign/eventlog';
import { EventLogServer, RethrowFilter } from '@countersign/messaging';
import { createReadiness, HealthModule, RuntimeModule, type RuntimeOptions } from '@countersign/runtime';
import { checkGatewayConfig, configureHttp } from '@countersign/service-gateway';
import { readNotifierConfig } from '@countersign/service-notifier';
import { startTelemetry, type Telemetry } from '@countersign/telemetry';
import { openAdapters } from './adapters.ts';
import { mountMetrics } from './metrics-endpoint.ts';
import { loadCheckpointKeys } from './checkpoint-keys.ts';
import { loadGrantKeys } from './grant-keys.ts';
import { loadProposalKeys } from './proposal-keys.ts';
import { verifyBeforeServing } from './startup-verification.ts';
import { ALL_SERVICES, SERVICES, type ServiceName } from './services.ts';

const LEVELS: Record<string, LogLevel[]> = {
  debug: ['debug', 'log', 'warn', 'error', 'fatal'],
  info: ['log', 'warn', 'error', 'fatal'],
  warn: ['warn', 'error', 'fatal'],
  error: ['error', 'fatal'],
};

@Module({})
class ServicesModule {
  static register(runtime: RuntimeOptions, services: readonly ServiceName[], config: EnvConfig): DynamicModule {
    return { module: ServicesModule, imports: [RuntimeModule.register(runtime), HealthModule, ...services.map((s) => SERVICES[s](config))] };
  }
}

/** Configuration mistakes stop the process with one line saying what and where. */
function fail(name: string, message: string): never {
  process.stderr.write(`${name}: ${message}\n`);
  process.exit(2);
}

/** How a composition (a test harness) may wrap the adapters the configuration chose. */
export interface Composition {
  /** Wraps the event log every service of the process uses (fault injection in crash tests). */
  eventLog?: (log: EventLog) => EventLog;
  /** Options for the embedded file log (the torn-append fault of the crash-consistency test). */
  fileLog?: Partial<Pick<FileEventLogOptions, 'fault'>>;
}

/**
 * Starts the given services in this process: one of them (`npm run serve:<app>`, `node dist/...`),
 * or all five (`npm start`). Every process answers /healthz, /readyz and /metrics on PORT. Services consume
 * the log through one Nest microservice, the EventLogServer transport.
 */
export async function runServices(name: string, services: readonly ServiceName[], composition: Composition = {}): Promise<void> {
  let config: EnvConfig;
  let workspace: { directory: Directory; policy: CompiledPolicySet };
  let telemetry: Telemetry;
  try {
    config = readEnvConfig(process.env);
    workspace = loadWorkspace({ principalsDir: config.principalsDir, policiesDir: config.policiesDir }, { loadDirectory, loadPolicySet });
    // Checked here so a bad webhook variable stops the process with its name, not a stack trace.
    if (services.includes('notifier')) readNotifierConfig(process.env);
    if (services.includes('gateway')) checkGatewayConfig(process.env, workspace.directory.principals);
    if (services.includes('gateway')) readOutboundAllow(process.env);
    // The shape is a label of decision latency: all five services in one process, or not.
    telemetry = startTelemetry({ serviceName: name, instanceId: config.instanceId, shape: services.length === ALL_SERVICES.length ? 'embedded' : 'distributed' });
  } catch (error) {
    fail(name, (error as Error).message);
  }
  const proposalKeys = await loadProposalKeys(config.proposals, services).catch((error: Error) => fail(name, error.message));
  const grantKeys = await loadGrantKeys(config, services).catch((error: Error) => fail(name, error.message));
  const checkpointKeys = await loadCheckpointKeys(config, services).catch((error: Error) => fail(name, error.message));
  const all = services.length === ALL_SERVICES.length;
  const adapters = await openAdapters(config, services, all, composition.fileLog).catch((error: Error) => fail(name, error.message));
  // Before any service exists: a log that fails verification is refused with nothing appended or signed.
  await verifyBeforeServing(name, config, all, adapters, checkpointKeys);
  const eventLog = composition.eventLog ? composition.eventLog(adapters.eventLog) : adapters.eventLog;
  const readiness = createReadiness();
  const app = await NestFactory.create(
    ServicesModule.register({ eventLog, readModels: adapters.readModels, directory: workspace.directory, policy: workspace.policy, readiness, proposalKeys, ...(grantKeys ? { grantKeys } : {}), ...(checkpointKeys ? { checkpointKeys } : {}) }, services, config),
    { bodyParser: false, logger: LEVELS[config.logLevel] ?? LEVELS.info },
  );
  configureHttp(app);
  mountMetrics(app, telemetry.metrics);
  // Deferred, so the transport's own filter is in place before its handlers are wrapped; the
  // lifecycle hooks are the app's (they must not run a second time for the transport).
  const transport = app.connectMicroservice(
    { strategy: new EventLogServer({ log: eventLog, readiness, facts: { storeDurable: adapters.readModels.durable, instanceId: config.instanceId } }) },
    { inheritAppConfig: false, deferInitialization: true },
  );
  transport.useGlobalFilters(new RethrowFilter());
  (transport as unknown as { setIsInitHookCalled(called: boolean): void }).setIsInitHookCalled(true);
  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    await app.close();
    await adapters.close();
    await telemetry.shutdown().catch(() => undefined);
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown());
  process.once('SIGINT', () => void shutdown());
  // Lifecycle hooks first (the evaluator reads the policies in force), then the consumers, then HTTP.
  await app.init();
  await app.startAllMicroservices();
  await app.listen(config.port, config.host);
  process.stdout.write(`${name}: ${services.join(', ')} listening on http://${config.host}:${config.port} ` +
    `(${adapters.describe}; policy ${workspace.policy.version.slice(0, 12)})\n`);
}
