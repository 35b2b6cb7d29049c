/**
 * A software WebAuthn authenticator for the tests (docs/step-up.md): a node:crypto ES256 key pair
 * per credential that produces real registration responses (attestation "none", a COSE public key
 * in CBOR) and real assertions (ECDSA over authenticatorData ‖ SHA-256(clientDataJSON)), so the
 * gateway's @simplewebauthn verification runs for real. It always verifies the user (UV).
 */
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';

const b64u = (bytes: Uint8Array | string) => Buffer.from(bytes).toString('base64url');
const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest();

/** Just enough CBOR for a COSE key and an attestation object: maps, ints, text and byte strings. */
function cbor(value: unknown): Buffer {
  const head = (major: number, n: number): Buffer => {
    if (n < 24) return Buffer.from([(major << 5) | n]);
    if (n < 256) return Buffer.from([(major << 5) | 24, n]);
    const b = Buffer.alloc(3);
    b[0] = (major << 5) | 25;
    b.writeUInt16BE(n, 1);
    return b;
  };
  if (typeof value === 'number') return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (typeof value === 'string') return Buffer.concat([head(3, Buffer.byteLength(value)), Buffer.from(value)]);
  if (value instanceof Uint8Array) return Buffer.concat([head(2, value.length), Buffer.from(value)]);
  if (value instanceof Map) return Buffer.concat([head(5, value.size), ...[...value].flatMap(([k, v]) => [cbor(k), cbor(v)])]);
  throw new Error(`cbor: cannot encode ${typeof value}`);
}

const UP = 0x01;
const UV = 0x04;
const AT = 0x40;

export interface Credential {
  id: Buffer;
  privateKey: KeyObject;
  publicKey: KeyObject;
  counter: number;
}

export class SoftwareAuthenticator {
  readonly credentials: Credential[] = [];

  constructor(private readonly origin: string, private readonly rpId = new URL(origin).hostname) {}

  /** The RegistrationResponseJSON for `options` (PublicKeyCredentialCreationOptionsJSON), with a new ES256 credential. */
  register(options: { challenge: string; rp: { id?: string } }) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const credential: Credential = { id: randomBytes(32), privateKey, publicKey, counter: 0 };
    this.credentials.push(credential);
    const jwk = publicKey.export({ format: 'jwk' });
    const cose = cbor(new Map<number, unknown>([[1, 2], [3, -7], [-1, 1], [-2, Buffer.from(jwk.x!, 'base64url')], [-3, Buffer.from(jwk.y!, 'base64url')]]));
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(credential.id.length);
    const authData = Buffer.concat([this.rpIdHash(options.rp.id), Buffer.from([UP | UV | AT]), Buffer.alloc(4), Buffer.alloc(16), idLength, credential.id, cose]);
    const clientDataJSON = JSON.stringify({ type: 'webauthn.create', challenge: options.challenge, origin: this.origin, crossOrigin: false });
    const attestationObject = cbor(new Map<string, unknown>([['fmt', 'none'], ['attStmt', new Map()], ['authData', authData]]));
    return {
      id: b64u(credential.id), rawId: b64u(credential.id), type: 'public-key',
      response: { clientDataJSON: b64u(clientDataJSON), attestationObject: b64u(attestationObject), transports: ['internal'] },
      clientExtensionResults: {}, authenticatorAttachment: 'platform',
    };
  }

  /** The AuthenticationResponseJSON for `options` (PublicKeyCredentialRequestOptionsJSON), signed by `credential` (default: the first). */
  assert(options: { challenge: string; rpId?: string }, credential: Credential = this.credentials[0], overrides: { challenge?: string } = {}) {
    credential.counter += 1;
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(credential.counter);
    const authenticatorData = Buffer.concat([this.rpIdHash(options.rpId), Buffer.from([UP | UV]), counter]);
    const clientDataJSON = JSON.stringify({ type: 'webauthn.get', challenge: overrides.challenge ?? options.challenge, origin: this.origin, crossOrigin: false });
    const signature = sign('sha256', Buffer.concat([authenticatorData, sha256(clientDataJSON)]), { key: credential.privateKey, dsaEncoding: 'der' });
    return {
      id: b64u(credential.id), rawId: b64u(credential.id), type: 'public-key',
      response: { clientDataJSON: b64u(clientDataJSON), authenticatorData: b64u(authenticatorData), signature: b64u(signature) },
      clientExtensionResults: {}, authenticatorAttachment: 'platform',
    };
  }

  private rpIdHash(rpId = this.rpId): Buffer {
    return sha256(rpId);
  }
}
