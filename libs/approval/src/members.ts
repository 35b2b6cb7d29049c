import type { Requester } from '@countersign/contracts';
import { requesterIds, type Directory } from './context.ts';

/**
 * Ids that may never approve, review or be escalated to for this requester (rule 2): the
 * requester, the human an agent acts for, and the requester's linked identities (a second account
 * registered under one of them).
 */
export function requesterExclusions(requester: Requester): ReadonlySet<string> {
  return new Set([...requesterIds(requester), ...requester.identities]);
}

/** Whether the directory knows `id` as a human: agents and unknown principals never approve. */
export function isKnownHuman(id: string, directory: Directory): boolean {
  return Object.hasOwn(directory.principals, id) && directory.principals[id].kind === 'human';
}

/** The human members of any of `groups`, minus `excluded`, sorted. */
export function humanMembers(directory: Directory, groups: readonly string[], excluded: ReadonlySet<string>): string[] {
  const wanted = new Set(groups);
  return Object.entries(directory.principals)
    .filter(([id, p]) => p.kind === 'human' && !excluded.has(id) && p.groups.some((g) => wanted.has(g)))
    .map(([id]) => id)
    .sort();
}

/** For each principal, the groups among `groups` they belong to (in `groups` order). */
export function groupsAmong(directory: Directory, principals: readonly string[], groups: readonly string[]): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const id of principals) {
    const theirs = new Set(Object.hasOwn(directory.principals, id) ? directory.principals[id].groups : []);
    result[id] = groups.filter((g) => theirs.has(g));
  }
  return result;
}

/** `a` then the items of `b` not in `a`: group lists stay in policy order, without repeats. */
export function union(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])];
}
