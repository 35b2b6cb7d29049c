import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from './config-error.ts';

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
}

/** This file is libs/platform/config/src/env-config.ts; the repository root is four levels up. */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** The documented demo workspace, used when no principals or policies directory is given. */
export const DEMO_WORKSPACE = {
  principalsDir: resolve(REPO_ROOT, 'config/demo/principals'),
  policiesDir: resolve(REPO_ROOT, 'config/demo/policies'),
} as const;

type Env = Readonly<Record<string, string | undefined>>;

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
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

function parsePort(raw: string): number | undefined {
  if (!/^[0-9]{1,5}$/.test(raw)) return undefined;
  const port = Number(raw);
  return port >= 1 && port <= 65535 ? port : undefined;
}

function parseLogLevel(raw: string): LogLevel | undefined {
  return (LOG_LEVELS as readonly string[]).includes(raw) ? (raw as LogLevel) : undefined;
}

