/**
 * Waits until `check` holds, asking again with a short backoff (observable state, never a fixed
 * sleep). For what is eventually consistent by design: lists, the audit trail and `/events` are
 * read models, which show an answer once the projector has written it.
 */
export async function until(check: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 20; !(await check()); delay = Math.min(delay * 2, 500)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, delay));
  }
}
