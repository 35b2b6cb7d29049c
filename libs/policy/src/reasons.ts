import type { ApprovalRequirement } from '@countersign/contracts';
import type { PolicyRule } from './compiled-policy.ts';

/** "1 approval from data-stewards", "2 approvals from distinct groups among a, b". */
export function describeApproval(a: ApprovalRequirement): string {
  const count = `${a.quorum} approval${a.quorum === 1 ? '' : 's'}`;
  if (a.distinctGroups) return `${count} from distinct groups among ${a.groups.join(', ')}`;
  return `${count} from ${joinOr([...a.groups, ...a.principals])}`;
}

/** The rule's own reason, or a sentence saying what it does. */
export function reasonFor(rule: PolicyRule, action: string): string {
  if (rule.reason) return rule.reason;
  switch (rule.effect) {
    case 'allow':
      return `rule ${rule.id} allows ${action}`;
    case 'deny':
      return `rule ${rule.id} denies ${action}`;
    case 'require_approval':
      return `rule ${rule.id} requires ${rule.approval ? describeApproval(rule.approval) : 'approval'}`;
    default: {
      const never: never = rule.effect;
      throw new Error(`unknown effect ${String(never)}`);
    }
  }
}

function joinOr(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}
