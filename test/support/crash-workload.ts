/**
 * The write-heavy workload of the crash-consistency test, and the checks run after each restart:
 * agents propose exports that need one approval, approvers approve or deny them, and every answer
 * that said `approved` or `denied` is remembered as acknowledged to a client.
 */
import assert from 'node:assert/strict';
import { waitFor } from '@countersign/testing';
import { client, KEYS } from './api-client.ts';

/** A small seeded PRNG (mulberry32), so a failing run can be repeated with its seed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Outcome = 'approved' | 'denied';

export interface Ledger {
  /** Every action a proposal answer named. */
  proposed: Set<string>;
  /** Decisions acknowledged to a client: the vote's HTTP answer said so. */
  acknowledged: Map<string, Outcome>;
}

export const newLedger = (): Ledger => ({ proposed: new Set(), acknowledged: new Map() });

/**
 * Runs `workers` loops of propose-then-vote against `url` until `stop()` says so or a request
 * fails (the process was killed); calls `onDecision` after each acknowledged decision.
 */
export async function runWorkload(url: string, ledger: Ledger, o: { workers: number; random: () => number; tag: string; stop: () => boolean; onDecision: () => void }): Promise<void> {
  const agent = client(url, KEYS.agent);
  let n = 0;
  const worker = async () => {
    while (!o.stop()) {
      const deny = o.random() < 0.5;
      try {
        const proposal = await agent.propose({ action: 'data.export', resource: `prod/crash-${o.tag}-${n++}`, params: { rows: 10 } });
        if (proposal.status !== 201 || proposal.body.status !== 'pending') continue;
        ledger.proposed.add(proposal.body.id);
        const vote = deny
          ? await client(url, KEYS.bob).post(`/v1/actions/${proposal.body.id}/deny`, { reason: 'crash test' })
          : await client(url, KEYS.alice).post(`/v1/actions/${proposal.body.id}/approve`, {});
        if (vote.status === 200 && (vote.body.status === 'approved' || vote.body.status === 'denied')) {
          ledger.acknowledged.set(proposal.body.id, vote.body.status);
          o.onDecision();
        }
      } catch {
        return; // the process is gone: whatever was in flight was never acknowledged
      }
    }
  };
  await Promise.all(Array.from({ length: o.workers }, worker));
}

/**
 * After a restart: every acknowledged decision is there with the same outcome, exactly once, in a
 * valid chain; and no action has a vote without its decision (quorum 1: a vote decides).
 */
export async function verifyDecisions(url: string, ledger: Ledger, when: string): Promise<void> {
  const agent = client(url, KEYS.agent);
  for (const id of ledger.proposed) {
    // A vote handled just after the restart may reach the read model a moment before its decision
    // (a delivery can end between them); a decision on disk shows up, one that is missing never does.
    const types = await waitFor(async () => {
      const events = await agent.get(`/v1/actions/${id}/events`);
      assert.equal(events.status, 200, `${when}: action ${id} is gone (${events.text})`);
      assert.equal(events.body.chain.valid, true, `${when}: the chain of ${id} is broken`);
      const found: string[] = events.body.events.map((e: { type: string }) => e.type);
      const decisions = found.filter((t) => t === 'ActionApproved' || t === 'ActionDenied').length;
      assert.ok(decisions <= 1, `${when}: ${id} was decided twice: ${found.join(', ')}`);
      return decisions === found.filter((t) => t === 'VoteRecorded').length ? found : undefined;
    }, { what: `${when}: the decision of every recorded vote on ${id}`, timeoutMs: 5000 });
    const expected = ledger.acknowledged.get(id);
    if (expected) {
      const action = await agent.get(`/v1/actions/${id}`);
      assert.equal(action.body.status, expected, `${when}: ${id} was acknowledged as ${expected}, now ${action.body.status} (${types.join(', ')})`);
      assert.equal(action.body.decision?.outcome, expected);
    }
  }
}
