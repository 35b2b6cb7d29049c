import type { ApprovalRequestedData } from '@countersign/contracts';

/**
 * The largest number of the given principals that can each be assigned a different group they
 * belong to: a maximum bipartite matching found by augmenting paths (Kuhn). Approver and group
 * counts are tiny, so clarity beats asymptotics here.
 */
export function distinctGroupCover(principals: readonly string[], groupsOf: Readonly<Record<string, string[]>>): number {
  const holderOf = new Map<string, string>(); // group -> principal currently assigned to it

  const assign = (principal: string, visited: Set<string>): boolean => {
    const groups = Object.hasOwn(groupsOf, principal) ? groupsOf[principal] : [];
    for (const group of groups) {
      if (visited.has(group)) continue;
      visited.add(group);
      const holder = holderOf.get(group);
      // Take a free group, or move its holder to another group of theirs to make room.
      if (holder === undefined || assign(holder, visited)) {
        holderOf.set(group, principal);
        return true;
      }
    }
    return false;
  };

  let matched = 0;
  for (const principal of new Set(principals)) if (assign(principal, new Set())) matched += 1;
  return matched;
}

/** How many of these approvers count toward the request's quorum (also how the API shows it). */
export function approvalsCounted(approvers: readonly string[], request: Pick<ApprovalRequestedData, 'distinctGroups' | 'eligibleGroups'>): number {
  return request.distinctGroups ? distinctGroupCover(approvers, request.eligibleGroups) : new Set(approvers).size;
}

export function quorumReached(approvers: readonly string[], request: ApprovalRequestedData): boolean {
  return approvalsCounted(approvers, request) >= request.quorum;
}
