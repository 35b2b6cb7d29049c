import type { Actor, DomainEventBody, Requester } from '@countersign/contracts';

/** A plain snapshot of the principals known when a command is decided. */
export interface Directory {
  /**
   * `readsAll`: an auditor or admin, who may see every action (and so hears why a command of theirs is refused);
   * `admin`: an admin, who may also revoke any standing approval.
   */
  principals: Record<string, { kind: 'agent' | 'human'; groups: string[]; readsAll?: boolean; admin?: boolean }>;
}

/** Everything impure a decision needs, passed in. */
export interface DecideContext {
  now: Date;
  directory: Directory;
  /**
   * The policy version in force when the command is decided (see `policyVersionInForce`). With it,
   * a policy publication proposed against another version is denied instead of approved
   * (compare-and-set); without it, that check is not made.
   */
  policyInForce?: string;
}

/** An event `decide` asks the router to append: data typed by event type, plus who caused it. */
export type ApprovalEventDraft = DomainEventBody & { actor: Actor };

export const ROUTER: Actor = { id: 'approval-router', kind: 'service' };
export const POLICY_EVALUATOR: Actor = { id: 'policy-evaluator', kind: 'service' };

/** The actor for a principal acting by command: directory kind, else the requester's own, else human. */
export function principalActor(id: string, directory: Directory, requester?: Requester): Actor {
  const known = Object.hasOwn(directory.principals, id) ? directory.principals[id] : undefined;
  if (known) return { id, kind: known.kind };
  if (requester && requester.id === id) return { id, kind: requester.kind };
  return { id, kind: 'human' };
}

/** Ids a requester acts under: themselves and the human an agent acts for (rule 2). */
export function requesterIds(requester: Requester): string[] {
  return requester.onBehalfOf ? [requester.id, requester.onBehalfOf] : [requester.id];
}

/** "a", "a or b", "a, b or c": for sentences a human reads. */
export function listWords(words: readonly string[], conjunction = 'or'): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} ${conjunction} ${words.at(-1)}`;
}
