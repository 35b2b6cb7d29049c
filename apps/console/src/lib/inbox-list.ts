/** The inbox's list, kept in the API's order (newest first) while pages and live updates arrive. */
export interface Item {
  id: string;
  createdAt: string;
}

const newerFirst = (a: Item, b: Item) => (a.createdAt === b.createdAt ? (a.id < b.id ? 1 : a.id > b.id ? -1 : 0) : a.createdAt < b.createdAt ? 1 : -1);

/** Adds or replaces items by id; the list stays sorted newest first without duplicates. */
export function upsert<T extends Item>(list: readonly T[], incoming: readonly T[]): T[] {
  const byId = new Map(list.map((i) => [i.id, i]));
  for (const item of incoming) byId.set(item.id, item);
  return [...byId.values()].sort(newerFirst);
}

export function without<T extends Item>(list: readonly T[], id: string): T[] {
  return list.filter((i) => i.id !== id);
}

/** The selection after the list changed: the same item if it is still there, else the same place. */
export function keepSelection(before: readonly Item[], after: readonly Item[], index: number): number {
  const selected = before[index];
  const found = selected ? after.findIndex((i) => i.id === selected.id) : -1;
  if (found >= 0) return found;
  return Math.max(0, Math.min(index, after.length - 1));
}
