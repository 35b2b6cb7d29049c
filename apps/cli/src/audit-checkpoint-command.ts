// `countersign audit checkpoint [--wait]`: ask for a signed checkpoint now (POST
// /v1/audit/checkpoints, admins only), and with --wait, poll GET /v1/audit/checkpoints/latest
// until a checkpoint with a higher number is there. One line out; errors are one line too.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import { safe } from './action-view.ts';
import { CliError, EXIT } from './cli-errors.ts';
import { CLI_USER_AGENT, withRemoteOptions } from './client-options.ts';
import { problemText } from './client-errors.ts';
import { parseDuration } from './durations.ts';
import { resolveRemote, type Remote, type RemoteFlags } from './remote-config.ts';

export interface AuditCheckpointOptions extends RemoteFlags {
  wait?: boolean;
  /** How long --wait waits, in ms (default 60 s). */
  timeout?: number;
}

const POLL_MS = 500;

/** `audit checkpoint`, a subcommand of the `audit` group (audit-commands.ts). */
export function registerAuditCheckpointCommand(audit: Command): void {
  withRemoteOptions(audit
    .command('checkpoint')
    .description('ask for a signed checkpoint now (admins only; POST /v1/audit/checkpoints): one is signed if any stream moved since the last one')
    .option('--wait', 'wait until a checkpoint with a higher number is signed (GET /v1/audit/checkpoints/latest); exit 6 if none comes in time')
    .option('--timeout <duration>', 'how long --wait waits (default 60s)', (raw) => parseDuration(raw, '--timeout')))
    .action(async (options: AuditCheckpointOptions) => runAuditCheckpoint(options));
}

export async function runAuditCheckpoint(options: AuditCheckpointOptions, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const remote = resolveRemote(options, env);
  const before = options.wait ? await latestNumber(remote) : undefined;
  const requested = await call(remote, 'POST', '/v1/audit/checkpoints', 'request a checkpoint');
  const body = requested.body as { id?: string; requestedBy?: string };
  if (!options.wait) {
    process.stdout.write(`checkpoint requested (request ${safe(body.id ?? '?')} by ${safe(body.requestedBy ?? '?')}); it is signed if any stream moved since the last one\n`);
    return;
  }
  const timeout = options.timeout ?? 60_000;
  const deadline = Date.now() + timeout;
  for (;;) {
    const now = await latest(remote);
    if (now && now.number > before!) {
      process.stdout.write(`checkpoint ${now.number} signed${now.at ? ` at ${safe(now.at)}` : ''}` +
        `${now.streams !== undefined ? ` over ${now.streams} stream(s)` : ''}${now.root ? `, root ${safe(now.root)}` : ''}\n`);
      return;
    }
    if (Date.now() >= deadline) {
      throw new CliError(`audit checkpoint --wait: no checkpoint after ${before} within ${Math.round(timeout / 1000)} s ` +
        '(none is signed when no stream moved since the last one)', EXIT.pending);
    }
    await sleep(POLL_MS);
  }
}

interface Latest {
  number: number;
  at?: string;
  streams?: number;
  root?: string;
}

async function latestNumber(remote: Remote): Promise<number> {
  return (await latest(remote))?.number ?? 0;
}

/** The latest checkpoint as GET /v1/audit/checkpoints/latest gives it, or undefined when there is none yet (404). */
async function latest(remote: Remote): Promise<Latest | undefined> {
  const res = await call(remote, 'GET', '/v1/audit/checkpoints/latest', 'read the latest checkpoint', [404]);
  if (res.status === 404) return undefined;
  const doc = res.body as Partial<Latest> & { checkpoint?: Partial<Latest> };
  const found = typeof doc.number === 'number' ? doc : doc.checkpoint;
  if (!found || typeof found.number !== 'number') throw new CliError(`read the latest checkpoint: ${remote.url} answered without a checkpoint number`);
  return found as Latest;
}

async function call(remote: Remote, method: string, path: string, what: string, allowed: number[] = []): Promise<{ status: number; body: unknown }> {
  let res: Response;
  try {
    res = await fetch(remote.url + path, {
      method,
      headers: { authorization: `Bearer ${remote.apiKey}`, 'user-agent': CLI_USER_AGENT, accept: 'application/json' },
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    throw new CliError(`${what}: Countersign at ${remote.url} is unreachable: ${safe((error as Error).message)}`, EXIT.unreachable);
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (res.ok || allowed.includes(res.status)) return { status: res.status, body };
  const problem = (body ?? {}) as { type?: string; title?: string; detail?: string };
  const code = typeof problem.type === 'string' ? problem.type.replace(/^.*\//, '') : '';
  throw new CliError(`${what}: ${problemText(res.status, code, problem)}`);
}
