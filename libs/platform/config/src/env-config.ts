import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from './config-error.ts';
import { parseIntIn, readGatewayLimits, type GatewayLimits } from './gateway-limits.ts';
import { readProposalSettings, type ProposalSettings } from './proposal-settings.ts';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Settings of the embedded runtime, read from the environment. Directories are absolute. */
export interface EnvConfig {
  port: number;
  host: string;
  dataDir: string;
  principalsDir: string;
  policiesDir: string;
  logLevel: LogLevel;
  /** Kafka bootstrap servers; when set, the log is Kafka instead of the embedded file log. */
  kafkaBrokers?: string[];
  /** Partitions of each topic created at start (commands and events must match). */
  kafkaPartitions: number;
  /** Prefix of every topic and consumer group, so several systems can share one cluster. */
  kafkaNamespace?: string;
  /** MongoDB connection string; when set, read models live in MongoDB instead of memory. */
  mongoUrl?: string;
  mongoDatabase: string;
  /** Names this process among replicas: Kafka client id and transactional id. */
  instanceId: string;
  /** What one request or principal may cost the gateway, and how long it waits on the log and read models. */
  gateway: GatewayLimits;
  /** Keys and freshness of signed proposals (the gateway signs, evaluators verify). */
  proposals: ProposalSettings;
  /** The grant key file (COUNTERSIGN_GRANT_KEYS); on the file log it defaults to `<dataDir>/grant-keys.json`. */
  grantKeysPath?: string;
  /** The checkpoint key file (COUNTERSIGN_CHECKPOINT_KEYS); on the file log it defaults to `<dataDir>/checkpoint-keys.json`. */
  checkpointKeysPath?: string;
  /** How often the checkpointer signs when heads changed (COUNTERSIGN_CHECKPOINT_INTERVAL, ADR 0007); always on. */
  checkpointIntervalMs: number;
}

/**
 * The directory holding `config/demo`: found by walking up from this module, which sits four
 * levels down in the sources and two levels down in a built bundle (dist/apps/<app>/main.js).
 */
export const REPO_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'config', 'demo'))) return dir;
    if (dirname(dir) === dir) return resolve(from, '../../../..');
  }
}

/** The documented demo workspace, used when no principals or policies directory is given. */
export const DEMO_WORKSPACE = {
  principalsDir: resolve(REPO_ROOT, 'config/demo/principals'),
  policiesDir: resolve(REPO_ROOT, 'config/demo/policies'),
} as const;

type Env = Readonly<Record<string, string | undefined>>;

/** What COUNTERSIGN_INSTANCE_ID (and HOSTNAME, its default) must look like: it goes into Kafka ids. */
const INSTANCE_ID = /^[A-Za-z0-9._-]{1,100}$/;

/**
 * Reads and checks every setting, then throws one ConfigError naming every bad variable
 * (`PORT: must be an integer from 1 to 65535 (got "http")`), or returns them all.
 * Empty variables count as unset. Relative directories are resolved against the working directory.
 */
