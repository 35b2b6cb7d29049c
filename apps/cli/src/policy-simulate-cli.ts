// The IO side of `countersign policy simulate`: load the candidate and the principals, read the
// configured event log into action histories, print the report of the pure core (policy-simulate.ts).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { SingleBar } from 'cli-progress';
import { readEnvConfig, type EnvConfig } from '@countersign/config';
import { EVENT_TYPES, TOPICS, upcast, validateEvent, type ActionEvent } from '@countersign/contracts';
import { formatDirectoryError, loadDirectory } from '@countersign/identity';
import { foldHistories, formatPolicyError, HISTORY_EVENT_TYPES, loadPolicySet, selectHistories, simulate } from '@countersign/policy';
import { openAdapters } from '@countersign/shell';
import { readSources } from './policy-cli.ts';
import { formatSimulationJson, formatSimulationText } from './simulation-output.ts';

type Env = Readonly<Record<string, string | undefined>>;

export interface SimulateOptions {
  policies: string;
  principals?: string;
  since?: Date;
  until?: Date;
  action?: string;
  json?: boolean;
  limit?: number;
}

export function registerSimulateCommand(policy: Command): void {
  policy
    .command('simulate')
    .description('replay the proposals of the configured event log against candidate policies and report what would change (no service needed, no MongoDB)')
    .requiredOption('--policies <dir>', 'candidate policy directory (or file)')
    .option('--principals <dir>', "principals directory: the requesters' groups (default: COUNTERSIGN_PRINCIPALS, as the server)")
    .option('--since <time>', 'only proposals made at or after this ISO 8601 time', parseTime)
    .option('--until <time>', 'only proposals made before this ISO 8601 time', parseTime)
    .option('--action <glob>', 'only action types matching this glob (as in match.action, e.g. "data.*")')
    .option('--json', 'print one JSON document instead of text')
    .option('--limit <n>', 'list at most n changed actions (the totals still count all)', parseCount)
    .action((options: SimulateOptions) => runSimulate(options, process.env));
}

export async function runSimulate(options: SimulateOptions, env: Env): Promise<void> {
  if (options.since && options.until && options.since >= options.until) throw new Error('--since must be earlier than --until');
  const config = readEnvConfig(env);
  const candidate = loadPolicySet(readSources([options.policies]));
  const directory = loadDirectory(readSources([options.principals ?? config.principalsDir]));
  if (!candidate.ok || !directory.ok) {
    const errors = [...(candidate.ok ? [] : candidate.errors.map(formatPolicyError)), ...(directory.ok ? [] : directory.errors.map(formatDirectoryError))];
    process.stderr.write(errors.map((e) => `${e}\n`).join(''));
    process.exitCode = 1;
    return;
  }
  const { events, unreadable } = await readActionEvents(config);
  if (unreadable > 0) process.stderr.write(`countersign: skipped ${unreadable} records of ${TOPICS.events} that are not valid events\n`);
  const histories = selectHistories(foldHistories(events), options);
  const report = simulate(histories, candidate.policy, directory.directory);
  const output = { source: options.policies, ...(options.limit !== undefined ? { limit: options.limit } : {}) };
  process.stdout.write(options.json ? formatSimulationJson(report, output) : formatSimulationText(report, output));
}

/** The events a history needs, in log order, with a progress bar on stderr (when it is a terminal). */
async function readActionEvents(config: EnvConfig): Promise<{ events: ActionEvent[]; unreadable: number }> {
  if (!config.kafkaBrokers && !existsSync(join(config.dataDir, 'log', 'topics'))) {
    // Opening the file log would create an empty one and report nothing: say where we looked instead.
    throw new Error(`no event log in ${config.dataDir}: set COUNTERSIGN_DATA_DIR to the server's data directory (or COUNTERSIGN_KAFKA_BROKERS)`);
  }
  // The simulation reads only the log: never connect to MongoDB, even when it is configured.
  const { mongoUrl: _unused, ...logOnly } = config;
  const adapters = await openAdapters(logOnly, [], true);
  const events: ActionEvent[] = [];
  let unreadable = 0;
  try {
    const total = (await adapters.eventLog.approximateSize?.(TOPICS.events)) ?? 0;
    const bar = new SingleBar({ format: 'reading the log [{bar}] {value}/{total} events', stream: process.stderr, hideCursor: true });
    let read = 0;
    bar.start(total, 0);
    await adapters.eventLog.readAll(TOPICS.events, (records) => {
      for (const record of records) {
        // Votes, notifications and the like are most of a log: skip them before validating.
        const type = (record.value as { type?: unknown } | null)?.type;
        if (typeof type === 'string' && (EVENT_TYPES as readonly string[]).includes(type) && !HISTORY_EVENT_TYPES.has(type)) continue;
        const checked = validateEvent(record.value);
        if (!checked.ok) unreadable += 1;
        else if (HISTORY_EVENT_TYPES.has(checked.value.type)) events.push(upcast(checked.value));
      }
      read += records.length;
      bar.setTotal(Math.max(total, read));
      bar.update(read);
    });
    bar.stop();
  } finally {
    await adapters.close();
  }
  return { events, unreadable };
}

function parseTime(raw: string): Date {
  const at = new Date(raw);
  // A time of day needs its zone: the log is in UTC, and the reader's local zone is a guess.
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/.test(raw) || Number.isNaN(at.getTime())) {
    throw new InvalidArgumentError('must be an ISO 8601 date or time with its zone, e.g. 2026-03-01 or 2026-03-01T12:00:00Z');
  }
  return at;
}

function parseCount(raw: string): number {
  if (!/^\d{1,9}$/.test(raw)) throw new InvalidArgumentError('must be a whole number');
  return Number(raw);
}
