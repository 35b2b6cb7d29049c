/**
 * Signed checkpoints: a compact JWS (EdDSA) over the canonical JSON of a payload that commits to
 * the Merkle root of every stream's head and to the previous checkpoint, so checkpoints chain.
 */
import { CompactSign, compactVerify, type CryptoKey, type KeyObject } from 'jose';
import { canonicalJson, sha256Hex } from '../hash-chain.ts';
import { RECORD_LIMITS } from '../json-limits.ts';
import { parseStrictJson } from '../strict-json.ts';
import { createAjv, describeErrors, toFieldErrors } from '../validation.ts';
import { sha256Hex as sha256HexSchema } from '../schemas/primitives.ts';

export const CHECKPOINT_JWS_TYPE = 'countersign-checkpoint+jws';

export interface CheckpointPayload {
  v: 1;
  /** Which log this checkpoint is of, so one log's checkpoint is never taken for another's. */
  log: string;
  /** 1, 2, 3…: consecutive, so a dropped checkpoint shows. */
  number: number;
  /** ISO-8601 UTC, milliseconds: when it was signed; decides which key was valid. */
  at: string;
  /** Leaf count of the tree: how many streams it covers. */
  streams: number;
  root: string;
  /** The log positions covered (e.g. `"countersign.events/0": 1234`): opaque here, for readers to resume. */
  positions: Record<string, number>;
  /** checkpointHash of the previous checkpoint, GENESIS_HASH for number 1. */
  prev: string;
}

/** A checkpoint signing key as the verifier knows it: valid for checkpoints whose `at` is in [notBefore, notAfter). */
export interface CheckpointKey {
  publicKey: CryptoKey | KeyObject;
  notBefore: string;
  /** Set when the key is retired: it stays valid for what it signed before. */
  notAfter?: string;
}
export type CheckpointKeys = ReadonlyMap<string, CheckpointKey>;

export type CheckpointFailure = 'malformed-jws' | 'wrong-header' | 'unknown-key' | 'bad-signature' | 'not-a-checkpoint' | 'wrong-log' | 'key-outside-validity';
export type CheckpointRead =
  | { ok: true; payload: CheckpointPayload; kid: string; hash: string }
  | { ok: false; failure: CheckpointFailure; detail: string; kid?: string };

/** Bounds on what a reader parses before the signature is checked (a checkpoint is ~1 KiB). */
const MAX_JWS_LENGTH = 64 * 1024;
const MAX_POSITIONS = 1024;
const KID = '^[A-Za-z0-9._:-]{1,128}$';
/** UTC with milliseconds, the form Date#toISOString gives: one spelling per instant, so `at` compares as text too. */
const ISO_UTC = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z$';

export const checkpointPayloadSchema = {
  $id: 'https://countersign.dev/schemas/v1/checkpoint.json',
  type: 'object',
  required: ['v', 'log', 'number', 'at', 'streams', 'root', 'positions', 'prev'],
  additionalProperties: false,
  properties: {
    v: { const: 1 },
    log: { type: 'string', pattern: '^[A-Za-z0-9._:/-]{1,200}$' },
    number: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
    at: { type: 'string', pattern: ISO_UTC },
    streams: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
    root: sha256HexSchema,
    positions: {
      type: 'object',
      maxProperties: MAX_POSITIONS,
      propertyNames: { pattern: '^[A-Za-z0-9._:/-]{1,256}$' },
      additionalProperties: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
    },
    prev: sha256HexSchema,
  },
} as const;

export const checkpointHeaderSchema = {
  type: 'object',
  required: ['alg', 'kid', 'typ'],
  additionalProperties: false,
  properties: { alg: { const: 'EdDSA' }, kid: { type: 'string', pattern: KID }, typ: { const: CHECKPOINT_JWS_TYPE } },
} as const;

const ajv = createAjv();
const payloadCheck = ajv.compile(checkpointPayloadSchema);
const headerCheck = ajv.compile(checkpointHeaderSchema);

/** What the next checkpoint's `prev` must be. */
export function checkpointHash(payload: CheckpointPayload): string {
  return sha256Hex(canonicalJson(payload));
}

