import type { ApprovalRequirement } from '@countersign/contracts';
import type { PolicyRule } from './compiled-policy.ts';

/** "1 approval from data-stewards", "2 approvals from distinct groups among a, b". */
export function describeApproval(a: ApprovalRequirement): string {
  const count = `${a.quorum} approval${a.quorum === 1 ? '' : 's'}`;
  if (a.distinctGroups) return `${count} from distinct groups among ${a.groups.join(', ')}`;
  const owners = new Set(a.owners ?? []);
  const named = a.principals.filter((p) => !owners.has(p));
  const who = [...a.groups, ...named];
  if (a.owners) who.push(a.owners.length ? `the resource's owners (${a.owners.join(', ')})` : "the resource's owners (none known)");
  return `${count} from ${joinOr(who)}`;
}

/** "escalating to data-leads after 30m; break-glass by oncall, reviewed by security". */
export function describeExtras(a: ApprovalRequirement): string[] {
  const extras: string[] = [];
  if (a.escalation) extras.push(`escalating to ${joinAnd(a.escalation.groups)} after ${duration(a.escalation.afterSeconds)}`);
  if (a.breakGlass) extras.push(`break-glass by ${joinOr(a.breakGlass.groups)}, reviewed by ${joinOr(a.breakGlass.reviewGroups)} within ${duration(a.breakGlass.reviewWithinSeconds)}`);
  if (a.standing) extras.push(`approvers may grant standing approvals of up to ${a.standing.maxUses} use(s) for up to ${duration(a.standing.maxTtlSeconds)}`);
  if (a.stepUp) extras.push(`each approval needs a fresh step-up (${a.stepUp} passkey)`);
  extras.push(`expiring after ${duration(a.timeoutSeconds)}`);
  return extras;
}

/** The rule's own reason, or a sentence saying what it does. */
export function reasonFor(rule: PolicyRule, action: string, approval = rule.approval): string {
  if (rule.reason) return rule.reason;
  switch (rule.effect) {
    case 'allow':
      return `rule ${rule.id} allows ${action}`;
    case 'deny':
      return `rule ${rule.id} denies ${action}`;
    case 'require_approval':
      return `rule ${rule.id} requires ${approval ? describeApproval(approval) : 'approval'}`;
    default: {
      const never: never = rule.effect;
      throw new Error(`unknown effect ${String(never)}`);
    }
  }
}

export function duration(seconds: number): string {
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['m', 60]] as const) {
    if (seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}

export function joinOr(items: readonly string[]): string {
  return joinWith(items, 'or');
}

export function joinAnd(items: readonly string[]): string {
  return joinWith(items, 'and');
}

function joinWith(items: readonly string[], conjunction: string): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${conjunction} ${items.at(-1)}`;
}
