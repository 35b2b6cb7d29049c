// What happens to a proposed action until it runs upstream, shared by tool calls and resource
// reads: wait (bounded) for the decision with progress notifications, and once approved run it
// with exactly the approved params, its grant redeemed or (allowed at once) its start and outcome
// reported together after the result (ADR 0006). The caller turns a Stop into its own answer: a
// tool result for a call, an MCP error for a read.
import {
  ActionCancelled, ActionDenied, ActionExpired, isDecided, RequestRejected, WaitTimedOut,
  type Action, type Countersign, type ProposeInput,
} from '@countersign/sdk';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import type { GateConfig } from './config-schema.ts';
import { message } from './messages.ts';
import { progressReporter } from './progress.ts';

export type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;
export type Params = Record<string, unknown>;

/** Why an action did not run (yet). */
export type Stop =
  /** Still undecided after the gate's pending bound: it may run later. */
  | { kind: 'pending'; action: Action }
  /** Denied, expired or cancelled. */
  | { kind: 'refused'; action: Action }
  /** Countersign refused the request itself (a resource not in canonical form, a rate limit). */
  | { kind: 'rejected'; error: unknown }
  /** Countersign could not be reached: fail closed. */
  | { kind: 'unavailable'; error: unknown }
  /** Approved, and its single-use grant already redeemed: it ran before. */
  | { kind: 'already-run'; action: Action };

export type Outcome<T> = { kind: 'ran'; result: T } | Stop;

/** How to run an approved action upstream, and whether its result is a failure to report. */
export interface Execution<T> {
  run(params: Params): Promise<T>;
  /** The error to report when the result itself says the run failed (a tool result's isError). */
  failure(result: T): string | undefined;
}

export const isStop = (value: Action | Stop): value is Stop => 'kind' in value;

export class ApprovalFlow {
  constructor(
    private readonly countersign: Countersign,
    private readonly config: Pick<GateConfig, 'pendingBoundMs' | 'progressIntervalMs' | 'recordFirst'>,
    private readonly log: (line: string) => void,
    /**
     * Execution reports still on their way, by action id (sent after the result, so they add no
     * latency). A resume of an action whose report is on its way waits for it, so it finds the
     * action run rather than run it again. Shared by every gate over the same upstreams (shared.ts).
     */
    private readonly reports = new Map<string, Promise<void>>(),
  ) {}

  /** Proposes as the agent; an allowed action's answer carries its grant, so it runs on this one request. */
  async propose(proposal: ProposeInput, idempotencyKey: string, signal: AbortSignal): Promise<Action | Stop> {
    try {
      return await this.countersign.propose(proposal, { idempotencyKey, includeGrant: true, signal });
    } catch (error) {
      return failed(error);
    }
  }

  /** An action by id (lowercase), once any report of it still in flight has landed. */
  async find(id: string, signal: AbortSignal): Promise<Action | Stop> {
    try {
      await this.reports.get(id);
      return await this.countersign.get(id, { signal });
    } catch (error) {
      return failed(error);
    }
  }

  async settle<T>(proposed: Action, execution: Execution<T>, extra: Extra): Promise<Outcome<T>> {
    let action = proposed;
    if (!isDecided(action.status)) {
      const progress = progressReporter(extra, this.config.progressIntervalMs);
      progress.update(action);
      try {
        action = await this.countersign.waitForDecision(action.id, {
          timeout: this.config.pendingBoundMs, seen: action, onUpdate: progress.update, signal: extra.signal,
        });
      } catch (error) {
        if (error instanceof WaitTimedOut) return { kind: 'pending', action: error.action };
        if (error instanceof ActionDenied || error instanceof ActionExpired || error instanceof ActionCancelled) return { kind: 'refused', action: error.action };
        return { kind: 'unavailable', error };
      } finally {
        progress.stop();
      }
    }
    return action.status === 'approved' ? this.execute(action, execution) : { kind: 'refused', action };
  }

  /** Waits for the execution reports still in flight. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.reports.values()]);
  }

  /**
   * Runs the approved params, once. An action approved at once (its grant came with the
   * proposal's answer) runs on that answer, and the report after it records the start and the
   * outcome together: the gate proposed it a moment ago under a key of its own, so nothing else
   * holds its grant. One that waited (or is resumed) is redeemed first, so however often
   * `countersign_wait` is called, or by however many gates, it runs once (ADR 0006). An upstream
   * that throws is reported failed and the error passes on to the caller.
   */
  private async execute<T>(action: Action, execution: Execution<T>): Promise<Outcome<T>> {
    const params = action.params ?? {};
    let grant = action.grant?.grant;
    try {
      if (!grant || this.config.recordFirst) {
        grant ??= (await this.countersign.getGrant(action.id)).grant;
        await this.countersign.redeem(action.id, { grant, params });
      }
    } catch (error) {
      if (error instanceof RequestRejected && error.code === 'already-redeemed') return { kind: 'already-run', action };
      return failed(error);
    }
    const startedAt = new Date();
    try {
      const result = await execution.run(params);
      const failure = execution.failure(result);
      this.report(action.id, { grant, params, startedAt, outcome: failure === undefined ? 'succeeded' : 'failed', ...(failure === undefined ? {} : { error: failure }) });
      return { kind: 'ran', result };
    } catch (error) {
      this.report(action.id, { grant, params, startedAt, outcome: 'failed', error: message(error) });
      throw error;
    }
  }

  private report(id: string, report: Parameters<Countersign['reportExecution']>[1] & { startedAt: Date }): void {
    const sent = this.countersign
      .reportExecution(id, { ...report, finishedAt: new Date() })
      .then(
        () => undefined,
        (error: unknown) => this.log(`countersign mcp-gate: could not report the execution of action ${id}: ${message(error)}`),
      )
      .finally(() => this.reports.delete(id));
    this.reports.set(id, sent);
  }
}

function failed(error: unknown): Stop {
  return error instanceof RequestRejected ? { kind: 'rejected', error } : { kind: 'unavailable', error };
}
