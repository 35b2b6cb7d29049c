import { useEffect, useState } from 'react';
import { get } from '../api/http.ts';
import { ApiError, problemText } from '../api/problem.ts';
import type { EventsAnswer, ProofAnswer } from '../api/types.ts';

type Proof = { state: 'loading' } | { state: 'covered'; proof: ProofAnswer } | { state: 'not-yet'; detail: string } | { state: 'error'; detail: string };

/**
 * What the server can prove about this action: the hash chain of its events (checked when they
 * were read) and its inclusion proof under the latest signed checkpoint (GET …/proof, verified by
 * the gateway; 409 proof-not-yet until a checkpoint covers it). Said as it is, never rounded up.
 */
export function ChainVerdict({ id, chain, lastSeq }: { id: string; chain?: EventsAnswer['chain']; lastSeq: number }) {
  const [proof, setProof] = useState<Proof>({ state: 'loading' });
  const proofUrl = `/v1/actions/${encodeURIComponent(id)}/proof`;
  useEffect(() => {
    get<ProofAnswer>(proofUrl).then(
      (p) => setProof({ state: 'covered', proof: p }),
      (e) => setProof(e instanceof ApiError && e.code === 'proof-not-yet'
        ? { state: 'not-yet', detail: problemText(e.problem) }
        : { state: 'error', detail: e instanceof ApiError ? problemText(e.problem) : String(e) }),
    );
  }, [proofUrl, lastSeq]);
  return (
    <section aria-labelledby="chain-title">
      <h2 id="chain-title">Chain verification</h2>
      <p data-testid="chain-verdict">
        {!chain ? 'Hash chain: not read yet.' : chain.valid
          ? <span className="ok">Hash chain intact: {chain.head.seq} events, head {chain.head.hash.slice(0, 16)}…</span>
          : <span className="alert">Hash chain broken at event {chain.seq}: {chain.problem}</span>}
      </p>
      <p data-testid="proof-verdict">
        {proof.state === 'loading' ? 'Inclusion proof: checking…' : null}
        {proof.state === 'covered' ? (
          <span className="ok">
            Verified under checkpoint {proof.proof.covered.checkpoint} (signed {proof.proof.covered.at}): events 1–{proof.proof.covered.seq}
            {proof.proof.covered.seq < lastSeq ? `; events after ${proof.proof.covered.seq} are not checkpointed yet` : ''}.
          </span>
        ) : null}
        {proof.state === 'not-yet' ? <span>Not yet checkpointed (409 proof-not-yet): {proof.detail}</span> : null}
        {proof.state === 'error' ? <span className="alert">Inclusion proof unavailable: {proof.detail}</span> : null}
      </p>
      {proof.state === 'covered' ? (
        <p className="hint">
          The gateway verified this proof before answering. To check it yourself, download <a href={proofUrl} download>the inclusion proof (JSON)</a> and
          verify it against <a href="/.well-known/jwks.json">the checkpoint keys</a> (docs/audit.md).
        </p>
      ) : null}
    </section>
  );
}
