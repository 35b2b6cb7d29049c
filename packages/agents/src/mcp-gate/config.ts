// The gate's configuration file (YAML), validated with located errors: one line per problem,
// `file:line: field: message`, like the repository's other configuration documents.
import { readFile } from 'node:fs/promises';
import { Ajv } from 'ajv';
import { isMap, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { checkActionName, templateFields } from './naming.ts';

export interface ToolMapping {
  /** The action name proposed for this tool (default `mcp.<server>.<tool>`). */
  action?: string;
  /** The resource, with `{argument}` placeholders (default `mcp/<server>/<tool>`). */
  resource?: string;
}

export interface GateConfig {
  /** Names the upstream in action names and resources. */
  server: string;
  /** How long one tools/call waits for a decision before answering "pending" (ms). */
  pendingBoundMs: number;
  /** How often a waiting call sends a progress notification (ms). */
  progressIntervalMs: number;
  /** Tools the operator considers read-only; told to policy as context, never decided here. */
  readOnly: string[];
  tools: Record<string, ToolMapping>;
  /** A Streamable HTTP upstream; without it the gate wraps the command after `--`. */
  upstream?: { url: string };
}

export const DEFAULT_PENDING_BOUND_MS = 50_000;
export const DEFAULT_PROGRESS_INTERVAL_MS = 10_000;

const DURATION = '^(?:\\d+(?:ms|s|m))+$';

const SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['server'],
  properties: {
    server: { type: 'string', minLength: 1, maxLength: 64 },
    pendingBound: { type: 'string', pattern: DURATION },
    progressInterval: { type: 'string', pattern: DURATION },
    readOnly: { type: 'array', items: { type: 'string', minLength: 1 }, uniqueItems: true },
    tools: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        properties: { action: { type: 'string', minLength: 1 }, resource: { type: 'string', minLength: 1, maxLength: 1024 } },
      },
    },
    upstream: {
      type: 'object',
      additionalProperties: false,
      required: ['url'],
      properties: { url: { type: 'string', pattern: '^https?://' } },
    },
  },
} as const;

const validate = new Ajv({ allErrors: true }).compile(SCHEMA);

/** A configuration mistake: its message is one line, `file:line: field: what is wrong`. */
export class GateConfigError extends Error {}

export async function loadGateConfig(file: string): Promise<GateConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new GateConfigError(`${file}: cannot read the gate configuration: ${(error as Error).message}`);
  }
  return parseGateConfig(file, text);
}

export function parseGateConfig(file: string, text: string): GateConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const lineAt = (offset: number) => lines.linePos(offset).line;
  const first = doc.errors[0];
  if (first) throw new GateConfigError(`${file}:${lineAt(first.pos[0])}: YAML syntax error: ${first.message.split('\n')[0]}`);
  let value: unknown;
  try {
    value = doc.toJS();
  } catch (error) {
    // toJS refuses unresolved aliases and alias bombs; the file is unusable either way.
    throw new GateConfigError(`${file}:1: YAML error: ${(error as Error).message.split('\n')[0]}`);
  }
  const fail = (path: string[], message: string): never => {
    throw new GateConfigError(`${file}:${lineOf(doc.contents, path, lineAt)}: ${path.length ? path.join('.') : '(document)'}: ${message}`);
  };
  if (!validate(value)) {
    const error = validate.errors![0]!;
    const path = error.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    const extra = error.params as { additionalProperty?: string; allowedValues?: unknown };
    if (extra.additionalProperty) fail([...path, extra.additionalProperty], 'is not a known field');
    fail(path, error.keyword === 'pattern' && /pendingBound|progressInterval/.test(error.instancePath) ? 'must be a duration such as 50s, 500ms or 2m' : String(error.message));
  }
  const raw = value as { server: string; pendingBound?: string; progressInterval?: string; readOnly?: string[]; tools?: Record<string, ToolMapping>; upstream?: { url: string } };
  for (const [tool, mapping] of Object.entries(raw.tools ?? {})) {
    if (mapping.action !== undefined) {
      try {
        checkActionName(mapping.action);
      } catch (error) {
        fail(['tools', tool, 'action'], (error as Error).message);
      }
    }
    if (mapping.resource !== undefined && templateFields(mapping.resource).some((f) => f === '')) fail(['tools', tool, 'resource'], 'has an empty {} placeholder');
  }
  const pendingBoundMs = raw.pendingBound === undefined ? DEFAULT_PENDING_BOUND_MS : durationMs(raw.pendingBound);
  if (pendingBoundMs < 1 || pendingBoundMs > 600_000) fail(['pendingBound'], 'must be between 1ms and 10m (clients drop calls after 60–120 s)');
  const progressIntervalMs = raw.progressInterval === undefined ? DEFAULT_PROGRESS_INTERVAL_MS : durationMs(raw.progressInterval);
  if (progressIntervalMs < 100) fail(['progressInterval'], 'must be at least 100ms');
  return {
    server: raw.server,
    pendingBoundMs,
    progressIntervalMs,
    readOnly: raw.readOnly ?? [],
    tools: raw.tools ?? {},
    ...(raw.upstream ? { upstream: raw.upstream } : {}),
  };
}

export function durationMs(text: string): number {
  let total = 0;
  for (const [, n, unit] of text.matchAll(/(\d+)(ms|s|m)/g)) total += Number(n) * (unit === 'ms' ? 1 : unit === 's' ? 1_000 : 60_000);
  return total;
}

/** The line of the node a path names, or of its nearest ancestor in the file. */
function lineOf(root: unknown, path: string[], lineAt: (offset: number) => number): number {
  let node = root as Node | null | undefined;
  let line = node?.range ? lineAt(node.range[0]) : 1;
  for (const segment of path) {
    let next: unknown;
    if (isMap(node)) {
      const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === segment);
      const key = pair?.key as Node | undefined;
      if (key?.range) line = lineAt(key.range[0]);
      next = pair?.value;
    } else if (isSeq(node)) {
      next = node.items[Number(segment)];
      const at = (next as Node | undefined)?.range;
      if (at) line = lineAt(at[0]);
    }
    if (next === undefined || next === null) break;
    node = next as Node;
  }
  return line;
}
