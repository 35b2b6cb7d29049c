/**
 * Makes an Ed25519 key pair for a pipeline: the private key as a PKCS#8 PEM file (keep it secret,
 * e.g. in a Kubernetes Secret) and the principals-file entry holding the public key.
 *
 *   node --import tsx examples/kafka-producer/keygen.ts etl-pipeline etl-1 > entry.yaml
 */
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';

const [principal, keyId] = process.argv.slice(2);
if (!principal || !keyId) {
  process.stderr.write('usage: keygen.ts <principal> <key id>\n');
  process.exit(2);
}
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
writeFileSync(`${keyId}.pem`, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
const { x } = publicKey.export({ format: 'jwk' });
process.stderr.write(`wrote the private key to ${keyId}.pem; add this to a principals file:\n`);
process.stdout.write(`    - id: ${principal}\n      kind: agent\n      signingKeys:\n        - id: ${keyId}\n          publicKey: ${x}\n`);
