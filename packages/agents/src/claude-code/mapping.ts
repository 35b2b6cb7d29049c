// A Claude Code tool call as a Countersign action: `claude.<tool>` on a resource taken from the
// tool input (the file for Edit/Write/Read, `bash/<command>` for Bash, else `claude/<tool>`),
// with the tool input as params. A small YAML or JSON file may map tools otherwise.
import { posix } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

export interface ToolMapping {
  action?: string;
  /** A template: `{tool}`, `{command}` (Bash's first word) and `{input.<field>}` are filled in. */
  resource?: string;
}

export interface HookMapping {
  /** The first segment of action names (default `claude`). */
  prefix?: string;
  /** By Claude Code tool name, exactly as the hook input names it (`Bash`, `mcp__github__merge`). */
  tools?: Record<string, ToolMapping>;
}

export interface MappedCall {
  action: string;
  resource: string;
  params: Record<string, unknown>;
}

const ACTION = /^[a-z0-9][a-z0-9_.-]*$/;

/** Lowercased; any character outside `[a-z0-9_.-]` becomes `_`; at most 128 characters. */
export function actionPart(text: string): string {
  const s = text.toLowerCase().replace(/[^a-z0-9_.-]/g, '_');
  return (/^[a-z0-9]/.test(s) ? s : `x${s}`).slice(0, 128);
}

const FILE_TOOLS: Record<string, string> = { Edit: 'file_path', MultiEdit: 'file_path', Write: 'file_path', Read: 'file_path', NotebookEdit: 'notebook_path' };

const DEFAULT_RESOURCE = (tool: string): string =>
  tool === 'Bash' ? 'bash/{command}' : FILE_TOOLS[tool] ? `{input.${FILE_TOOLS[tool]}}` : 'claude/{tool}';

export function mapToolCall(toolName: string, toolInput: Record<string, unknown>, mapping: HookMapping = {}): MappedCall {
  const own = mapping.tools?.[toolName] ?? {};
  const action = own.action ?? `${actionPart(mapping.prefix ?? 'claude')}.${actionPart(toolName)}`.slice(0, 128);
  const template = own.resource ?? DEFAULT_RESOURCE(toolName);
  const filled = template.replace(/\{([a-z_.0-9]+)\}/gi, (_, name: string) => placeholder(name, toolName, toolInput));
  return { action, resource: canonicalResource(filled, toolName), params: toolInput };
}

function placeholder(name: string, tool: string, input: Record<string, unknown>): string {
  if (name === 'tool') return actionPart(tool);
  if (name === 'command') return commandName(input.command);
  if (name.startsWith('input.')) {
    const v = input[name.slice('input.'.length)];
    return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : 'unknown';
  }
  return 'unknown';
}

/** The program a shell command starts with: its first word past `VAR=value` prefixes, as a base name. */
export function commandName(command: unknown): string {
  if (typeof command !== 'string') return 'unknown';
  const word = command.trim().split(/\s+/).find((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w));
  const base = word ? posix.basename(word.replace(/^["']|["']$/g, '')) : '';
  const safe = base.replace(/[^A-Za-z0-9_.+-]/g, '_');
  return safe === '' || safe === '.' || safe === '..' ? 'unknown' : safe;
}

/**
 * The API refuses a resource that is not in its one canonical spelling; a file path is made one
 * (no leading `/`, no empty, `.` or `..` segments, no control characters) rather than refused.
 */
export function canonicalResource(text: string, tool: string): string {
  const segments: string[] = [];
  for (const raw of text.normalize('NFC').replace(/\\/g, '/').split('/')) {
    const seg = raw.replace(/[\p{Cc}\p{Cf}%]/gu, '_');
    if (seg === '' || seg === '.') continue;
    if (seg === '..') segments.pop();
    else segments.push(seg);
  }
  const joined = segments.join('/').slice(0, 1024).replace(/\/+$/, '');
  return joined === '' ? `claude/${actionPart(tool)}` : joined;
}

const mappingSchema = z.strictObject({
  prefix: z.string().regex(ACTION).max(64).optional(),
  tools: z.record(z.string().min(1), z.strictObject({
    action: z.string().regex(ACTION, 'must match ^[a-z0-9][a-z0-9_.-]*$').max(128).optional(),
    resource: z.string().min(1).max(1024).optional(),
  })).optional(),
});

/** Parses a mapping file (YAML, of which JSON is a part); throws one line naming the file and the field. */
export function parseHookMapping(text: string, source: string): HookMapping {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new Error(`${source}: not YAML or JSON: ${(e as Error).message.split('\n')[0]}`);
  }
  const parsed = mappingSchema.safeParse(doc ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${source}: ${issue.path.join('.') || 'the document'}: ${issue.message}`);
  }
  return parsed.data as HookMapping;
}
