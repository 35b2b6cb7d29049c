// `countersign actions list|show|approve|deny|cancel`: the API for people at a terminal (tables
// and summaries) and for scripts (`--json`: the API's own JSON).
import type { Command } from 'commander';
import type { Action, ActionStatus, ListQuery } from '@countersign/sdk';
import { actionSummary, actionTable, outcomeText } from './action-output.ts';
import { safe } from './action-view.ts';
import { UsageError } from './cli-errors.ts';
import { clientError } from './client-errors.ts';
import { actionId, connect, text4000, withRemoteOptions } from './client-options.ts';
import type { RemoteFlags } from './remote-config.ts';

const STATUSES: readonly ActionStatus[] = ['proposed', 'pending', 'approved', 'denied', 'expired', 'cancelled'];

interface ListOptions extends RemoteFlags {
  status?: string;
  mine?: boolean;
  approverMe?: boolean;
  action?: string;
  limit?: string;
  cursor?: string;
  json?: boolean;
}

interface ShowOptions extends RemoteFlags {
  json?: boolean;
}

export function registerActionsCommands(program: Command): void {
  const actions = program.command('actions').description('list, show and decide actions over the API (COUNTERSIGN_URL, COUNTERSIGN_API_KEY)');

  withRemoteOptions(actions.command('list'))
    .description('list the actions you can see, newest first')
    .option('--status <status>', `only actions with this status (${STATUSES.join(', ')})`)
    .option('--mine', 'only actions you requested')
    .option('--approver-me', 'your queue: pending actions waiting for your vote')
    .option('--action <type>', 'only actions of this type, e.g. data.export')
    .option('--limit <n>', 'at most n actions, 1–1000 (default 50)')
    .option('--cursor <cursor>', 'continue after a previous --json page (its nextCursor)')
    .option('--json', 'print {"items":[…],"nextCursor":…} as the API answers')
    .action((options: ListOptions) => listActions(options));

  withRemoteOptions(actions.command('show'))
    .description('one action: status, params, policy, who may approve, votes, decision, execution')
    .argument('<id>', 'the action id')
    .option('--json', 'print the action as the API answers it')
    .action((id: string, options: ShowOptions) => showAction(id, options));

  withRemoteOptions(actions.command('approve'))
    .description('vote to approve an action you are an eligible approver of')
    .argument('<id>', 'the action id')
    .option('--comment <text>', 'why (up to 4000 characters; kept in the audit trail)')
    .option('--json', 'print the action after the vote as JSON')
    .action((id: string, options: ShowOptions & { comment?: string }) =>
      vote(id, options, 'approve', (c, i) => c.approve(i, options.comment !== undefined ? { comment: text4000(options.comment, '--comment') } : {})));

  withRemoteOptions(actions.command('deny'))
    .description('vote to deny an action (the first eligible denial denies it)')
    .argument('<id>', 'the action id')
    .requiredOption('--reason <text>', 'why (required, up to 4000 characters)')
    .option('--json', 'print the action after the vote as JSON')
    .action((id: string, options: ShowOptions & { reason: string }) =>
      vote(id, options, 'deny', (c, i) => c.deny(i, { reason: text4000(options.reason, '--reason') })));

  withRemoteOptions(actions.command('cancel'))
    .description('withdraw an action you requested (or your agent did) while it is undecided')
    .argument('<id>', 'the action id')
    .option('--reason <text>', 'why (up to 4000 characters)')
    .option('--json', 'print the action after the cancel as JSON')
    .action((id: string, options: ShowOptions & { reason?: string }) =>
      vote(id, options, 'cancel', (c, i) => c.cancel(i, options.reason !== undefined ? { reason: text4000(options.reason, '--reason') } : {})));
}

/** The query `actions list` sends, from its flags; every value checked first. */
export function listQuery(options: ListOptions): ListQuery {
  if (options.status !== undefined && !(STATUSES as readonly string[]).includes(options.status)) {
    throw new UsageError(`--status ${JSON.stringify(options.status)}: expected one of ${STATUSES.join(', ')}`);
  }
  if (options.limit !== undefined && !(/^\d{1,4}$/.test(options.limit) && Number(options.limit) >= 1 && Number(options.limit) <= 1000)) {
    throw new UsageError(`--limit ${JSON.stringify(options.limit)}: expected a whole number from 1 to 1000`);
  }
  if (options.action !== undefined && !/^[a-z0-9][a-z0-9_.-]{0,127}$/.test(options.action)) {
    throw new UsageError(`--action ${JSON.stringify(options.action)}: expected an action type such as data.export (a-z, 0-9, "_", ".", "-")`);
  }
  return {
    ...(options.status !== undefined ? { status: options.status as ActionStatus } : {}),
    ...(options.mine ? { requester: 'me' } : {}),
    ...(options.approverMe ? { approver: 'me' as const } : {}),
    ...(options.action !== undefined ? { action: options.action } : {}),
    ...(options.cursor !== undefined ? { cursor: options.cursor } : {}),
    limit: options.limit !== undefined ? Number(options.limit) : 50,
  };
}

async function listActions(options: ListOptions): Promise<void> {
  const query = listQuery(options);
  const { remote, client } = connect(options, process.env);
  const items: Action[] = [];
  let cursor = query.cursor ?? null;
  // A page may stop short of `limit` (1 MiB of JSON): follow the cursor until `limit` are in.
  do {
    const page = await client.list({ ...query, limit: query.limit! - items.length, ...(cursor ? { cursor } : {}) }).catch((e) => {
      throw clientError(e, 'list actions', remote.url);
    });
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && items.length < query.limit!);
  process.stdout.write(options.json ? `${JSON.stringify({ items, nextCursor: cursor }, null, 2)}\n` : actionTable(items));
}

async function showAction(raw: string, options: ShowOptions): Promise<void> {
  const id = actionId(raw);
  const { remote, client } = connect(options, process.env);
  const action = await client.get(id).catch((e) => {
    throw clientError(e, `show ${id}`, remote.url);
  });
  process.stdout.write(options.json ? `${JSON.stringify(action, null, 2)}\n` : actionSummary(action, new Date()));
}

type Client = ReturnType<typeof connect>['client'];

async function vote(raw: string, options: ShowOptions, verb: 'approve' | 'deny' | 'cancel', send: (c: Client, id: string) => Promise<Action>): Promise<void> {
  const id = actionId(raw);
  const { remote, client } = connect(options, process.env);
  const action = await send(client, id).catch((e) => {
    throw clientError(e, `${verb} ${id}`, remote.url);
  });
  process.stdout.write(options.json ? `${JSON.stringify(action, null, 2)}\n` : `${voteResult(action, verb)}\n`);
}

/** One line after a vote or cancel: the decision it completed, or where the action stands. */
export function voteResult(action: Action, verb: 'approve' | 'deny' | 'cancel'): string {
  const id = safe(action.id);
  if (typeof action.accepted === 'string') {
    return `${verb} of action ${id} accepted; the answer had not come yet: see countersign actions show ${id}`;
  }
  if (action.decision) return `action ${id} ${outcomeText(action)}`;
  const recorded = verb === 'cancel' ? 'cancel recorded' : 'vote recorded';
  return `${recorded}; action ${id} is ${safe(action.status)}${action.approval ? ` with ${action.approval.approvals ?? 0} of ${action.approval.quorum ?? '?'} approvals` : ''}`;
}
