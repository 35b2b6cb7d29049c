// YAML configuration documents (policies, principals) parsed with line numbers, so every error
// can say file:line: pointer message.
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';

/** A problem in one source file: the file, the line when known, the JSON pointer of the field. */
export interface SourceError {
  file: string;
  line?: number;
  pointer: string;
  message: string;
}

/** A parsed YAML file that still knows where each of its fields was written. */
export interface YamlSource {
  file: string;
  value: unknown;
  /** 1-based line of the field a JSON pointer names, or of its nearest ancestor present in the file. */
  lineOf(pointer: string): number | undefined;
}

export type YamlParse = { ok: true; source: YamlSource } | { ok: false; errors: SourceError[] };

/** Parses one YAML document; syntax errors (including duplicate keys) come back with their line. */
export function parseYamlSource(file: string, text: string): YamlParse {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const lineAt = (offset: number) => lines.linePos(offset).line;
  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: doc.errors.map((e) => ({ file, line: lineAt(e.pos[0]), pointer: '', message: `YAML syntax error: ${syntaxMessage(e.code, e.message)}` })),
    };
  }
  let value: unknown;
  try {
    value = doc.toJS();
  } catch (e) {
    // toJS refuses alias bombs and the like; the file is unusable either way.
    return { ok: false, errors: [{ file, line: 1, pointer: '', message: `YAML error: ${firstLine((e as Error).message)}` }] };
  }
  return { ok: true, source: { file, value, lineOf: (pointer) => locate(doc.contents, splitPointer(pointer), lineAt) } };
}

/** Reads the value a JSON pointer names in plain data, if it is there. */
export function valueAt(value: unknown, pointer: string): unknown {
  let current = value;
  for (const segment of splitPointer(pointer)) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

function locate(root: unknown, path: string[], lineAt: (offset: number) => number): number | undefined {
  let current = root;
  let line = startLine(root, lineAt) ?? 1;
  for (const segment of path) {
    let next: unknown;
    let at: unknown;
    if (isMap(current)) {
      const pair = current.items.find((p) => keyText(p.key) === segment);
      next = pair?.value;
      at = pair?.key;
    } else if (isSeq(current)) {
      next = at = current.items[Number(segment)];
    }
    if (at === undefined) return line;
    line = startLine(at, lineAt) ?? line;
    current = next;
  }
  return line;
}

function startLine(node: unknown, lineAt: (offset: number) => number): number | undefined {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  return range ? lineAt(range[0]) : undefined;
}

function keyText(key: unknown): string {
  return isScalar(key) ? String(key.value) : String(key);
}

function splitPointer(pointer: string): string[] {
  if (pointer === '' || pointer === '/') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function syntaxMessage(code: string, message: string): string {
  return code === 'MULTIPLE_DOCS' ? 'a file holds one document, but a second one starts here (---)' : firstLine(message);
}

function firstLine(message: string): string {
  return message.split('\n')[0].trim();
}
