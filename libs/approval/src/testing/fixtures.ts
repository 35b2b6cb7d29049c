/** Test fixtures: a small directory, requesters, and builders for each command. */
import {
  contentHash,
  POLICY_PUBLISH_ACTION,
  type ActionCommand,
  type Actor,
  type ApprovalRequirement,
  type CastVoteData,
  type CommandDataByType,
  type CommandEnvelope,
  type CommandType,
  type PolicyOutcome,
  type Requester,
} from '@countersign/contracts';
import type { Directory } from '../context.ts';

export const T0 = new Date('2026-03-01T12:00:00.000Z');
export const ACTION_ID = 'act-1';

export const directory: Directory = {
  principals: {
    rita: { kind: 'human', groups: ['sre', 'oncall'] }, // a requester who is also an approver, and on call
    'rita-admin': { kind: 'human', groups: ['sre', 'admins'] }, // rita's second account
    alice: { kind: 'human', groups: ['sre', 'oncall'] },
    bob: { kind: 'human', groups: ['sre'] },
    carol: { kind: 'human', groups: ['security'] },
    erin: { kind: 'human', groups: ['sre', 'security'] },
    dave: { kind: 'human', groups: ['sre'] }, // the human behind agent-7
    zed: { kind: 'human', groups: ['eng'] },
    olga: { kind: 'human', groups: ['oncall'] }, // on call, but no usual approver
    lena: { kind: 'human', groups: ['leads'] }, // escalated to
    leo: { kind: 'human', groups: ['leads'] },
    'lead-bot': { kind: 'agent', groups: ['leads', 'oncall'] },
    'agent-7': { kind: 'agent', groups: ['sre'] },
    'bot-1': { kind: 'agent', groups: ['sre'] },
  },
};

export const rita: Requester = { id: 'rita', kind: 'human', identities: ['slack:URITA', 'apikey:rita-1'] };
export const agent7: Requester = { id: 'agent-7', kind: 'agent', onBehalfOf: 'dave', identities: ['apikey:agent-7'] };

export const PARAMS = { table: 'customers', format: 'csv', rows: 1000 };
export const PARAMS_HASH = contentHash(PARAMS);

let counter = 0;
/** Unique, readable ids: `vote-12`. */
export const nextId = (prefix: string) => `${prefix}-${++counter}`;

function command<K extends CommandType>(type: K, data: CommandDataByType[K], actor: Actor, prefix: string): ActionCommand {
  const envelope: CommandEnvelope<K, CommandDataByType[K]> = {
    id: nextId(prefix),
    type,
    actionId: ACTION_ID,
    issuedAt: T0.toISOString(),
    actor,
    correlationId: ACTION_ID,
    data,
  };
  return envelope as ActionCommand;
}

const GATEWAY: Actor = { id: 'gateway', kind: 'service' };

export function propose(requester: Requester = rita, action = 'data.export', params: Record<string, unknown> = PARAMS): ActionCommand {
  const paramsHash = contentHash(params);
  return command(
    'ProposeAction',
    { action, resource: 'db/customers', params, paramsHash, requestHash: contentHash({ params }), requester },
    GATEWAY,
    'propose',
  );
}

export const POLICY_FILES = [{ path: 'policies/exports.yaml', text: 'rules: []\n' }];
/** Well-formed params of a policy publication. */
export const PUBLICATION = { version: contentHash(POLICY_FILES), files: POLICY_FILES, previousVersion: 'pv-1' };

export function proposePublish(params: Record<string, unknown> = PUBLICATION, requester: Requester = rita): ActionCommand {
  return propose(requester, POLICY_PUBLISH_ACTION, params);
}

export function evaluate(outcome: PolicyOutcome, approval?: ApprovalRequirement): ActionCommand {
  return command(
    'RecordPolicyEvaluation',
    {
      outcome,
      policyVersion: 'pv-1',
      matchedRules: ['exports'],
      rule: 'exports',
      reason: `exports of customer data: ${outcome}`,
      ...(approval ? { approval } : {}),
    },
    { id: 'policy-evaluator', kind: 'service' },
    'evaluate',
  );
}

