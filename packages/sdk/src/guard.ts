import type { Countersign } from './client.js';
import { assertApproved, CountersignError, CountersignUnavailable, RequestRejected } from './errors.js';
import { guardKey, paramsHash } from './hashing.js';
import { isDecided, type Action } from './types.js';

export interface GuardSpec {
  action: string;
  resource: string;
  params?: Record<string, unknown>;
  justification?: string;
  context?: Record<string, unknown>;
  /**
   * Tells apart calls with the same action, resource and params that are meant to run separately
   * (e.g. a date or a job id). The same spec and key are the same call: after a restart it finds
   * the same action instead of proposing another, and it never runs twice.
   */
  key?: string;
}

export interface GuardContext {
  /** The compact JWS of the grant, already redeemed: hand it to an executor or keep it as a receipt. */
  grant: string;
  /** The grant's id (`jti`). */
  grantId: string;
  /** When the grant expires (ISO-8601). */
  expiresAt: string;
  /** The approved action. */
  action: Action;
}

export interface GuardOptions {
  /** Longest wait for the decision, in ms (WaitTimedOut after it; call again to keep waiting). */
  timeout?: number;
  /** Stops the proposal or the wait; never interrupts `fn` once it has started. */
  signal?: AbortSignal;
  onUpdate?: (action: Action) => void;
  /** Recorded as the execution's executor (default: the server's, the caller). */
  executor?: string;
  /**
   * Called when the outcome could not be reported after `fn` ran. `fn`'s result (or error) stands
   * either way. Default: a warning on the console.
   */
  onReportError?: (error: unknown, action: Action) => void;
}

/** The longest `error` text reported for a failed execution. */
const MAX_ERROR_CHARS = 2_000;

export async function guard<T>(client: Countersign, spec: GuardSpec, fn: (ctx: GuardContext) => Promise<T> | T, options: GuardOptions = {}): Promise<T> {
  if (typeof fn !== 'function') throw new TypeError('guard: fn must be a function');
  const params = spec.params ?? {};
  const idempotencyKey = await guardKey(spec);
  const hash = await paramsHash(params);
  const signal = options.signal ? { signal: options.signal } : {};

  let action = await proposeOrFind(client, { ...spec, params }, idempotencyKey, signal);
  checkSame(action, spec, hash);
  options.onUpdate?.(action);
  if (!isDecided(action.status)) {
    action = await client.waitForDecision(action.id, {
      ...signal,
      seen: action,
      ...(options.timeout !== undefined ? { timeout: options.timeout } : {}),
      ...(options.onUpdate ? { onUpdate: options.onUpdate } : {}),
    });
    checkSame(action, spec, hash);
  }
  assertApproved(action);

  // An action approved at once came with its grant; one that waited asks for it.
  const grant = action.grant ?? (await client.getGrant(action.id, signal));
  const executor = options.executor !== undefined ? { executor: options.executor } : {};
  const startedAt = new Date();
  // Redeemed before fn runs: a grant is single-use, so a second run (a restarted agent, a
  // concurrent copy) is refused here (409 already-redeemed) and never reaches fn.
  const redemption = await client.redeem(action.id, { grant: grant.grant, params, ...executor }, signal);
  if (redemption.execution?.status !== 'started') {
    // A 202: queued, not confirmed. A concurrent copy of this call may hold the redemption, and the
    // two could not be told apart, so this one does not run.
    throw new CountersignUnavailable(`the redemption of action ${action.id}'s grant was queued but not confirmed: not running`, {
      attempts: 1,
      mayHaveTakenEffect: true,
    });
  }

  const report = async (outcome: 'succeeded' | 'failed', error?: unknown) => {
    try {
      await client.reportExecution(action.id, {
        grant: grant.grant,
        params,
        outcome,
        ...executor,
        startedAt,
        finishedAt: new Date(),
        ...(outcome === 'failed' ? { error: describe(error) } : {}),
      });
    } catch (reportError) {
      // A retried report that landed the first time is refused as a duplicate: it is recorded.
      if (reportError instanceof RequestRejected && reportError.code === 'already-executed') return;
      if (options.onReportError) options.onReportError(reportError, action);
      else console.warn(`countersign: the outcome of action ${action.id} could not be reported: ${describe(reportError)}`);
    }
  };

  let result: T;
  try {
    result = await fn({ grant: grant.grant, grantId: grant.jti, expiresAt: grant.expiresAt, action });
  } catch (error) {
    await report('failed', error);
    throw error;
  }
  await report('succeeded');
  return result;
}

/**
 * Proposes with the call's key. The key was used before with another justification or context
 * (`409 idempotency-key-reused`, which names the action): that earlier action is this call, as
 * long as it has the same action, resource and params hash, which checkSame verifies.
 */
async function proposeOrFind(client: Countersign, spec: GuardSpec, idempotencyKey: string, signal: { signal?: AbortSignal }): Promise<Action> {
  const { key: _key, ...input } = spec;
  try {
    return await client.propose(input, { idempotencyKey, includeGrant: true, ...signal });
  } catch (error) {
    if (!(error instanceof RequestRejected && error.code === 'idempotency-key-reused')) throw error;
    // The problem names the action (`actionId`); servers before it did so in the detail only.
    const named = (error.problem as { actionId?: unknown }).actionId;
    const id = typeof named === 'string' ? named : /\bAction ([0-9a-f-]{36}) /i.exec(error.problem.detail ?? '')?.[1];
    if (!id) throw error;
    return client.get(id, signal);
  }
}

/** Anything but the call proposed (a confused proxy, a key reused by hand) is refused before fn runs. */
function checkSame(action: Action, spec: GuardSpec, hash: string): void {
  const differs = (field: string, actual: unknown, expected: unknown) => {
    if (actual !== undefined && actual !== expected) {
      throw new CountersignError(`Action ${action.id} has ${field} ${JSON.stringify(actual)}, not ${JSON.stringify(expected)}: refusing to run`);
    }
  };
  differs('action', action.action, spec.action);
  differs('resource', action.resource, spec.resource);
  differs('paramsHash', action.paramsHash, hash);
  differs('decision.paramsHash', action.decision?.paramsHash, hash);
  if (action.status === 'approved' && action.paramsHash === undefined) {
    throw new CountersignError(`Action ${action.id} is approved but its answer does not say which params: refusing to run`);
  }
}

function describe(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.length > MAX_ERROR_CHARS ? `${text.slice(0, MAX_ERROR_CHARS)}…` : text;
}
