/**
 * given(history...).when(command).then(expected): the house given/when/then for the approval
 * state machine. History items are commands (decided, then applied) or ready-made event drafts.
 * Everything is sealed with the contracts' hash chain and validated against the event schemas,
 * so a draft that would not survive the log fails the test.
 */
import assert from 'node:assert/strict';
import {
  describeErrors,
  sealEvents,
  validateEvent,
  type ActionCommand,
  type ActionEvent,
  type EventType,
  type RejectionCode,
} from '@countersign/contracts';
import type { ApprovalEventDraft, DecideContext } from '../context.ts';
import { decide } from '../decide.ts';
import { evolve } from '../evolve.ts';
import { initialState, type ApprovalState } from '../state.ts';
import { ACTION_ID, directory, nextId, T0 } from './fixtures.ts';

export interface Scenario {
  state: ApprovalState;
  events: ActionEvent[];
  when(command: ActionCommand, ctx?: Partial<DecideContext>): Outcome;
}

export interface Outcome extends Scenario {
  drafts: ApprovalEventDraft[];
  /** Asserts the drafts' types in order (or runs a check) and returns the drafts. */
  then(expected: EventType[] | ((drafts: ApprovalEventDraft[], state: ApprovalState) => void)): ApprovalEventDraft[];
  /** Asserts one CommandRejected with this code (and reason pattern); returns its reason. */
  thenRejected(code: RejectionCode, reason?: RegExp): string;
}

export const context = (overrides: Partial<DecideContext> = {}): DecideContext => ({ now: T0, directory, ...overrides });

/** Seals drafts after the stream's last event, validates them, and folds them into the state. */
export function apply(start: { state: ApprovalState; events: ActionEvent[] }, drafts: ApprovalEventDraft[], causationId: string, now: Date) {
  const last = start.events.at(-1);
  const sealed = sealEvents(drafts, {
    streamId: ACTION_ID,
    head: last ? { seq: last.seq, hash: last.hash } : undefined,
    causationId,
    correlationId: ACTION_ID,
    now: () => now,
    newId: () => nextId('evt'),
  }) as ActionEvent[];
  for (const event of sealed) {
    const check = validateEvent(event);
    assert.ok(check.ok, `${event.type} does not match its schema: ${check.ok ? '' : describeErrors(check.errors)}`);
  }
  return { state: sealed.reduce(evolve, start.state), events: [...start.events, ...sealed] };
}

export function given(...history: Array<ActionCommand | ApprovalEventDraft>): Scenario {
  let current = { state: initialState, events: [] as ActionEvent[] };
  for (const item of history) {
    current = 'actionId' in item
      ? apply(current, decide(item, current.state, context()), item.id, T0)
      : apply(current, [item], nextId('given'), T0);
  }
  return scenario(current);
}

function scenario(current: { state: ApprovalState; events: ActionEvent[] }): Scenario {
  return {
    ...current,
    when(command, overrides) {
      const ctx = context(overrides);
      const drafts = decide(command, current.state, ctx);
      const after = apply(current, drafts, command.id, ctx.now);
      return {
        ...scenario(after),
        drafts,
        then(expected) {
          if (typeof expected === 'function') expected(drafts, after.state);
          else assert.deepEqual(drafts.map((d) => d.type), expected);
          return drafts;
        },
        thenRejected(code, reason) {
          assert.deepEqual(drafts.map((d) => d.type), ['CommandRejected']);
          const rejected = drafts[0];
          assert.ok(rejected.type === 'CommandRejected');
          assert.equal(rejected.data.code, code, rejected.data.reason);
          assert.equal(rejected.data.commandId, command.id);
          assert.equal(rejected.data.command, command.type);
          if (reason) assert.match(rejected.data.reason, reason);
          return rejected.data.reason;
        },
      };
    },
  };
}

/** The data of the first draft of a type, typed by that type. */
export function draftOf<T extends EventType>(drafts: ApprovalEventDraft[], type: T): Extract<ApprovalEventDraft, { type: T }> {
  const found = drafts.find((d) => d.type === type);
  assert.ok(found, `expected a ${type} among ${drafts.map((d) => d.type).join(', ') || 'no events'}`);
  return found as Extract<ApprovalEventDraft, { type: T }>;
}