/**
 * The one-step path: a proposal with its evaluation, as the policy evaluator hands it to the
 * router. Same id as the proposal it carries, as the evaluator sends it.
 */
export function recordProposal(outcome: PolicyOutcome, approval?: ApprovalRequirement, proposal: ActionCommand = propose()): ActionCommand {
  const evaluation = evaluate(outcome, approval).data;
  return { ...proposal, type: 'RecordProposal', actor: { id: 'policy-evaluator', kind: 'service' }, data: { proposal: proposal.data, evaluation } } as ActionCommand;
}

export const DEFAULT_REQUIREMENT: ApprovalRequirement = {
  groups: ['sre'],
  principals: [],
  quorum: 1,
  distinctGroups: false,
  timeoutSeconds: 3600,
};
/** The deadline of a request made at T0 with the default timeout. */
export const DEADLINE = new Date(T0.getTime() + 3600_000);

export function requireApproval(requirement: Partial<ApprovalRequirement> = {}): ActionCommand {
  return evaluate('require_approval', { ...DEFAULT_REQUIREMENT, ...requirement });
}

export function vote(voter: string, decision: 'approve' | 'deny' = 'approve', extra: Partial<CastVoteData> = {}): ActionCommand {
  return command('CastVote', { voter, voterIdentities: [], decision, via: 'api', ...extra }, GATEWAY, 'vote');
}

export const deny = (voter: string, comment = 'not during the freeze') => vote(voter, 'deny', { comment });

export function cancel(by: string, reason?: string): ActionCommand {
  return command('CancelAction', { by, ...(reason !== undefined ? { reason } : {}) }, GATEWAY, 'cancel');
}

/** An emergency approval: approve alone, the comment being the justification. */
export const breakGlass = (voter: string, comment?: string) =>
  vote(voter, 'approve', { breakGlass: true, ...(comment !== undefined ? { comment } : {}) });

/** A reviewer's verdict on a break-glass approval. */
export function review(reviewer: string, verdict: 'upheld' | 'concerns' = 'upheld', comment = 'checked the incident and the change'): ActionCommand {
  return command('RecordReview', { reviewer, verdict, comment }, GATEWAY, 'review');
}

export function escalate(at: Date): ActionCommand {
  return command('EscalateApproval', { at: at.toISOString() }, { id: 'approval-router', kind: 'service' }, 'escalate');
}

export function expire(at: Date): ActionCommand {
  return command('ExpireAction', { at: at.toISOString() }, { id: 'approval-router', kind: 'service' }, 'expire');
}

export const secondsAfter = (base: Date, seconds: number) => new Date(base.getTime() + seconds * 1000);

const NOTIFIER_ACTOR: Actor = { id: 'notifier', kind: 'service' };

/** The notifier reports that a message reached a channel. */
export function delivered(extra: Partial<CommandDataByType['RecordNotificationDelivered']> = {}): ActionCommand {
  return command('RecordNotificationDelivered', { channel: 'slack:#data-approvals', purpose: 'request', attempt: 1, ...extra }, NOTIFIER_ACTOR, 'delivered');
}

/** The notifier reports a failed delivery attempt. */
export function failed(extra: Partial<CommandDataByType['RecordNotificationFailed']> = {}): ActionCommand {
  return command(
    'RecordNotificationFailed',
    { channel: 'webhook:siem', purpose: 'request', attempt: 1, reason: 'HTTP 503', ...extra },
    NOTIFIER_ACTOR,
    'failed',
  );
}

/** An executor redeems the grant of the action (`started`) or reports how running it went (`finished`). */
export function execute(
  phase: 'started' | 'finished' = 'started',
  extra: Partial<CommandDataByType['RecordExecution']> = {},
): ActionCommand {
  const finished = phase === 'finished' ? { finishedAt: secondsAfter(T0, 60).toISOString(), outcome: 'succeeded' as const } : {};
  return command('RecordExecution', {
    phase, grantId: 'grant-1', kid: 'grant-key-1', executor: 'deployer', paramsHash: PARAMS_HASH,
    grantExpiresAt: secondsAfter(T0, 300).toISOString(), startedAt: T0.toISOString(), ...finished, ...extra,
  }, GATEWAY, 'execute');
}
