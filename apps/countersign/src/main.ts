/**
 * Countersign, embedded default: the five services in one process, an append-only file log
 * under COUNTERSIGN_DATA_DIR and in-memory read models rebuilt from it at start.
 */
import 'reflect-metadata';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import type { LogLevel } from '@nestjs/common';
import { loadWorkspace, readEnvConfig } from '@countersign/config';
import { createFileEventLog } from '@countersign/eventlog';
import { loadDirectory, type Directory } from '@countersign/identity';
import { loadPolicySet, type CompiledPolicySet } from '@countersign/policy';
import { createMemoryReadModelStore } from '@countersign/readmodel';
import { configureHttp } from '@countersign/service-gateway';
import { EmbeddedModule } from './embedded.module.ts';

const LEVELS: Record<string, LogLevel[]> = {
  debug: ['debug', 'log', 'warn', 'error', 'fatal'],
  info: ['log', 'warn', 'error', 'fatal'],
  warn: ['warn', 'error', 'fatal'],
  error: ['error', 'fatal'],
};

/** Configuration mistakes stop the process with one line saying what and where. */
function fail(message: string): never {
  process.stderr.write(`countersign: ${message}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  let config: ReturnType<typeof readEnvConfig>;
  let workspace: { directory: Directory; policy: CompiledPolicySet };
  try {
    config = readEnvConfig(process.env);
    workspace = loadWorkspace({ principalsDir: config.principalsDir, policiesDir: config.policiesDir }, { loadDirectory, loadPolicySet });
  } catch (error) {
    fail((error as Error).message);
  }
  const eventLog = await createFileEventLog({ dir: join(config.dataDir, 'log') });
  const app = await NestFactory.create(
    EmbeddedModule.register({
      eventLog,
      readModels: createMemoryReadModelStore(),
      directory: workspace.directory,
      policy: workspace.policy,
    }),
    { bodyParser: false, logger: LEVELS[config.logLevel] ?? LEVELS.info },
  );
  configureHttp(app);
  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    await app.close();
    await eventLog.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown());
  process.once('SIGINT', () => void shutdown());
  await app.listen(config.port, config.host);
  process.stdout.write(`countersign: listening on http://${config.host}:${config.port} (data in ${config.dataDir}, policy ${workspace.policy.version.slice(0, 12)})\n`);
}

main().catch((error: Error) => fail(error.stack ?? error.message));
