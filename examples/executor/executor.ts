/**
 * An executor: the system that performs approved actions for others. It receives a job — the
 * action id, the grant and the params to run with — and trusts nothing in it until the grant
 * verifies offline for exactly this action, resource and params. Then it redeems the grant (single
 * use: a replayed job is refused here), runs the work, and reports the outcome on the action.
 */
import { verifyGrant, type Countersign, type GrantClaims, type JsonWebKeySet } from '@countersign/sdk';

/** What the requester hands over, e.g. on a queue. Only `grant` is trusted, once verified. */
export interface Job {
  actionId: string;
  grant: string;
  params: Record<string, unknown>;
}

export interface ExecutorOptions {
  /** The action this executor performs, and a check that it may act on the resource. */
  action: string;
  resourceAllowed: (resource: string) => boolean;
  /** The public keys: a saved key set, or the server's /.well-known/jwks.json (fetched once, cached). */
  keys: { jwks: JsonWebKeySet } | { jwksUrl: string };
  /** This executor's name, when grants are issued for an audience (the rule's grantAudience). */
  audience?: string;
  /** The work itself, run only after the redemption succeeded. */
  run: (params: Record<string, unknown>, claims: GrantClaims) => Promise<string>;
}

export type JobResult =
  | { status: 'succeeded'; actionId: string; output: string }
  | { status: 'failed'; actionId: string; error: string }
  | { status: 'refused'; actionId: string; reason: string };

export async function executeJob(cs: Countersign, job: Job, options: ExecutorOptions): Promise<JobResult> {
  // 1. Offline: signature, expiry, and that the grant covers exactly this job.
  let claims: GrantClaims;
  try {
    claims = await verifyGrant(job.grant, {
      ...options.keys,
      params: job.params,
      action: options.action,
      actionId: job.actionId,
      ...(options.audience !== undefined ? { audience: options.audience } : {}),
    });
  } catch (error) {
    return { status: 'refused', actionId: job.actionId, reason: (error as Error).message };
  }
  if (!options.resourceAllowed(claims.resource)) {
    return { status: 'refused', actionId: job.actionId, reason: `this executor does not act on ${claims.resource}` };
  }

  // 2. Online, once: the server records ExecutionStarted; a second redemption answers 409.
  const startedAt = new Date();
  try {
    const redeemed = await cs.redeem(claims.sub, { grant: job.grant, params: job.params });
    if (redeemed.execution?.status !== 'started') {
      return { status: 'refused', actionId: claims.sub, reason: 'the redemption was queued, not confirmed; not running' };
    }
  } catch (error) {
    return { status: 'refused', actionId: claims.sub, reason: (error as Error).message };
  }

  // 3. The work, then the outcome on the action (ActionExecuted).
  try {
    const output = await options.run(job.params, claims);
    await report(cs, claims.sub, job, startedAt, 'succeeded');
    return { status: 'succeeded', actionId: claims.sub, output };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await report(cs, claims.sub, job, startedAt, 'failed', message);
    return { status: 'failed', actionId: claims.sub, error: message };
  }
}

async function report(cs: Countersign, id: string, job: Job, startedAt: Date, outcome: 'succeeded' | 'failed', error?: string): Promise<void> {
  try {
    await cs.reportExecution(id, { grant: job.grant, params: job.params, outcome, startedAt, finishedAt: new Date(), ...(error ? { error } : {}) });
  } catch (reportError) {
    // The work ran; only its record is missing. Say so where operators look.
    console.error(`executor: could not report the outcome of ${id}: ${(reportError as Error).message}`);
  }
}
