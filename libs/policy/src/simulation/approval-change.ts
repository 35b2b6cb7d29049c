// How two approval requirements of the same action differ, and whether the change makes approval
// easier to get (loosens) or harder (tightens).
import type { ApprovalRequirement } from '@countersign/contracts';

export type Direction = 'loosens' | 'tightens' | 'differs';

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && new Set([...a, ...b]).size === new Set(a).size;
const subset = (a: readonly string[], b: readonly string[]) => a.every((x) => b.includes(x));

/**
 * Equal in what they ask for: who may approve, how many, from distinct groups or not, how long,
 * who it escalates to, and who may approve alone under break-glass. Where to ask (channels) is
 * not a change of the requirement.
 */
export function sameRequirement(a: ApprovalRequirement, b: ApprovalRequirement): boolean {
  return describeRequirementChange(a, b).length === 0;
}

/**
 * Fewer approvals, dropping distinct groups, or more eligible approvers each make approval easier;
 * and so does a new break-glass clause; the opposite makes it harder. Mixed changes, or a
 * different set of approvers, simply differ. Timeouts and escalations count neither way.
 */
export function requirementDirection(then: ApprovalRequirement, now: ApprovalRequirement): Direction {
  const signals: number[] = [
    Math.sign(now.quorum - then.quorum),
    Number(now.distinctGroups) - Number(then.distinctGroups),
    // Break-glass lets one person approve alone.
    Number(then.breakGlass !== undefined) - Number(now.breakGlass !== undefined),
  ];
  const eligibleThen = [...then.groups.map((g) => `group:${g}`), ...then.principals.map((p) => `principal:${p}`)];
  const eligibleNow = [...now.groups.map((g) => `group:${g}`), ...now.principals.map((p) => `principal:${p}`)];
  if (!sameSet(eligibleThen, eligibleNow)) {
    if (subset(eligibleThen, eligibleNow)) signals.push(-1);
    else if (subset(eligibleNow, eligibleThen)) signals.push(1);
    else return 'differs';
  }
  const easier = signals.some((s) => s < 0);
  const harder = signals.some((s) => s > 0);
  if (easier && !harder) return 'loosens';
  if (harder && !easier) return 'tightens';
  return 'differs';
}

/** `quorum 1 → 2`, `groups data-stewards → data-stewards, security`, …: one entry per field that changed. */
export function describeRequirementChange(then: ApprovalRequirement, now: ApprovalRequirement): string[] {
  const list = (items: readonly string[]) => (items.length > 0 ? items.join(', ') : '(none)');
  const changes: string[] = [];
  if (then.quorum !== now.quorum) changes.push(`quorum ${then.quorum} → ${now.quorum}`);
  if (!sameSet(then.groups, now.groups)) changes.push(`groups ${list(then.groups)} → ${list(now.groups)}`);
  if (!sameSet(then.principals, now.principals)) changes.push(`principals ${list(then.principals)} → ${list(now.principals)}`);
  if (then.distinctGroups !== now.distinctGroups) changes.push(`distinct groups ${onOff(then.distinctGroups)} → ${onOff(now.distinctGroups)}`);
  if (then.timeoutSeconds !== now.timeoutSeconds) changes.push(`timeout ${formatSeconds(then.timeoutSeconds)} → ${formatSeconds(now.timeoutSeconds)}`);
  const escalation = (r: ApprovalRequirement) => (r.escalation ? `after ${formatSeconds(r.escalation.afterSeconds)} to ${list(r.escalation.groups)}` : '(none)');
  if (escalation(then) !== escalation(now)) changes.push(`escalation ${escalation(then)} → ${escalation(now)}`);
  const breakGlass = (r: ApprovalRequirement) => (r.breakGlass ? `${list(r.breakGlass.groups)}, reviewed by ${list(r.breakGlass.reviewGroups)}` : '(none)');
  if (breakGlass(then) !== breakGlass(now)) changes.push(`break-glass ${breakGlass(then)} → ${breakGlass(now)}`);
  return changes;
}

const onOff = (b: boolean) => (b ? 'on' : 'off');

/** The largest whole unit, as policy files write durations: 90 → `90s`, 7200 → `2h`. */
export function formatSeconds(seconds: number): string {
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['m', 60]] as const) {
    if (seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}
