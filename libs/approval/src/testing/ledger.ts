/** Fixtures and a given/when/then for requester ledgers (standing approvals, ADR 0004). */
import assert from 'node:assert/strict';
import {
  describeErrors, sealEvents, standingApprovalId, standingLedgerId, validateEvent, type ActionCommand, type ActionEvent, type Actor,
  type CommandDataByType, type EventType, type Requester, type StandingApprovalGrantedData, type UseStandingApprovalData,
} from '@countersign/contracts';
import type { ApprovalEventDraft } from '../context.ts';
import { decideLedger, type LedgerContext, type StandingChecks } from '../standing/decide-ledger.ts';
import { evolveLedger, initialLedger, type LedgerState } from '../standing/ledger.ts';
import { directory, nextId, PARAMS, PARAMS_HASH, rita, T0 } from './fixtures.ts';

export const LEDGER = standingLedgerId(rita.id);
export const SOURCE = 'act-source';
export const STANDING = standingApprovalId(SOURCE);
/** A standing approval granted at T0 lasts an hour by default. */
export const EXPIRES = new Date(T0.getTime() + 3600_000);

/** Globs as "prefix/**" or exact; conditions "rows <= N" or "fail" (an evaluation error): enough for the domain's tests. */
export const checks: StandingChecks = {
  resourceMatches: (glob, resource) => (glob.endsWith('/**') ? resource === glob.slice(0, -3) || resource.startsWith(glob.slice(0, -2)) : glob === resource),
  holds: (expression, input) => {
    if (expression === 'fail') return { error: 'no such key: rows' };
    const m = /^params\.rows <= (\d+)$/.exec(expression);
    if (!m) return { error: `unknown test condition ${expression}` };
    return (input.params.rows as number) <= Number(m[1]);
  },
};

const ROUTER: Actor = { id: 'approval-router', kind: 'service' };

function command<K extends keyof CommandDataByType>(type: K, data: CommandDataByType[K], key = LEDGER, at = T0): ActionCommand {
  return { id: nextId(type), type, actionId: key, issuedAt: at.toISOString(), actor: ROUTER, correlationId: key, data } as ActionCommand;
}

export function grant(extra: Partial<StandingApprovalGrantedData> = {}): ActionCommand {
  return command('GrantStandingApproval', {
    standingId: STANDING, sourceActionId: SOURCE, requester: rita, action: 'data.export', resource: 'db/**', maxUses: 2,
    grantedAt: T0.toISOString(), expiresAt: EXPIRES.toISOString(), grantedBy: ['alice'], rule: 'exports', policyVersion: 'pv-1',
    eligible: ['alice', 'bob', 'erin'], ...extra,
  });
}

export function use(actionId: string, extra: Partial<UseStandingApprovalData> = {}, requester: Requester = rita): ActionCommand {
  return command('UseStandingApproval', {
    actionId, requester, action: 'data.export', resource: 'db/customers', params: PARAMS, paramsHash: PARAMS_HASH, rule: 'exports',
    quorum: 1, distinctGroups: false, eligible: ['alice', 'bob', 'erin'], eligibleGroups: { alice: ['sre'], bob: ['sre'], erin: ['sre'] },
    deadline: new Date(T0.getTime() + 86_400_000).toISOString(), ...extra,
  }, standingLedgerId(requester.id));
}

export const revoke = (by: string, standingId = STANDING, reason?: string) =>
  command('RevokeStandingApproval', { standingId, by, ...(reason !== undefined ? { reason } : {}) });

export const ledgerContext = (now: Date = T0, overrides: Partial<LedgerContext> = {}): LedgerContext => ({ now, directory, standing: checks, ...overrides });

export interface Ledger {
  state: LedgerState;
  events: ActionEvent[];
  /** Decides `command` at `now` and appends what it gives. */
  when(command: ActionCommand, now?: Date, overrides?: Partial<LedgerContext>): Ledger & { drafts: ApprovalEventDraft[]; then(types: EventType[]): ApprovalEventDraft[] };
}

/** Seals drafts onto the ledger stream, validated against the event schemas, and folds them. */
export function appendLedger(start: { state: LedgerState; events: ActionEvent[] }, drafts: ApprovalEventDraft[], causationId: string, now: Date, streamId = LEDGER) {
  const last = start.events.at(-1);
  const sealed = sealEvents(drafts, {
    streamId, head: last ? { seq: last.seq, hash: last.hash } : undefined, causationId, correlationId: streamId, now: () => now, newId: () => nextId('evt'),
  }) as ActionEvent[];
  for (const event of sealed) {
    const check = validateEvent(event);
    assert.ok(check.ok, `${event.type} does not match its schema: ${check.ok ? '' : describeErrors(check.errors)}`);
  }
  return { state: sealed.reduce(evolveLedger, start.state), events: [...start.events, ...sealed] };
}

/** given(commands decided at T0, or [command, at] pairs) of a ledger. */
export function ledger(...history: Array<ActionCommand | [ActionCommand, Date]>): Ledger {
  let current = { state: initialLedger, events: [] as ActionEvent[] };
  for (const item of history) {
    const [cmd, at] = Array.isArray(item) ? item : [item, T0];
    current = appendLedger(current, decideLedger(cmd, current.state, ledgerContext(at)), cmd.id, at);
  }
  return scenario(current);
}

function scenario(current: { state: LedgerState; events: ActionEvent[] }): Ledger {
  return {
    ...current,
    when(cmd, now = T0, overrides = {}) {
      const drafts = decideLedger(cmd, current.state, ledgerContext(now, overrides));
      const after = appendLedger(current, drafts, cmd.id, now);
      return {
        ...scenario(after),
        drafts,
        then(types) {
          assert.deepEqual(drafts.map((d) => d.type), types);
          return drafts;
        },
      };
    },
  };
}
