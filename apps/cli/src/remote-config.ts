// Where the client commands reach Countersign and as whom: `--url`/`--api-key`, else
// COUNTERSIGN_URL/COUNTERSIGN_API_KEY. The key is never printed, not even in an error.
import { UsageError } from './cli-errors.ts';

export const DEFAULT_URL = 'http://127.0.0.1:8080';

export interface RemoteFlags {
  url?: string;
  apiKey?: string;
}

export interface Remote {
  /** The base URL without a trailing slash. */
  url: string;
  apiKey: string;
}

type Env = Readonly<Record<string, string | undefined>>;

/** The base URL alone, for a command whose API keys come from elsewhere (`mcp-gate --listen`: each agent's own). */
export function resolveUrl(flags: Pick<RemoteFlags, 'url'>, env: Env): string {
  const [urlText, urlFrom] = flags.url !== undefined
    ? [flags.url, '--url']
    : env.COUNTERSIGN_URL ? [env.COUNTERSIGN_URL, 'COUNTERSIGN_URL'] : [DEFAULT_URL, 'the default URL'];
  return baseUrl(urlText, urlFrom);
}

export function resolveRemote(flags: RemoteFlags, env: Env): Remote {
  const apiKey = flags.apiKey ?? env.COUNTERSIGN_API_KEY;
  if (apiKey === undefined || apiKey === '') {
    throw new UsageError('no API key: set COUNTERSIGN_API_KEY (or pass --api-key)');
  }
  // An Authorization header holds visible ASCII only; say which source is wrong, not what it holds.
  if (!/^[\x21-\x7e]+$/.test(apiKey)) {
    throw new UsageError(`${flags.apiKey !== undefined ? '--api-key' : 'COUNTERSIGN_API_KEY'}: an API key is visible ASCII without spaces`);
  }
  return { url: resolveUrl(flags, env), apiKey };
}

function baseUrl(text: string, from: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`${from} ${JSON.stringify(text)}: expected an http:// or https:// URL, e.g. ${DEFAULT_URL}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`${from} ${JSON.stringify(text)}: expected an http:// or https:// URL, not ${url.protocol}`);
  }
  if (url.username || url.password) throw new UsageError(`${from}: put no user name or password in the URL; the API key goes in COUNTERSIGN_API_KEY`);
  if (url.search || url.hash) throw new UsageError(`${from} ${JSON.stringify(text)}: expected a base URL without ?query or #fragment`);
  return url.href.replace(/\/+$/, '');
}
