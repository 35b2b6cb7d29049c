/** A handler's `handled` count, checked: a bad count is a bug in the handler, not a reason to skip records. */
export function handledCount(handled: number, delivered: number): number {
  if (!Number.isSafeInteger(handled) || handled < 1 || handled > delivered) {
    throw new RangeError(`event log: a handler said it handled ${handled} of ${delivered} records (expected 1..${delivered})`);
  }
  return handled;
}
