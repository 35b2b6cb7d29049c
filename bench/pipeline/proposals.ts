import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOPICS, contentHash, signProposal, type CommandEnvelope, type ProposeActionData } from '@countersign/contracts';
import { gatewayKid, newCheckpointKeyFile, newGrantKeyFile } from '@countersign/runtime';
import { exportPKCS8, exportSPKI, generateKeyPair, type CryptoKey } from 'jose';
import { v7 as uuidv7 } from 'uuid';

export interface BenchSigner {
  kid: string;
  privateKey: CryptoKey;
  /** What the pipeline process is started with, so its evaluator accepts what the bench signs. */
  env: Record<string, string>;
}

/**
 * A gateway key pair for the run (PEM files in a temp dir): the bench writes proposals as a
 * gateway would, signed (ADR 0002), since an evaluator dead-letters unsigned records.
 */
export async function benchSigner(): Promise<BenchSigner> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const dir = await mkdtemp(join(tmpdir(), 'bench-keys-'));
  await writeFile(join(dir, 'gateway.pem'), await exportPKCS8(privateKey), { mode: 0o600 });
  await writeFile(join(dir, 'gateway.pub.pem'), await exportSPKI(publicKey));
  // The gateway on Kafka signs grants with a named key file.
  await writeFile(join(dir, 'grant-keys.json'), JSON.stringify(await newGrantKeyFile(new Date())), { mode: 0o600 });
  // The audit projector and the gateway on Kafka sign and publish checkpoints with a named key file.
  await writeFile(join(dir, 'checkpoint-keys.json'), JSON.stringify(await newCheckpointKeyFile(new Date())), { mode: 0o600 });
  return {
    kid: await gatewayKid(publicKey),
    privateKey,
    env: { COUNTERSIGN_GATEWAY_SIGNING_KEY: join(dir, 'gateway.pem'), COUNTERSIGN_GATEWAY_VERIFY_KEY: join(dir, 'gateway.pub.pem'), COUNTERSIGN_GRANT_KEYS: join(dir, 'grant-keys.json'),
      COUNTERSIGN_CHECKPOINT_KEYS: join(dir, 'checkpoint-keys.json') },
  };
}

/** An auto-allowed proposal, signed as a proposals-topic record. */
export async function signedProposal(size: number, signer: BenchSigner): Promise<{ actionId: string; value: string }> {
  const command = proposal(size);
  return { actionId: command.actionId, value: JSON.stringify(await signProposal(command, signer)) };
}

/** A ProposeAction command for an auto-allowed action, padded to about `size` bytes. */
export function proposal(size: number): CommandEnvelope<'ProposeAction', ProposeActionData> {
  const actionId = uuidv7();
  const params = { rows: 10, note: 'x'.repeat(Math.max(0, size - 700)) };
  const body = { action: 'data.read', resource: `prod/bench/${actionId}`, params };
  return {
    id: uuidv7(),
    type: 'ProposeAction',
    actionId,
    issuedAt: new Date().toISOString(),
    actor: { id: 'demo-agent', kind: 'agent' },
    correlationId: actionId,
    data: {
      ...body,
      paramsHash: contentHash(params),
      requestHash: contentHash(body),
      requester: { id: 'demo-agent', kind: 'agent', identities: ['apikey:demo-agent-1'] },
    },
  };
}

/**
 * Where a proposal enters the log: the proposals topic once the flow has one (the evaluator runs
 * ahead of the router there), else the commands topic, as before issue 10.
 */
export const PROPOSALS_TOPIC: string = (TOPICS as Record<string, string>).proposals ?? TOPICS.commands;

/** The body of a `POST /v1/actions` for the same auto-allowed action, about `size` bytes of JSON. */
export function httpProposal(size: number, n: number): string {
  const params = { rows: 10, note: 'x'.repeat(Math.max(0, size - 120)) };
  return JSON.stringify({ action: 'data.read', resource: `prod/bench/r${n}`, params });
}

/** Wall-clock milliseconds with sub-millisecond resolution: comparable with the services' ISO stamps. */
export const wallNow = (): number => performance.timeOrigin + performance.now();

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
