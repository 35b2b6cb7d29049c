// The gate's configuration file (YAML), validated with located errors: one line per problem,
// `file:line: field: message`, like the repository's other configuration documents. Two forms:
// one server (`server`, `readOnly`, `tools`, `upstream.url` or the command after `--`), or several
// under `upstreams`, each with its own command or URL (docs/agents.md "The MCP gate").
import { readFile } from 'node:fs/promises';
import { Ajv } from 'ajv';
import { isMap, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import {
  CALL_TIMEOUT_BOUNDS_MS, DEFAULT_CALL_TIMEOUT_MS, DEFAULT_PENDING_BOUND_MS, DEFAULT_PROGRESS_INTERVAL_MS, durationMs, SCHEMA, SERVER_NAME_MAX,
  type GateConfig, type RawGateConfig, type RawUpstream, type ToolMapping, type UpstreamConfig,
} from './config-schema.ts';
import { checkActionName, nameSegment, templateFields } from './naming.ts';

export * from './config-schema.ts';

const validate = new Ajv({ allErrors: true }).compile(SCHEMA);

/** A configuration mistake: its message is one line, `file:line: field: what is wrong`. */
export class GateConfigError extends Error {}

type Fail = (path: string[], message: string) => never;

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
  const fail: Fail = (path, message) => {
    throw new GateConfigError(`${file}:${lineOf(doc.contents, path, lineAt)}: ${path.length ? path.join('.') : '(document)'}: ${message}`);
  };
  if (!validate(value)) {
    const error = validate.errors![0]!;
    const path = error.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    const extra = error.params as { additionalProperty?: string };
    if (extra.additionalProperty) fail([...path, extra.additionalProperty], 'is not a known field');
    fail(path, error.keyword === 'pattern' ? patternMessage(path.at(-1), String(error.message)) : String(error.message));
  }
  const raw = value as RawGateConfig;
  const pendingBoundMs = raw.pendingBound === undefined ? DEFAULT_PENDING_BOUND_MS : durationMs(raw.pendingBound);
  if (pendingBoundMs < 1 || pendingBoundMs > 600_000) fail(['pendingBound'], 'must be between 1ms and 10m (clients drop calls after 60–120 s)');
  const progressIntervalMs = raw.progressInterval === undefined ? DEFAULT_PROGRESS_INTERVAL_MS : durationMs(raw.progressInterval);
  if (progressIntervalMs < 100) fail(['progressInterval'], 'must be at least 100ms');
  const callTimeoutMs = callTimeout(raw.callTimeout, DEFAULT_CALL_TIMEOUT_MS, ['callTimeout'], fail);
  const upstreams = raw.upstreams ? severalUpstreams(raw, raw.upstreams, callTimeoutMs, fail) : [singleUpstream(raw, callTimeoutMs, fail)];
  return { pendingBoundMs, progressIntervalMs, upstreams, recordFirst: raw.recordFirst ?? false };
}

function singleUpstream(raw: RawGateConfig, defaultTimeoutMs: number, fail: Fail): UpstreamConfig {
  if (raw.server === undefined) fail([], "must have required property 'server' (or upstreams)");
  checkTools(raw.tools, ['tools'], fail);
  return {
    server: raw.server!,
    readOnly: raw.readOnly ?? [],
    tools: raw.tools ?? {},
    prefix: '',
    callTimeoutMs: callTimeout(raw.upstream?.callTimeout, defaultTimeoutMs, ['upstream', 'callTimeout'], fail),
    transport: raw.upstream ? { kind: 'url', url: raw.upstream.url } : { kind: 'args' },
  };
}

function severalUpstreams(raw: RawGateConfig, entries: Record<string, RawUpstream>, defaultTimeoutMs: number, fail: Fail): UpstreamConfig[] {
  if (raw.server !== undefined) fail(['server'], 'cannot be used with upstreams: each upstream is named by its key under upstreams');
  for (const field of ['readOnly', 'tools', 'upstream'] as const) {
    if (raw[field] !== undefined) fail([field], `belongs under upstreams.<server> when upstreams is used`);
  }
  const names = Object.keys(entries);
  if (names.length === 0) fail(['upstreams'], 'must name at least one upstream server');
  const bySegment = new Map<string, string>();
  return names.map((server) => {
    const entry = entries[server]!;
    const at = (...rest: string[]) => ['upstreams', server, ...rest];
    if (server.length === 0 || server.length > SERVER_NAME_MAX) fail(at(), `an upstream name must be 1 to ${SERVER_NAME_MAX} characters`);
    // Two names that make the same action segment (Files, files) would share every action and rule.
    const segment = nameSegment(server);
    const other = bySegment.get(segment);
    if (other !== undefined) fail(at(), `names the same actions (mcp.${segment}.…) as upstreams.${other}; rename one`);
    bySegment.set(segment, server);
    if ((entry.command === undefined) === (entry.url === undefined)) {
      fail(at(), entry.command ? 'has both command and url; keep one' : 'needs command (an argv list) or url');
    }
    checkTools(entry.tools, at('tools'), fail);
    return {
      server,
      readOnly: entry.readOnly ?? [],
      tools: entry.tools ?? {},
      prefix: entry.prefix ?? '',
      callTimeoutMs: callTimeout(entry.callTimeout, defaultTimeoutMs, at('callTimeout'), fail),
      transport: entry.command ? { kind: 'command', argv: entry.command } : { kind: 'url', url: entry.url! },
    };
  });
}

function checkTools(tools: Record<string, ToolMapping> | undefined, path: string[], fail: Fail): void {
  for (const [tool, mapping] of Object.entries(tools ?? {})) {
    if (mapping.action !== undefined) {
      try {
        checkActionName(mapping.action);
      } catch (error) {
        fail([...path, tool, 'action'], (error as Error).message);
      }
    }
    if (mapping.resource !== undefined && templateFields(mapping.resource).some((f) => f === '')) fail([...path, tool, 'resource'], 'has an empty {} placeholder');
  }
}

function callTimeout(text: string | undefined, fallbackMs: number, path: string[], fail: Fail): number {
  if (text === undefined) return fallbackMs;
  const ms = durationMs(text);
  const [min, max] = CALL_TIMEOUT_BOUNDS_MS;
  if (ms < min || ms > max) fail(path, 'must be between 1s and 1h');
  return ms;
}

function patternMessage(field: string | undefined, fallback: string): string {
  if (field === 'pendingBound' || field === 'progressInterval' || field === 'callTimeout') return 'must be a duration such as 50s, 500ms or 2m';
  if (field === 'prefix') return 'must be 1 to 32 letters, digits, _ or - (it starts every tool name the agent sees)';
  return fallback;
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
