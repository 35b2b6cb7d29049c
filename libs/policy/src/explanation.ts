import type { PolicyEvaluatedData } from '@countersign/contracts';
import type { PolicyInput, PolicyRule } from './compiled-policy.ts';
import { describeApproval, describeExtras, joinAnd } from './reasons.ts';

type Decided = Omit<PolicyEvaluatedData, 'explanation'>;

/**
 * The whole decision as a paragraph a person can check against the policy file: what matched
 * (and which conditions held), why the winner won, and what it asks for. Recorded in
 * PolicyEvaluated, so the audit trail explains itself without the policy at hand.
 */
export function explain(input: PolicyInput, decided: Decided, matched: readonly PolicyRule[], notes: readonly string[] = []): string {
  const subject = `${input.action} on ${input.resource} by ${input.requester.kind} ${input.requester.id}`;
  const sentences: string[] = [];
  if (matched.length === 0) {
    sentences.push(`No rule matched ${subject}.`);
  } else {
    const described = matched.map((rule) => {
      const held = (decided.conditions ?? []).filter((c) => c.rule === rule.id);
      const notes = held.map((c) => (c.result === 'held' ? `${c.expression} held` : `${c.expression} could not be evaluated (${c.error}), so the rule applies`));
      return notes.length ? `${rule.id} [${rule.effect}] (${notes.join('; ')})` : `${rule.id} [${rule.effect}]`;
    });
    sentences.push(`${subject} matched ${matched.length === 1 ? 'rule' : 'rules'} ${joinAnd(described)}.`);
    const effects = new Set(matched.map((r) => r.effect));
    if (effects.size > 1) sentences.push(`deny beats require_approval beats allow, so rule ${decided.rule} decides.`);
    else if (matched.length > 1 && decided.rule !== 'default') sentences.push(`The first of them in file order, ${decided.rule}, decides.`);
  }
  const skipped = (decided.conditions ?? []).filter((c) => c.result === 'error' && !decided.matchedRules.includes(c.rule));
  for (const c of skipped) sentences.push(`Allow rule ${c.rule} was not applied: ${c.expression} could not be evaluated (${c.error}).`);
  sentences.push(...notes);
  sentences.push(outcomeSentence(decided));
  sentences.push(`Policy version ${decided.policyVersion.slice(0, 12)}.`);
  return sentences.join(' ');
}

function outcomeSentence(d: Decided): string {
  const by = d.rule === 'default' ? 'The default' : `Rule ${d.rule}`;
  switch (d.outcome) {
    case 'allow':
      return `${by} allows it: it runs now (${stripDot(d.reason)}).`;
    case 'deny':
      return d.rule === 'default' ? 'No default approval is configured, so it is denied (fail closed).' : `${by} denies it: ${stripDot(d.reason)}.`;
    case 'require_approval': {
      if (!d.approval) return `${by} requires approval.`;
      return `${by} requires ${describeApproval(d.approval)} (${describeExtras(d.approval).join('; ')}).`;
    }
    default: {
      const never: never = d.outcome;
      return `Unknown outcome ${String(never)}.`;
    }
  }
}

const stripDot = (text: string): string => text.trim().replace(/\.+$/, '');
