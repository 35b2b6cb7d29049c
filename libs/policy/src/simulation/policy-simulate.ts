// `countersign policy simulate`, the pure part: replay recorded proposals against a candidate
// policy set and say what would change. No IO: the caller reads the log (policy-simulate-cli.ts).
import picomatch from 'picomatch';
import type { ApprovalRequirement, PolicyEvaluatedData, PolicyOutcome } from '@countersign/contracts';
import type { CompiledPolicySet, PolicyInput } from '../compiled-policy.ts';
import type { ActionHistory, FinalDecision } from './action-history.ts';
import { describeRequirementChange, requirementDirection, sameRequirement, type Direction } from './approval-change.ts';
import { describeChange } from './simulation-story.ts';

/** What the simulation needs of the principals directory: the requester's groups, the resource's owners. */
export interface SimulationDirectory {
  get(id: string): { groups: readonly string[] } | undefined;
  ownersOf(resource: string): string[];
}

/** Which proposals to replay: `since` ≤ proposed < `until`, action type matching the glob. */
export interface SimulationFilter {
  since?: Date;
  until?: Date;
  /** A glob over action types, as in policy `match.action` (e.g. `data.*`). */
  action?: string;
}

export interface SimulatedDecision {
  outcome: PolicyOutcome;
  rule: string;
  policyVersion: string;
  reason: string;
  approval?: ApprovalRequirement;
  /** The evaluator's paragraph on what matched and why, when it wrote one. */
  explanation?: string;
}

export interface SimulatedChange {
  actionId: string;
  action: string;
  resource: string;
  requester: string;
  proposedAt: string;
  /** `outcome`: allow/deny/require_approval changed; `approval`: still require_approval, asking for something else. */
  kind: 'outcome' | 'approval';
  direction: Direction;
  then: SimulatedDecision;
  candidate: SimulatedDecision;
  /** How the action really ended; absent while pending. */
  happened?: FinalDecision;
  /** `was approved by bob; would now be denied by rule no-prod-exports`. */
  summary: string;
  /** For approval changes: `quorum 1 → 2`, … */
  requirementChanges?: string[];
}

export interface Transition {
  from: PolicyOutcome;
  to: PolicyOutcome;
  count: number;
  direction: Direction | 'same';
}

export interface SimulationTotals {
  /** Proposals that passed the filter and had a recorded evaluation to compare with. */
  replayed: number;
  unchanged: number;
  changed: number;
  loosens: number;
  tightens: number;
  /** Changes of the approval requirement under the same outcome (part of `changed`). */
  approvalChanged: number;
  /** Same decision, a different winning rule: counted as unchanged. */
  ruleOnly: number;
  /** Proposals with no recorded evaluation (still in flight when the log was read): not replayed. */
  notEvaluated: number;
}

export interface SimulationReport {
  candidateVersion: string;
  totals: SimulationTotals;
  /** Every (then → candidate) pair that occurred, allow first, then require_approval, then deny. */
  transitions: Transition[];
  /** Loosening changes first, then the rest; oldest first within each. */
  changes: SimulatedChange[];
  /** Requesters the directory does not know: they were replayed with no groups. */
  unknownRequesters: string[];
}

const RANK: Record<PolicyOutcome, number> = { allow: 0, require_approval: 1, deny: 2 };

export function selectHistories(histories: readonly ActionHistory[], filter: SimulationFilter): ActionHistory[] {
  const matches = filter.action !== undefined ? picomatch(filter.action, { dot: true }) : () => true;
  return histories.filter((h) => {
    const at = Date.parse(h.proposedAt);
    return (!filter.since || at >= filter.since.getTime()) && (!filter.until || at < filter.until.getTime()) && matches(h.proposal.action);
  });
}

/**
 * The proposal as the policy evaluator builds it, with the directory's groups and owners as they
 * are today, and `now` the time of the proposal, so time-of-day conditions replay faithfully.
 */
