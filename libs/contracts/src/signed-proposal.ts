import { KeyObject, sign, verify } from 'node:crypto';
import type { CryptoKey } from 'jose';
import type { CommandEnvelope } from './envelope.ts';
import type { ProposeActionData } from './commands.ts';
import { canonicalJson } from './hash-chain.ts';
import { RECORD_LIMITS } from './json-limits.ts';
import { parseStrictJson } from './strict-json.ts';
import { createAjv, toFieldErrors, validateCommand, type FieldError, type Validation } from './validation.ts';

/**
 * A record of the proposals topic: a flattened JWS (RFC 7515 §7.2.2) whose payload is a
 * ProposeAction command as RFC 8785 canonical JSON, signed with Ed25519 by the principal named in
 * the protected header's `kid` (`<principal>/<key id>`). See docs/adr/0002-signed-proposals.md.
 */
export interface SignedProposalRecord {
  protected: string;
  payload: string;
  signature: string;
}

export type ProposeActionCommand = CommandEnvelope<'ProposeAction', ProposeActionData>;

/** `typ` of every proposal JWS, so a JWS made for something else is never taken for a proposal. */
export const PROPOSAL_JWS_TYPE = 'countersign-proposal+jws';
/** The gateway's service principal: it signs the proposals of the callers it authenticated. */
export const GATEWAY_PRINCIPAL = 'countersign-gateway';

export interface ProposalHeader {
  alg: 'EdDSA';
  kid: string;
  typ: typeof PROPOSAL_JWS_TYPE;
}

/**
 * A proposals-topic record whose shape is valid, NOT yet verified: the transport hands it to the
 * evaluator, which checks the signature, the signer and freshness before using `command`. `type`,
 * `actionId` and `traceparent` are copied from the command so the transport can route and trace it.
 */
export interface SignedProposal {
  type: 'ProposeAction';
  actionId: string;
  traceparent?: string;
  signer: { principal: string; keyId: string };
  command: ProposeActionCommand;
  jws: SignedProposalRecord;
}

const NAME = '[a-z0-9][a-z0-9._-]{0,127}';
const base64url = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength, pattern: '^[A-Za-z0-9_-]+$' }) as const;

export const signedProposalSchema = {
  $id: 'https://countersign.dev/schemas/v1/signed-proposal.json',
  type: 'object',
  required: ['protected', 'payload', 'signature'],
  additionalProperties: false,
  properties: { protected: base64url(1024), payload: base64url(RECORD_LIMITS.maxStringLength), signature: base64url(512) },
} as const;

export const proposalHeaderSchema = {
  type: 'object',
  required: ['alg', 'kid', 'typ'],
  additionalProperties: false,
  properties: { alg: { const: 'EdDSA' }, kid: { type: 'string', pattern: `^${NAME}/${NAME}$` }, typ: { const: PROPOSAL_JWS_TYPE } },
} as const;

const ajv = createAjv();
const envelopeCheck = ajv.compile(signedProposalSchema);
const headerCheck = ajv.compile(proposalHeaderSchema);

/**
 * Checks a proposals-topic record as far as it can without keys: the JWS shape, the protected
 * header, and the payload (canonical JSON of a valid ProposeAction). Never throws: every refusal
 * is a field error naming the part at fault (`/payload/data/params ...`).
 */
export function parseSignedProposal(value: unknown): Validation<SignedProposal> {
  if (!envelopeCheck(value)) return refuse(toFieldErrors(envelopeCheck.errors));
  const jws = value as unknown as SignedProposalRecord;
  const header = decodeJson(jws.protected, '/protected');
  if (!header.ok) return header;
  if (!headerCheck(header.value)) return refuse(toFieldErrors(headerCheck.errors, '/protected'));
  // Ed25519 signatures are 64 bytes; another spelling of them would be a second valid record.
  const signature = Buffer.from(jws.signature, 'base64url');
  if (signature.length !== 64 || signature.toString('base64url') !== jws.signature) {
    return refuse([{ pointer: '/signature', message: 'is not an Ed25519 signature: 64 bytes as canonical unpadded base64url (86 characters)' }]);
  }
  const payload = decodeJson(jws.payload, '/payload');
  if (!payload.ok) return payload;
  if (payload.text !== canonicalJson(payload.value)) return refuse([{ pointer: '/payload', message: 'is not RFC 8785 canonical JSON: sign the canonical form' }]);
  const command = validateCommand(payload.value);
  if (!command.ok) return refuse(command.errors.map((e) => ({ pointer: `/payload${e.pointer === '/' ? '' : e.pointer}`, message: e.message })));
  if (command.value.type !== 'ProposeAction') return refuse([{ pointer: '/payload/type', message: `the proposals topic carries ProposeAction only, not ${command.value.type}` }]);
  const proposal = command.value as ProposeActionCommand;
  const [principal, keyId] = (header.value as ProposalHeader).kid.split('/');
  return {
    ok: true,
    value: {
      type: 'ProposeAction',
      actionId: proposal.actionId,
      ...(proposal.traceparent ? { traceparent: proposal.traceparent } : {}),
      signer: { principal, keyId },
      command: proposal,
      jws: { protected: jws.protected, payload: jws.payload, signature: jws.signature },
    },
  };
}

