/** For whom I vote on an action: myself when I am eligible, else a delegator who named me. */
export interface DelegationLike {
  delegator: string;
  delegate: string;
  from: string;
  until: string;
  status: string;
}

export interface VotableAction {
  approval?: { eligible: string[] };
  votes: { voter: string; onBehalfOf?: string }[];
}

/** The delegator whose vote I cast on this action (`onBehalfOf`), or undefined to vote as myself. */
export function delegatorFor(action: VotableAction, me: string, delegations: readonly DelegationLike[], nowMs: number): string | undefined {
  const eligible = action.approval?.eligible ?? [];
  if (eligible.includes(me)) return undefined;
  const voted = new Set(action.votes.flatMap((v) => [v.voter, ...(v.onBehalfOf ? [v.onBehalfOf] : [])]));
  const active = delegations.filter((d) => d.delegate === me && d.status === 'active'
    && Date.parse(d.from) <= nowMs && nowMs < Date.parse(d.until));
  return active.find((d) => eligible.includes(d.delegator) && !voted.has(d.delegator))?.delegator;
}
