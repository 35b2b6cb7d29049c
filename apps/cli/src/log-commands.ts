// The `countersign log` command group: inspect the embedded file log of a data directory.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { readEnvConfig } from '@countersign/config';
import { inspectLog } from '@countersign/eventlog';
import { checkJson, checkText, EXIT } from './log-check-output.ts';

export function registerLogCommands(program: Command): void {
  const log = program.command('log').description('the embedded file log: check a data directory without changing it');

  log
    .command('check')
    .description('report what the next start would do with a data directory, changing nothing and taking no lock: ' +
      'exit 0 clean, 1 refused (damage, or a checkpoint beyond its topic), 3 a torn tail would be cut')
    .argument('[dir]', 'the data directory (COUNTERSIGN_DATA_DIR; default ./.countersign), or its log/ directory')
    .option('--json', 'print the report as JSON')
    .action(async (dir: string | undefined, options: { json?: boolean }) => runCheck(dir ?? readEnvConfig(process.env).dataDir, options.json === true));
}

async function runCheck(dataDir: string, json: boolean): Promise<void> {
  const report = await inspectLog(logDir(dataDir));
  process.stdout.write(json ? checkJson(report) : checkText(report));
  process.exitCode = EXIT[report.state];
}

/** The data directory holds the log in `log/`; the log directory itself is accepted too. */
function logDir(dir: string): string {
  if (existsSync(join(dir, 'log', 'topics'))) return join(dir, 'log');
  if (existsSync(join(dir, 'topics'))) return dir;
  throw new Error(`no file log in ${JSON.stringify(dir)} (expected ${JSON.stringify(join(dir, 'log', 'topics'))}): give the data directory (COUNTERSIGN_DATA_DIR)`);
}
