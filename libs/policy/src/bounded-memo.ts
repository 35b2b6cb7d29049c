/**
 * Remembers `compute`'s answers by key, for answers that never change (a compiled expression, the
 * rules an action type can match). Keys come from policies and callers, so the memory is bounded:
 * past `limit` entries it starts again empty.
 */
export function boundedMemo<V>(limit: number, compute: (key: string) => V): (key: string) => V {
  const memo = new Map<string, V>();
  return (key) => {
    if (memo.has(key)) return memo.get(key) as V;
    if (memo.size >= limit) memo.clear();
    const value = compute(key);
    memo.set(key, value);
    return value;
  };
}
