import 'reflect-metadata';
import { Module, type DynamicModule, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadWorkspace, readEnvConfig, type EnvConfig } from '@countersign/config';
import { loadDirectory, type Directory } from '@countersign/identity';
import { loadPolicySet, type CompiledPolicySet } from '@countersign/policy';
import { HealthModule, RuntimeModule, type RuntimeOptions } from '@countersign/runtime';
import { configureHttp } from '@countersign/service-gateway';
import { readNotifierConfig } from '@countersign/service-notifier';
import { startTelemetry } from '@countersign/telemetry';
import { openAdapters } from './adapters.ts';
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

/**
 * Starts the given services in this process: one of them (`npm run serve:<app>`, `node dist/...`),
 * or all five (`npm start`). Every process answers /healthz and /readyz on PORT.
 */
export async function runServices(name: string, services: readonly ServiceName[]): Promise<void> {
  let config: EnvConfig;
  let workspace: { directory: Directory; policy: CompiledPolicySet };
  try {
    config = readEnvConfig(process.env);
    workspace = loadWorkspace({ principalsDir: config.principalsDir, policiesDir: config.policiesDir }, { loadDirectory, loadPolicySet });
    // Checked here so a bad webhook variable stops the process with its name, not a stack trace.
    if (services.includes('notifier')) readNotifierConfig(process.env);
  } catch (error) {
    fail(name, (error as Error).message);
  }
  const telemetry = startTelemetry(name);
  const all = services.length === ALL_SERVICES.length;
  const adapters = await openAdapters(config, services, all).catch((error: Error) => fail(name, error.message));
  const app = await NestFactory.create(
    ServicesModule.register({ eventLog: adapters.eventLog, readModels: adapters.readModels, directory: workspace.directory, policy: workspace.policy }, services, config),
    { bodyParser: false, logger: LEVELS[config.logLevel] ?? LEVELS.info },
  );
  configureHttp(app);
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
  await app.listen(config.port, config.host);
  process.stdout.write(`${name}: ${services.join(', ')} listening on http://${config.host}:${config.port} ` +
    `(${adapters.describe}; policy ${workspace.policy.version.slice(0, 12)})\n`);
}
