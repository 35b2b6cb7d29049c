/**
 * What the gateway lets one request or one principal cost, and how long it waits on the log and
 * the read models. Read once at start from the environment (COUNTERSIGN_* below, documented in
 * docs/operations.md and docs/api.md) and handed to the gateway module.
 */
export interface GatewayLimits {
  /** Largest request body in bytes (proposals, votes, cancels, reviews, rollbacks, Teams invokes). */
  bodyBytes: number;
  /** Largest body of `POST /v1/policies`, which carries whole policy files. */
  policyBodyBytes: number;
  /** Undecided (`proposed` or `pending`) actions one requester may have at once. */
  pendingPerRequester: number;
  /** Proposal body bytes one requester may send per window, per gateway instance (a token bucket). */
  proposalBytesPerWindow: number;
  proposalWindowSeconds: number;
  /** A list page stops before its items pass this many bytes of JSON (always at least one item). */
  pageBytes: number;
  /** How long an append to the event log may take before the request is answered 503. */
  logTimeoutMs: number;
  /** How long one read-model query may take before the request is answered 503. */
  readTimeoutMs: number;
  /**
   * Read-model queries one gateway instance has outstanding at once; more wait for a slot (within
   * their deadline), so a slow read model is not buried under retries of abandoned queries.
   */
  readConcurrency: number;
  /** How long a proposal or a vote waits for the router's answer before it is answered 202. */
  answerWaitMs: number;
  /** Requests one gateway instance lets wait for the router's answer at once (memory); more are answered 503. */
  maxWaiting: number;
  /** Server-Sent Event streams one gateway instance holds open at once (sockets, memory); more are answered 503. */
  maxStreams: number;
  /** How often an open event stream gets a comment line, so proxies and clients see it alive. */
  streamHeartbeatMs: number;
  /** Actions one evidence bundle (`GET /v1/audit/export`) may hold: its manifest lists them all, its proofs need their heads. */
  maxExportActions: number;
}

export const DEFAULT_GATEWAY_LIMITS: GatewayLimits = {
  bodyBytes: 64 * 1024,
  policyBodyBytes: 1024 * 1024,
  pendingPerRequester: 1000,
  proposalBytesPerWindow: 8 * 1024 * 1024,
  proposalWindowSeconds: 60,
  pageBytes: 1024 * 1024,
  logTimeoutMs: 5000,
  readTimeoutMs: 5000,
  readConcurrency: 16,
  answerWaitMs: 10_000,
  maxWaiting: 10_000,
  maxStreams: 1000,
  streamHeartbeatMs: 15_000,
  maxExportActions: 100_000,
};

type Read = <T>(name: string, fallback: T, parse: (raw: string) => T | undefined, expected: string) => T;

const MIB = 1024 * 1024;

/** An integer in [min, max], written as plain digits. */
export function parseIntIn(raw: string, min: number, max: number): number | undefined {
  if (!/^[0-9]{1,10}$/.test(raw)) return undefined;
  const n = Number(raw);
  return n >= min && n <= max ? n : undefined;
}

/** Reads the gateway's limits with `read` (which records bad values); checks how they relate. */
export function readGatewayLimits(read: Read, problems: string[]): GatewayLimits {
  const d = DEFAULT_GATEWAY_LIMITS;
  const int = (name: string, fallback: number, min: number, max: number) =>
    read(name, fallback, (raw) => parseIntIn(raw, min, max), `an integer from ${min} to ${max}`);
  const limits: GatewayLimits = {
    bodyBytes: int('COUNTERSIGN_MAX_BODY_BYTES', d.bodyBytes, 1024, 16 * MIB),
    policyBodyBytes: int('COUNTERSIGN_MAX_POLICY_BODY_BYTES', d.policyBodyBytes, 1024, 64 * MIB),
    pendingPerRequester: int('COUNTERSIGN_MAX_PENDING_PER_REQUESTER', d.pendingPerRequester, 1, 1_000_000),
    proposalBytesPerWindow: int('COUNTERSIGN_PROPOSAL_BYTES_PER_WINDOW', d.proposalBytesPerWindow, 1024, 1024 * MIB),
    proposalWindowSeconds: int('COUNTERSIGN_PROPOSAL_WINDOW_SECONDS', d.proposalWindowSeconds, 1, 86_400),
    pageBytes: int('COUNTERSIGN_MAX_PAGE_BYTES', d.pageBytes, 1024, 64 * MIB),
    logTimeoutMs: int('COUNTERSIGN_LOG_TIMEOUT_MS', d.logTimeoutMs, 100, 60_000),
    readTimeoutMs: int('COUNTERSIGN_READ_TIMEOUT_MS', d.readTimeoutMs, 100, 60_000),
    readConcurrency: int('COUNTERSIGN_READ_CONCURRENCY', d.readConcurrency, 1, 1000),
    answerWaitMs: int('COUNTERSIGN_ANSWER_WAIT_MS', d.answerWaitMs, 0, 60_000),
    maxWaiting: int('COUNTERSIGN_MAX_WAITING', d.maxWaiting, 1, 1_000_000),
    maxStreams: int('COUNTERSIGN_MAX_STREAMS', d.maxStreams, 1, 1_000_000),
    streamHeartbeatMs: int('COUNTERSIGN_STREAM_HEARTBEAT_MS', d.streamHeartbeatMs, 100, 300_000),
    maxExportActions: int('COUNTERSIGN_MAX_EXPORT_ACTIONS', d.maxExportActions, 1, 10_000_000),
  };
  // A body the bucket could never hold would be refused forever, whatever the caller waited.
  const largest = Math.max(limits.bodyBytes, limits.policyBodyBytes);
  if (limits.proposalBytesPerWindow < largest) {
    problems.push(`COUNTERSIGN_PROPOSAL_BYTES_PER_WINDOW: must be at least the largest body allowed (${largest} bytes), or no such proposal could ever pass (got ${limits.proposalBytesPerWindow})`);
  }
  return limits;
}
