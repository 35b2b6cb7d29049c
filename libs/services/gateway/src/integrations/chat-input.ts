import type { FieldError, JsonLimits } from '@countersign/contracts';
import type { InvalidParam } from '../problem.ts';

/**
 * What the chat endpoints accept, shared by Slack and Teams. Chat platforms send small payloads
 * (a click, a reason of at most a few thousand characters): these bounds are generous for them
 * and small for anyone else (docs/integrations.md, "Hostile input").
 */
export const CHAT_PAYLOAD_LIMITS: JsonLimits = { maxDepth: 32, maxKeys: 256, maxItems: 1000, maxStringLength: 16_384, maxNodes: 10_000 };

/** Action ids are UUIDs; this is looser, but leaves no room for separators, spaces or markup. */
export const ACTION_ID_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;
/** A proposal's paramsHash as buttons carry it: SHA-256, 64 lowercase hex digits. */
export const PARAMS_HASH_PATTERN = /^[0-9a-f]{64}$/;
/** Deny reasons: the Slack modal and the Teams input both stop at this length. */
export const MAX_REASON_LENGTH = 3000;

/**
 * A parse problem as our answer states it. Pointers name the caller's keys and parser messages
 * quote the caller's text, either of which may be the very ill-formed text refused: shown with
 * U+FFFD in its place, so the answer itself is well-formed.
 */
export const answerable = (e: FieldError, parameter?: string): InvalidParam => ({
  ...(parameter ? { parameter } : {}), pointer: e.pointer.toWellFormed(), detail: e.message.toWellFormed(),
});
