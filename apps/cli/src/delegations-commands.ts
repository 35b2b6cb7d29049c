// `countersign delegations add|list|revoke`: out-of-office delegation over the API (docs/delegation.md).
import type { Command } from 'commander';
import { safe } from './action-view.ts';
import { CliError, EXIT, UsageError } from './cli-errors.ts';
import { problemText } from './client-errors.ts';
import { CLI_USER_AGENT, withRemoteOptions } from './client-options.ts';
import { resolveRemote, type Remote, type RemoteFlags } from './remote-config.ts';

interface AddOptions extends RemoteFlags { until: string; from?: string; reason?: string; json?: boolean }
interface ListOptions extends RemoteFlags { live?: boolean; json?: boolean }
interface RevokeOptions extends RemoteFlags { reason?: string; json?: boolean }

/** A delegation as the API answers it (the fields printed here). */
export interface DelegationItem { id: string; delegator: string; delegate: string; from: string; until: string; status: string; reason?: string }

export function registerDelegationsCommands(program: Command): void {
  const delegations = program.command('delegations').description('delegate your approvals while you are away (COUNTERSIGN_URL, COUNTERSIGN_API_KEY)');

  withRemoteOptions(delegations.command('add'))
    .description('let a colleague vote for you for a period')
    .argument('<delegate>', 'the colleague\'s principal id')
    .requiredOption('--until <time>', 'when it ends: an RFC 3339 time, or a duration from now such as 8h or 7d (at most 90 days)')
    .option('--from <time>', 'when it starts (RFC 3339; default now)')
    .option('--reason <text>', 'shown to the delegate and in the audit trail')
    .option('--json', 'print the delegation as the API answers it')
    .action((delegate: string, options: AddOptions) => add(delegate, options));

  withRemoteOptions(delegations.command('list'))
    .description('your delegations, as delegator or delegate')
    .option('--live', 'only those not revoked or ended')
    .option('--json', 'print {"items":[…]} as the API answers')
    .action((options: ListOptions) => list(options));

  withRemoteOptions(delegations.command('revoke'))
    .description('end one of your delegations now')
    .argument('<id>', 'the delegation id')
    .option('--reason <text>', 'why')
    .option('--json', 'print the delegation after the revocation')
    .action((id: string, options: RevokeOptions) => revoke(id, options));
}

/** `--until`: an RFC 3339 time as given, or `<n>m|h|d` from `now`. */
export function untilOf(text: string, now: Date): string {
  const m = /^(\d{1,4})(m|h|d)$/.exec(text);
  if (m) return new Date(now.getTime() + Number(m[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'm' | 'h' | 'd']).toISOString();
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text) && !Number.isNaN(Date.parse(text)) && realDay(text)) return text;
  throw new UsageError(`--until ${JSON.stringify(text)}: expected an RFC 3339 time (2026-12-24T18:00:00Z) or a duration such as 8h or 7d`);
}

/** Whether the date's day exists in its month (Date.parse rolls 02-30 over to March). */
function realDay(text: string): boolean {
  const [y, m, d] = text.slice(0, 10).split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d)).getUTCDate() === d;
}

/** One line per delegation: who, for whom, when, and its status. */
export function delegationLine(d: DelegationItem): string {
  return `${safe(d.id)}  ${safe(d.delegator)} → ${safe(d.delegate)}  ${safe(d.from)} … ${safe(d.until)}  ${safe(d.status)}${d.reason ? `  (${safe(d.reason)})` : ''}`;
}

async function add(delegate: string, options: AddOptions): Promise<void> {
  const body = { delegate, until: untilOf(options.until, new Date()), ...(options.from ? { from: options.from } : {}), ...(options.reason ? { reason: options.reason } : {}) };
  const res = await call(resolveRemote(options, process.env), 'POST', '/v1/delegations', `delegate to ${delegate}`, body);
  print(options.json, res, () => `delegated: ${delegationLine(res as DelegationItem)}`);
}

async function list(options: ListOptions): Promise<void> {
  const res = (await call(resolveRemote(options, process.env), 'GET', `/v1/delegations?limit=1000${options.live ? '&status=live' : ''}`, 'list delegations')) as { items: DelegationItem[] };
  print(options.json, res, () => (res.items.length === 0 ? 'no delegations' : res.items.map(delegationLine).join('\n')));
}

async function revoke(id: string, options: RevokeOptions): Promise<void> {
  if (!/^[0-9a-f-]{36}$/.test(id)) throw new UsageError(`${JSON.stringify(id)}: expected a delegation id (a UUID)`);
  const res = await call(resolveRemote(options, process.env), 'DELETE', `/v1/delegations/${id}`, `revoke ${id}`, options.reason ? { reason: options.reason } : {});
  print(options.json, res, () => `revoked: ${delegationLine(res as DelegationItem)}`);
}

function print(json: boolean | undefined, body: unknown, line: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(body, null, 2)}\n` : `${line()}\n`);
}

async function call(remote: Remote, method: string, path: string, what: string, body?: unknown): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(remote.url + path, {
      method,
      headers: { authorization: `Bearer ${remote.apiKey}`, 'user-agent': CLI_USER_AGENT, accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    throw new CliError(`${what}: Countersign at ${remote.url} is unreachable: ${safe((error as Error).message)}`, EXIT.unreachable);
  }
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (res.ok) return parsed;
  const problem = (parsed ?? {}) as { type?: string; title?: string; detail?: string };
  throw new CliError(`${what}: ${problemText(res.status, typeof problem.type === 'string' ? problem.type.replace(/^.*\//, '') : '', problem)}`);
}