export function readEnvConfig(env: Env = process.env): EnvConfig {
  const problems: string[] = [];
  const read = <T>(name: string, fallback: T, parse: (raw: string) => T | undefined, expected: string): T => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = parse(raw);
    if (value === undefined) problems.push(`${name}: must be ${expected} (got ${JSON.stringify(raw)})`);
    return value ?? fallback;
  };
  const dir = (raw: string) => (raw.trim() === raw ? resolve(raw) : undefined);

  const config: EnvConfig = {
    port: read('PORT', 8080, parsePort, 'an integer from 1 to 65535'),
    host: read('HOST', '127.0.0.1', (raw) => (/^[A-Za-z0-9.:%[\]-]+$/.test(raw) ? raw : undefined), 'a host name or IP address'),
    dataDir: read('COUNTERSIGN_DATA_DIR', resolve('./.countersign'), dir, 'a directory path without surrounding spaces'),
    principalsDir: read('COUNTERSIGN_PRINCIPALS', DEMO_WORKSPACE.principalsDir, dir, 'a directory path without surrounding spaces'),
    policiesDir: read('COUNTERSIGN_POLICIES', DEMO_WORKSPACE.policiesDir, dir, 'a directory path without surrounding spaces'),
    logLevel: read('COUNTERSIGN_LOG_LEVEL', 'info' as LogLevel, parseLogLevel, `one of ${LOG_LEVELS.join(', ')}`),
    kafkaBrokers: read('COUNTERSIGN_KAFKA_BROKERS', undefined as string[] | undefined, parseBrokers, 'comma-separated host:port pairs, e.g. 127.0.0.1:19092'),
    kafkaPartitions: read('COUNTERSIGN_KAFKA_PARTITIONS', 6, (raw) => parseIntIn(raw, 1, 1000), 'an integer from 1 to 1000'),
    kafkaNamespace: read('COUNTERSIGN_KAFKA_NAMESPACE', undefined as string | undefined, (raw) => (/^[A-Za-z0-9_-]{1,64}$/.test(raw) ? raw : undefined), 'letters, digits, "_" or "-" (at most 64)'),
    mongoUrl: read('COUNTERSIGN_MONGO_URL', undefined as string | undefined, (raw) => (/^mongodb(\+srv)?:\/\/\S+$/.test(raw) ? raw : undefined), 'a mongodb:// or mongodb+srv:// URL'),
    mongoDatabase: read('COUNTERSIGN_MONGO_DB', 'countersign', (raw) => (/^[A-Za-z0-9_-]{1,63}$/.test(raw) ? raw : undefined), 'a database name (letters, digits, _ and -)'),
    instanceId: read('COUNTERSIGN_INSTANCE_ID', defaultInstanceId(env), (raw) => (INSTANCE_ID.test(raw) ? raw : undefined), 'letters, digits, ".", "_" or "-"'),
    gateway: readGatewayLimits(read, problems),
    proposals: readProposalSettings(read),
    checkpointIntervalMs: read('COUNTERSIGN_CHECKPOINT_INTERVAL', 60_000, parseCheckpointInterval, 'a duration from 1s to 1h such as 1500ms, 30s, 5m (checkpoints cannot be turned off)'),
  };
  const grantKeys = read('COUNTERSIGN_GRANT_KEYS', undefined as string | undefined, dir, 'the path of a grant key file (JSON) without surrounding spaces');
  if (grantKeys) config.grantKeysPath = grantKeys;
  const checkpointKeys = read('COUNTERSIGN_CHECKPOINT_KEYS', undefined as string | undefined, dir, 'the path of a checkpoint key file (JSON) without surrounding spaces');
  if (checkpointKeys) config.checkpointKeysPath = checkpointKeys;
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

const DURATION_UNITS_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * A duration of 1s to 1h (`500ms` is refused as under a second; `1500ms`, `30s`, `5m`, `1h` pass).
 * No bare numbers, and no `0`/`off`: a tampered tail is only told from a short one up to the last
 * checkpoint, so the window stays bounded (ADR 0007).
 */
export function parseCheckpointInterval(raw: string): number | undefined {
  const match = /^([0-9]{1,7})(ms|s|m|h)$/.exec(raw);
  if (!match) return undefined;
  const ms = Number(match[1]) * DURATION_UNITS_MS[match[2]];
  return ms >= 1000 && ms <= 3_600_000 ? ms : undefined;
}

function parseBrokers(raw: string): string[] | undefined {
  const brokers = raw.split(',').map((b) => b.trim());
  return brokers.every((b) => /^[A-Za-z0-9.-]+:[0-9]{1,5}$/.test(b)) ? brokers : undefined;
}

/** Kubernetes sets HOSTNAME to the pod name, which is what replicas should be told apart by. */
function defaultInstanceId(env: Env): string {
  const host = env.HOSTNAME ?? '';
  return INSTANCE_ID.test(host) ? host : 'local';
}

function parsePort(raw: string): number | undefined {
  if (!/^[0-9]{1,5}$/.test(raw)) return undefined;
  const port = Number(raw);
  return port >= 1 && port <= 65535 ? port : undefined;
}

function parseLogLevel(raw: string): LogLevel | undefined {
  return (LOG_LEVELS as readonly string[]).includes(raw) ? (raw as LogLevel) : undefined;
}

