// Flags shared by the client commands, and the checks of their values before anything is sent.
import { Countersign } from '@countersign/sdk';
import { UsageError } from './cli-errors.ts';
import { resolveRemote, type Remote, type RemoteFlags } from './remote-config.ts';
import type { Command } from 'commander';

export const CLI_USER_AGENT = 'countersign-cli/0.1.0';

/** `--url` and `--api-key` on a client command (the environment is the usual place for both). */
export function withRemoteOptions(command: Command): Command {
  return command
    .option('--url <url>', 'Countersign base URL (default: COUNTERSIGN_URL, else http://127.0.0.1:8080)')
    .option('--api-key <key>', 'API key (default: COUNTERSIGN_API_KEY; prefer the variable: flags show in the process list)');
}

export function connect(flags: RemoteFlags, env: NodeJS.ProcessEnv): { remote: Remote; client: Countersign } {
  const remote = resolveRemote(flags, env);
  return { remote, client: new Countersign({ url: remote.url, apiKey: remote.apiKey, userAgent: CLI_USER_AGENT }) };
}

const ACTION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function actionId(text: string): string {
  if (!ACTION_ID.test(text)) throw new UsageError(`<id> ${JSON.stringify(text)}: expected an action id (a UUID, as in "id" of the action)`);
  return text.toLowerCase();
}

/** A comment or reason as the API takes it: 1–4000 characters, not blank. */
export function text4000(text: string, flag: string): string {
  if (text.trim() === '') throw new UsageError(`${flag}: must not be blank`);
  if (text.length > 4000) throw new UsageError(`${flag}: is ${text.length} characters long; at most 4000`);
  return text;
}

export function idempotencyKey(text: string): string {
  if (!/^[\x21-\x7e]{1,255}$/.test(text)) {
    throw new UsageError(`--idempotency-key ${JSON.stringify(text.slice(0, 300))}: expected 1–255 visible ASCII characters (no spaces)`);
  }
  return text;
}
