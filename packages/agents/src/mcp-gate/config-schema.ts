// The gate configuration's shape: the normalised structure the gate runs on, and the JSON Schema
// the YAML is checked against first (config.ts adds, located, what a schema cannot say).

export interface ToolMapping {
  /** The action name proposed for this tool (default `mcp.<server>.<tool>`). */
  action?: string;
  /** The resource, with `{argument}` placeholders (default `mcp/<server>/<tool>`). */
  resource?: string;
}

/** How the gate reaches one upstream MCP server. */
export type UpstreamTransport =
  /** A stdio server the gate starts: an argv, run without a shell. */
  | { kind: 'command'; argv: string[] }
  /** A Streamable HTTP server. */
  | { kind: 'url'; url: string }
  /** The single-server form without `upstream.url`: the command after `--` on the command line. */
  | { kind: 'args' };

export interface UpstreamConfig {
  /** Names the upstream in action names (`mcp.<server>.<tool>`), resources and context.mcp.server. */
  server: string;
  /** Tools the operator considers read-only; told to policy as context, never decided here. */
  readOnly: string[];
  /** Keyed by the upstream's own tool name (not the prefixed one). */
  tools: Record<string, ToolMapping>;
  /** Put before every tool name the agent sees ('' for none); action names keep the upstream's name. */
  prefix: string;
  /** How long one forwarded tools/call may take upstream (ms). */
  callTimeoutMs: number;
  transport: UpstreamTransport;
}

export interface GateConfig {
  /** How long one tools/call waits for a decision before answering "pending" (ms). */
  pendingBoundMs: number;
  /** How often a waiting call sends a progress notification (ms). */
  progressIntervalMs: number;
  /** In the configuration's order, which is also the order of the tools the agent sees. */
  upstreams: UpstreamConfig[];
  /**
   * Redeem every call's grant before the upstream sees it. Off (default): a call policy allows at
   * once is forwarded on the proposal's answer, and its execution (start and outcome) recorded in
   * one request after the result; a call that waited for people is always redeemed first.
   */
  recordFirst: boolean;
}

export const DEFAULT_PENDING_BOUND_MS = 50_000;
export const DEFAULT_PROGRESS_INTERVAL_MS = 10_000;
/** Long-running tools (builds, migrations) outlast the MCP SDK's own 60 s default. */
export const DEFAULT_CALL_TIMEOUT_MS = 5 * 60_000;
export const CALL_TIMEOUT_BOUNDS_MS = [1_000, 60 * 60_000] as const;
export const SERVER_NAME_MAX = 64;

const DURATION = { type: 'string', pattern: '^(?:\\d+(?:ms|s|m|h))+$' } as const;
const URL = { type: 'string', pattern: '^https?://' } as const;
const READ_ONLY = { type: 'array', items: { type: 'string', minLength: 1 }, uniqueItems: true } as const;
const TOOLS = {
  type: 'object',
  additionalProperties: {
    type: 'object',
    additionalProperties: false,
    properties: { action: { type: 'string', minLength: 1 }, resource: { type: 'string', minLength: 1, maxLength: 1024 } },
  },
} as const;

/** Exposed tool names stay within what MCP clients accept: a prefix adds only these characters. */
export const PREFIX_PATTERN = '^[A-Za-z0-9_-]{1,32}$';

export const SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    server: { type: 'string', minLength: 1, maxLength: SERVER_NAME_MAX },
    pendingBound: DURATION,
    progressInterval: DURATION,
    callTimeout: DURATION,
    recordFirst: { type: 'boolean' },
    readOnly: READ_ONLY,
    tools: TOOLS,
    upstream: {
      type: 'object',
      additionalProperties: false,
      required: ['url'],
      properties: { url: URL, callTimeout: DURATION },
    },
    upstreams: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        properties: {
          command: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
          url: URL,
          readOnly: READ_ONLY,
          tools: TOOLS,
          prefix: { type: 'string', pattern: PREFIX_PATTERN },
          callTimeout: DURATION,
        },
      },
    },
  },
} as const;

export interface RawUpstream {
  command?: string[];
  url?: string;
  readOnly?: string[];
  tools?: Record<string, ToolMapping>;
  prefix?: string;
  callTimeout?: string;
}

/** The document once it passed SCHEMA. */
export interface RawGateConfig {
  server?: string;
  recordFirst?: boolean;
  pendingBound?: string;
  progressInterval?: string;
  callTimeout?: string;
  readOnly?: string[];
  tools?: Record<string, ToolMapping>;
  upstream?: { url: string; callTimeout?: string };
  upstreams?: Record<string, RawUpstream>;
}

export function durationMs(text: string): number {
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;
  let total = 0;
  for (const [, n, u] of text.matchAll(/(\d+)(ms|s|m|h)/g)) total += Number(n) * unit[u as keyof typeof unit];
  return total;
}
