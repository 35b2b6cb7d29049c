import {
  POLICY_PUBLISH_ACTION, resourceGlobProblem, standingApprovalId, type CastVoteData, type CommandEnvelope, type StandingGrantReference,
  type StandingTerms,
} from '@countersign/contracts';
import { secondsFrom } from '../approval-request.ts';
import { listWords } from '../context.ts';
import type { Pending } from '../state.ts';

/**
 * Why a vote's offer of a standing approval cannot stand, or undefined (also when it offers none).
 * An offer goes with an ordinary approval of an action whose rule allows standing approvals, within
 * the rule's bounds, over a canonical resource glob; never with a denial or a break-glass
 * approval, and never for a policy change (each is approved on its own, rule 9). The gateway checks
 * the same, and the condition's CEL too (which needs the policy library); this is the backstop.
 */
export function standingOfferProblem(vote: CastVoteData, state: Pending): string | undefined {
  const terms = vote.standing;
  if (!terms) return undefined;
  if (vote.decision !== 'approve') return 'A standing approval is offered with an approval, never with a denial.';
  if (vote.breakGlass) return 'A break-glass approval covers this emergency only: it cannot grant a standing approval.';
  if (state.proposal.action === POLICY_PUBLISH_ACTION) return 'Policy changes are approved one at a time: no standing approval covers them.';
  const allowance = state.request.standing;
  if (!allowance) return `Rule ${state.request.rule} does not allow standing approvals.`;
  if (terms.maxUses > allowance.maxUses) return `Rule ${state.request.rule} allows standing approvals of at most ${allowance.maxUses} use(s), not ${terms.maxUses}.`;
  if (terms.ttlSeconds > allowance.maxTtlSeconds) {
    return `Rule ${state.request.rule} allows standing approvals of at most ${allowance.maxTtlSeconds} s, not ${terms.ttlSeconds} s.`;
  }
  const glob = resourceGlobProblem(terms.resource);
  if (glob) return `The standing approval's resource glob ${JSON.stringify(terms.resource)} ${glob}.`;
  if (terms.when !== undefined && terms.when.trim() === '') return "The standing approval's condition is blank; leave it out to match every params.";
  return undefined;
}

/** Two offers are the same when every term is: same glob, same condition text, same uses, same duration. */
const termsKey = (t: StandingTerms) => JSON.stringify([t.resource, t.when ?? null, t.maxUses, t.ttlSeconds]);

/**
 * The quorum of an approval is reached: the standing approval it creates, if every approver (the
 * voters who approved, this one included) offered one with identical terms; and a sentence for the
 * decision's reason either way (which approvers did not offer, or that the terms differ). A
 * standing approval therefore needs as many offers as the approval needs approvers (rule 3).
 */
export function grantAtQuorum(
  command: CommandEnvelope<'CastVote', CastVoteData>,
  state: Pending,
  approvers: readonly string[],
  now: Date,
): { grantedStanding?: StandingGrantReference; note: string } {
  const offerOf = (voter: string) => (voter === command.data.voter ? command.data.standing : state.votes.find((v) => v.voter === voter && v.decision === 'approve')?.standing);
  const offers = approvers.map((voter) => ({ voter, terms: offerOf(voter) }));
  if (offers.every((o) => !o.terms)) return { note: '' };
  const without = offers.filter((o) => !o.terms).map((o) => o.voter);
  if (without.length > 0) return { note: ` No standing approval: ${listWords(without, 'and')} did not offer one (every approver must).` };
  const [first] = offers;
  if (offers.some((o) => termsKey(o.terms!) !== termsKey(first.terms!))) {
    return { note: ' No standing approval: the approvers offered different terms (every approver must offer the same).' };
  }
  const terms = first.terms!;
  const grantedStanding: StandingGrantReference = {
    id: standingApprovalId(command.actionId),
    resource: terms.resource,
    ...(terms.when !== undefined ? { when: terms.when } : {}),
    maxUses: terms.maxUses,
    expiresAt: secondsFrom(now, terms.ttlSeconds),
  };
  const where = terms.when !== undefined ? ` where ${terms.when}` : '';
  const note =
    ` Standing approval ${grantedStanding.id} granted to ${state.proposal.requester.id}: ${state.proposal.action} on ${terms.resource}${where}, ` +
    `up to ${terms.maxUses} use(s) until ${grantedStanding.expiresAt}.`;
  return { grantedStanding, note };
}
