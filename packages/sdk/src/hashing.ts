import canonicalize from 'canonicalize';

/**
 * RFC 8785 (JCS) canonical JSON, as the server computes it. Throws TypeError for what JSON cannot
 * hold (undefined, a function, NaN, Infinity, a lone surrogate, a cycle).
 */
export function canonicalJson(value: unknown): string {
  let text: string | undefined;
  try {
    text = canonicalize(value);
  } catch (error) {
    throw new TypeError(`not representable as canonical JSON: ${(error as Error).message}`);
  }
  if (text === undefined) throw new TypeError('not representable as canonical JSON');
  return text;
}

/** SHA-256 hex of UTF-8 text, with Web Crypto (Node ≥ 20, browsers, Deno, Bun, workers). */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The hash an approval covers: SHA-256 hex of the canonical JSON of `params` (`{}` when absent),
 * equal to the action's `paramsHash` and the grant's `paramsHash` claim.
 */
export async function paramsHash(params: Record<string, unknown> | undefined): Promise<string> {
  return sha256Hex(canonicalJson(params ?? {}));
}

/**
 * The Idempotency-Key of a guarded call: the same action, resource, params and key always give the
 * same key, so a restarted agent finds its earlier action instead of proposing a second one.
 * Justification and context are not part of it.
 */
export async function guardKey(spec: { action: string; resource: string; params?: Record<string, unknown>; key?: string }): Promise<string> {
  const call = { action: spec.action, resource: spec.resource, params: spec.params ?? {}, ...(spec.key !== undefined ? { key: spec.key } : {}) };
  return `guard-${await sha256Hex(canonicalJson(call))}`;
}
