/**
 * What one checkpoint costs the signer: the Merkle root over every stream's head plus the
 * signature, against a plain SHA-256 pass over the same heads' bytes (the floor of reading them
 * once), measured in the same run.
 */
import { createHash, generateKeyPairSync } from 'node:crypto';
import { checkpointHash, GENESIS_HASH, headsRoot, signCheckpoint, type StreamHead } from '@countersign/contracts';

export interface CheckpointCost {
  streams: number;
  sha256Ms: number;
  rootMs: number;
  signMs: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export function headsOf(streams: number): StreamHead[] {
  return Array.from({ length: streams }, (_, i) => ({
    streamId: `act-${String(i).padStart(7, '0')}`,
    seq: 3,
    hash: createHash('sha256').update(String(i)).digest('hex'),
  }));
}

export async function checkpointCost(streams: number, rounds = 5): Promise<CheckpointCost> {
  const heads = headsOf(streams);
  const { privateKey } = generateKeyPairSync('ed25519');
  const sha: number[] = [];
  const root: number[] = [];
  const sign: number[] = [];
  for (let r = 0; r < rounds; r += 1) {
    let t = performance.now();
    const h = createHash('sha256');
    // The leaves' bytes (each head's canonical JSON), written out once: what the root must at least read.
    for (const head of heads) h.update(`{"hash":"${head.hash}","seq":${head.seq},"streamId":${JSON.stringify(head.streamId)}}`);
    h.digest();
    sha.push(performance.now() - t);

    t = performance.now();
    const value = headsRoot(heads);
    root.push(performance.now() - t);

    t = performance.now();
    const payload = { v: 1 as const, log: 'countersign', number: r + 1, at: new Date().toISOString(), streams, root: value, positions: { 'countersign.events/0': streams * 3 }, prev: GENESIS_HASH };
    await signCheckpoint(payload, { kid: 'bench', privateKey });
    checkpointHash(payload);
    sign.push(performance.now() - t);
  }
  return { streams, sha256Ms: median(sha), rootMs: median(root), signMs: median(sign) };
}