/** The node:crypto form of each key, made once (every proposal is signed, and verified, with one of few keys). */
const keyObjects = new WeakMap<CryptoKey, KeyObject>();

/** `key` as node:crypto uses it, refused unless it is an Ed25519 key of the given type. */
function ed25519(key: CryptoKey, type: 'private' | 'public'): KeyObject {
  let object = keyObjects.get(key);
  if (!object) keyObjects.set(key, (object = KeyObject.from(key)));
  // Checked at every use, not only when cached: one cache serves both kinds of key.
  if (object.type !== type || object.asymmetricKeyType !== 'ed25519') throw new TypeError(`not an Ed25519 ${type} key`);
  return object;
}

/**
 * Signs a proposal as a proposals-topic record. `key` is the signer's Ed25519 private key. The
 * JWS is made here as jose's FlattenedSign makes it (same bytes: Ed25519 is deterministic), but
 * signed with node:crypto in this thread: WebCrypto sends each signature to the libuv pool, where
 * it waited behind the log's file operations (a fifth of a millisecond per proposal for a 60 µs
 * signature). Any JWS library verifies it; the evaluator uses verifyProposalSignature.
 */
export async function signProposal(command: ProposeActionCommand, signer: { kid: string; privateKey: CryptoKey }): Promise<SignedProposalRecord> {
  const header: ProposalHeader = { alg: 'EdDSA', kid: signer.kid, typ: PROPOSAL_JWS_TYPE };
  const key = ed25519(signer.privateKey, 'private');
  const encoded = Buffer.from(JSON.stringify(header)).toString('base64url');
  const payload = Buffer.from(canonicalJson(command)).toString('base64url');
  const signature = sign(null, Buffer.from(`${encoded}.${payload}`), key).toString('base64url');
  return { protected: encoded, payload, signature };
}

/**
 * Whether a parsed proposal's signature verifies under `publicKey` (an Ed25519 public key; any
 * other key is false). With node:crypto in this thread, for the reason signProposal gives. The
 * rest of what a JWS library checks, parseSignedProposal has checked: the protected header is
 * exactly {alg: EdDSA, kid, typ}, the signature 64 canonical base64url bytes.
 */
export function verifyProposalSignature(jws: SignedProposal['jws'], publicKey: CryptoKey): boolean {
  try {
    return verify(null, Buffer.from(`${jws.protected}.${jws.payload}`), ed25519(publicKey, 'public'), Buffer.from(jws.signature, 'base64url'));
  } catch {
    return false;
  }
}

type Decoded = { ok: true; value: unknown; text: string } | { ok: false; errors: FieldError[] };

/** base64url (unpadded, canonical) → UTF-8 → strict, bounded JSON. */
function decodeJson(encoded: string, pointer: string): Decoded {
  const bytes = Buffer.from(encoded, 'base64url');
  // Node decodes leniently; a second spelling of the same bytes would be a second signing input.
  if (bytes.toString('base64url') !== encoded) return refuse([{ pointer, message: 'is not canonical unpadded base64url' }]);
  const parsed = parseStrictJson(bytes, RECORD_LIMITS);
  if (!parsed.ok) return refuse(parsed.errors.map((e) => ({ pointer: e.pointer === '/' ? pointer : `${pointer}${e.pointer}`, message: e.message })));
  return { ok: true, value: parsed.value, text: bytes.toString('utf8') };
}

const refuse = (errors: FieldError[]): { ok: false; errors: FieldError[] } => ({ ok: false, errors });