export function policyInputOf(history: ActionHistory, directory: SimulationDirectory): PolicyInput {
  const p = history.proposal;
  return {
    action: p.action,
    resource: p.resource,
    params: p.params,
    ...(p.context ? { context: p.context } : {}),
    ...(p.justification !== undefined ? { justification: p.justification } : {}),
    requester: { id: p.requester.id, kind: p.requester.kind, groups: [...(directory.get(p.requester.id)?.groups ?? [])] },
    resourceOwners: directory.ownersOf(p.resource),
    now: new Date(history.proposedAt),
  };
}

export function simulate(histories: readonly ActionHistory[], candidate: CompiledPolicySet, directory: SimulationDirectory): SimulationReport {
  const totals: SimulationTotals = { replayed: 0, unchanged: 0, changed: 0, loosens: 0, tightens: 0, approvalChanged: 0, ruleOnly: 0, notEvaluated: 0 };
  const transitions = new Map<string, Transition>();
  const changes: SimulatedChange[] = [];
  const unknown = new Set<string>();
  for (const history of histories) {
    const then = history.evaluation;
    if (!then) {
      totals.notEvaluated += 1;
      continue;
    }
    totals.replayed += 1;
    if (!directory.get(history.proposal.requester.id)) unknown.add(history.proposal.requester.id);
    const now = candidate.evaluate(policyInputOf(history, directory));
    countTransition(transitions, then.outcome, now.outcome);
    const change = compare(history, then, now);
    if (!change) {
      totals.unchanged += 1;
      if (then.rule !== now.rule) totals.ruleOnly += 1;
      continue;
    }
    totals.changed += 1;
    if (change.kind === 'approval') totals.approvalChanged += 1;
    if (change.direction === 'loosens') totals.loosens += 1;
    if (change.direction === 'tightens') totals.tightens += 1;
    changes.push(change);
  }
  return {
    candidateVersion: candidate.version,
    totals,
    transitions: [...transitions.values()].sort((a, b) => RANK[a.from] - RANK[b.from] || RANK[a.to] - RANK[b.to]),
    changes: changes.sort((a, b) => Number(b.direction === 'loosens') - Number(a.direction === 'loosens') || a.proposedAt.localeCompare(b.proposedAt)),
    unknownRequesters: [...unknown].sort(),
  };
}

function countTransition(transitions: Map<string, Transition>, from: PolicyOutcome, to: PolicyOutcome): void {
  const key = `${from}→${to}`;
  const found = transitions.get(key);
  if (found) found.count += 1;
  else transitions.set(key, { from, to, count: 1, direction: outcomeDirection(from, to) });
}

function outcomeDirection(from: PolicyOutcome, to: PolicyOutcome): Direction | 'same' {
  if (RANK[to] === RANK[from]) return 'same';
  return RANK[to] < RANK[from] ? 'loosens' : 'tightens';
}

function compare(history: ActionHistory, then: PolicyEvaluatedData, now: PolicyEvaluatedData): SimulatedChange | undefined {
  let kind: SimulatedChange['kind'];
  let direction: Direction;
  let requirementChanges: string[] | undefined;
  if (then.outcome !== now.outcome) {
    kind = 'outcome';
    direction = RANK[now.outcome] < RANK[then.outcome] ? 'loosens' : 'tightens';
  } else if (then.outcome === 'require_approval' && then.approval && now.approval && !sameRequirement(then.approval, now.approval)) {
    kind = 'approval';
    direction = requirementDirection(then.approval, now.approval);
    requirementChanges = describeRequirementChange(then.approval, now.approval);
  } else {
    return undefined;
  }
  return {
    actionId: history.actionId,
    action: history.proposal.action,
    resource: history.proposal.resource,
    requester: history.proposal.requester.id,
    proposedAt: history.proposedAt,
    kind,
    direction,
    then: decisionOf(then),
    candidate: decisionOf(now),
    ...(history.decision ? { happened: history.decision } : {}),
    summary: describeChange(then, now, history.decision),
    ...(requirementChanges ? { requirementChanges } : {}),
  };
}

function decisionOf(d: PolicyEvaluatedData): SimulatedDecision {
  return {
    outcome: d.outcome, rule: d.rule, policyVersion: d.policyVersion, reason: d.reason,
    ...(d.approval ? { approval: d.approval } : {}),
    ...(d.explanation !== undefined ? { explanation: d.explanation } : {}),
  };
}
