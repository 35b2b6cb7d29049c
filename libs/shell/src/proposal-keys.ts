import { createPrivateKey, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ProposalSettings } from '@countersign/config';
import { ephemeralProposalKeys, gatewayKid, type ProposalKeys } from '@countersign/runtime';
import { importPKCS8, importSPKI, type CryptoKey } from 'jose';
import type { ServiceName } from './services.ts';

const SIGNING = 'COUNTERSIGN_GATEWAY_SIGNING_KEY';
const VERIFY = 'COUNTERSIGN_GATEWAY_VERIFY_KEY';

/**
 * The keys of signed proposals for the services of this process, read once at start (ADR 0002).
 * The gateway needs its private key, the evaluator the gateway's public keys. All five services in
 * one process with no key configured share a pair made now, so `npm start` needs no setup.
 * Throws one line naming the variable and the file at fault; never prints key material.
 */
export async function loadProposalKeys(settings: ProposalSettings, services: readonly ServiceName[]): Promise<ProposalKeys> {
  const freshness = { maxAgeMs: settings.maxAgeMs, maxFutureMs: settings.maxFutureMs };
  const { replayCapacity } = settings;
  const signs = services.includes('gateway');
  const verifies = services.includes('policy-evaluator');
  if (signs && verifies && !settings.gatewaySigningKeyPath && !settings.gatewayVerifyKeyPaths) return ephemeralProposalKeys({ freshness, replayCapacity });
  const signer = signs ? await readSigner(settings.gatewaySigningKeyPath) : undefined;
  const gatewayKeys = new Map<string, CryptoKey>();
  if (verifies) {
    for (const path of settings.gatewayVerifyKeyPaths ?? []) {
      const key = await importSPKI(readKeyFile(VERIFY, path), 'EdDSA', { extractable: true }).catch(() => {
        throw new Error(`${VERIFY}: ${path} is not an Ed25519 public key in SPKI PEM ("-----BEGIN PUBLIC KEY-----")`);
      });
      gatewayKeys.set(await gatewayKid(key), key);
    }
    if (signer && gatewayKeys.size === 0) gatewayKeys.set(signer.kid, signer.publicKey);
    if (gatewayKeys.size === 0) {
      throw new Error(`${VERIFY}: must be set for the policy evaluator (the gateway's public key, an SPKI PEM file), or every proposal the gateway signs is refused`);
    }
  }
  return { ...(signer ? { signer: { kid: signer.kid, privateKey: signer.privateKey } } : {}), gatewayKeys, freshness, replayCapacity };
}

async function readSigner(path: string | undefined): Promise<{ kid: string; privateKey: CryptoKey; publicKey: CryptoKey }> {
  if (!path) throw new Error(`${SIGNING}: must be set for the gateway (the path of its Ed25519 private key, a PKCS#8 PEM file; see docs/kafka-producers.md)`);
  const pem = readKeyFile(SIGNING, path);
  const notEd25519 = new Error(`${SIGNING}: ${path} is not an Ed25519 private key in PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----")`);
  let spki: string;
  try {
    const key = createPrivateKey(pem);
    if (key.asymmetricKeyType !== 'ed25519') throw notEd25519;
    spki = createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();
  } catch {
    throw notEd25519;
  }
  const privateKey = await importPKCS8(pem, 'EdDSA').catch(() => {
    throw notEd25519;
  });
  const publicKey = await importSPKI(spki, 'EdDSA', { extractable: true });
  return { kid: await gatewayKid(publicKey), privateKey, publicKey };
}

function readKeyFile(variable: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`${variable}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}
