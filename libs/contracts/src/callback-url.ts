const LOCAL_HOSTS: ReadonlySet<string> = new Set(['localhost', '127.0.0.1']);

/**
 * Why a callback URL may not be called, or undefined when it may. The gateway refuses such a
 * proposal and the notifier re-checks before calling. The URL is called with the decision and
 * shown on the action view, so it must be https (plain http only to this machine) and carry no
 * credentials (everyone who sees the action would read them).
 */
export function callbackUrlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'must be an absolute https URL';
  }
  if (parsed.username || parsed.password) return 'must not contain a user name or password: everyone who may see the action would read them';
  if (parsed.protocol === 'https:') return undefined;
  if (parsed.protocol === 'http:' && LOCAL_HOSTS.has(parsed.hostname)) return undefined;
  return 'must be an https URL (http only to localhost or 127.0.0.1)';
}