/** Signs a checkpoint as a compact JWS. Refuses a payload that readers would refuse. */
export async function signCheckpoint(payload: CheckpointPayload, signer: { kid: string; privateKey: CryptoKey | KeyObject }): Promise<string> {
  if (!payloadCheck(payload) || Number.isNaN(Date.parse(payload.at))) {
    throw new TypeError(`not a checkpoint payload: ${describeErrors(toFieldErrors(payloadCheck.errors))}`);
  }
  return new CompactSign(new TextEncoder().encode(canonicalJson(payload)))
    .setProtectedHeader({ alg: 'EdDSA', kid: signer.kid, typ: CHECKPOINT_JWS_TYPE })
    .sign(signer.privateKey);
}

/**
 * Verifies a checkpoint JWS against the known keys and returns its payload, or the first reason it
 * cannot be trusted. Never throws. Order matters: nothing from the payload is read before the
 * signature holds, and the validity window is judged on the signed `at`.
 */
export async function readCheckpoint(jws: string, keys: CheckpointKeys, options: { log?: string } = {}): Promise<CheckpointRead> {
  if (typeof jws !== 'string' || jws.length > MAX_JWS_LENGTH) return fail('malformed-jws', `not a string of at most ${MAX_JWS_LENGTH} characters`);
  const parts = jws.split('.');
  if (parts.length !== 3 || !parts.every((p) => /^[A-Za-z0-9_-]+$/.test(p))) return fail('malformed-jws', 'not three base64url parts');
  const header = decodeJson(parts[0]);
  if (header === undefined) return fail('malformed-jws', 'the protected header is not canonical base64url of strict JSON');
  if (!headerCheck(header)) return fail('wrong-header', `protected header ${describeErrors(toFieldErrors(headerCheck.errors))}`);
  const kid = (header as { kid: string }).kid;
  const key = keys.get(kid);
  if (!key) return fail('unknown-key', `no checkpoint key ${kid} is known`, kid);
  try {
    await compactVerify(jws, key.publicKey, { algorithms: ['EdDSA'] });
  } catch {
    return fail('bad-signature', `the signature does not verify under key ${kid}`, kid);
  }
  const bytes = Buffer.from(parts[1], 'base64url');
  const payload = decodeJson(parts[1]);
  if (payload === undefined || bytes.toString('utf8') !== canonicalJson(payload)) return fail('not-a-checkpoint', 'the payload is not canonical JSON', kid);
  if (!payloadCheck(payload)) return fail('not-a-checkpoint', describeErrors(toFieldErrors(payloadCheck.errors)), kid);
  const at = Date.parse(payload.at);
  if (Number.isNaN(at)) return fail('not-a-checkpoint', `at ${payload.at} is not a date`, kid);
  if (options.log !== undefined && payload.log !== options.log) return fail('wrong-log', `checkpoint of log ${payload.log}, not ${options.log}`, kid);
  const notAfter = key.notAfter === undefined ? Infinity : Date.parse(key.notAfter);
  if (!(at >= Date.parse(key.notBefore) && at < notAfter)) {
    return fail('key-outside-validity', `checkpoint at ${payload.at} is outside key ${kid}'s validity [${key.notBefore}, ${key.notAfter ?? '…'})`, kid);
  }
  return { ok: true, payload: payload as CheckpointPayload, kid, hash: checkpointHash(payload as CheckpointPayload) };
}

/** base64url (canonical, unpadded) → strict bounded JSON, or undefined. */
function decodeJson(encoded: string): unknown {
  const bytes = Buffer.from(encoded, 'base64url');
  // Node decodes leniently; a second spelling of the same bytes would be a second signing input.
  if (bytes.toString('base64url') !== encoded) return undefined;
  const parsed = parseStrictJson(bytes, RECORD_LIMITS);
  return parsed.ok ? parsed.value : undefined;
}

const fail = (failure: CheckpointFailure, detail: string, kid?: string): CheckpointRead => ({ ok: false, failure, detail, ...(kid ? { kid } : {}) });
