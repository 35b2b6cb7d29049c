// Reading an evidence bundle (a gzip'd tar under one top directory) as a stream of checked
// entries: what could write outside a directory or grow without bound on extraction is refused
// before anything is read from it. Nothing is ever written to disk.
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { extract } from 'tar-stream';
import { UsageError } from './cli-errors.ts';

export const BUNDLE_TOP = 'countersign-evidence';
export const BUNDLE_LIMITS = { entries: 100_000, entryBytes: 64 * 1024 ** 3 } as const;

export interface BundleEntry {
  /** The path under the top directory, e.g. `events.ndjson`, `keys/jwks.json`. */
  path: string;
  size: number;
  body: AsyncIterable<Buffer>;
}

/**
 * The bundle's files in archive order; directories are checked and skipped. Every entry must be
 * drained (or left: it is drained here) before the next one comes. Throws a UsageError naming
 * the entry: a path outside the top directory, a link or device, a repeated name, too many or too
 * large entries, or an archive that is not gzip'd tar.
 */
export async function* bundleEntries(file: string): AsyncGenerator<BundleEntry> {
  const tar = extract();
  const piping = pipeline(createReadStream(file), createGunzip(), tar);
  piping.catch(() => undefined); // its error also ends the iteration below, which reports it
  const names = new Set<string>();
  try {
    for await (const entry of tar) {
      const path = checkedPath(entry.header.name);
      if (names.size >= BUNDLE_LIMITS.entries) throw new UsageError(`${file}: more than ${BUNDLE_LIMITS.entries} entries`);
      if (names.has(path)) throw new UsageError(`${file}: ${quoted(entry.header.name)} appears twice`);
      names.add(path);
      const type = entry.header.type ?? 'file';
      if (type === 'directory') {
        entry.resume();
        continue;
      }
      if (type !== 'file' && type !== 'contiguous-file') throw new UsageError(`${file}: ${quoted(entry.header.name)} is a ${type}, not a file: bundles hold files only`);
      const size = entry.header.size ?? 0;
      if (size > BUNDLE_LIMITS.entryBytes) throw new UsageError(`${file}: ${quoted(entry.header.name)} is ${size} bytes, over the bound of ${BUNDLE_LIMITS.entryBytes}`);
      if (path === '') throw new UsageError(`${file}: the top directory ${BUNDLE_TOP}/ is not a file`);
      yield { path, size, body: entry as AsyncIterable<Buffer> };
      entry.resume();
    }
    await piping;
  } catch (error) {
    tar.destroy();
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${file}: not a readable evidence bundle (gzip'd tar): ${(error as Error).message}`);
  }
}

/** The path under the top directory, or a refusal: absolute, `..`, `.`, empty segments and backslashes are never accepted. */
function checkedPath(name: string): string {
  const trimmed = name.endsWith('/') ? name.slice(0, -1) : name;
  const segments = trimmed.split('/');
  const bad = segments[0] !== BUNDLE_TOP || segments.some((s) => s === '' || s === '.' || s === '..' || s.includes('\\') || s.includes('\0'));
  if (bad) throw new UsageError(`the bundle's entry ${quoted(name)} is outside its top directory ${BUNDLE_TOP}/`);
  return segments.slice(1).join('/');
}

const quoted = (name: string) => JSON.stringify(name.slice(0, 300));

/** The lines of a stream, without their newlines; a line over `maxLine` bytes is refused. */
export async function* lines(body: AsyncIterable<Buffer>, where: string, maxLine = 64 * 1024 * 1024): AsyncGenerator<string> {
  let carry: Buffer[] = [];
  let carried = 0;
  for await (const chunk of body) {
    let start = 0;
    for (let nl = chunk.indexOf(0x0a); nl !== -1; nl = chunk.indexOf(0x0a, start)) {
      const part = chunk.subarray(start, nl);
      const line = carried > 0 ? Buffer.concat([...carry, part]) : part;
      carry = [];
      carried = 0;
      yield line.toString('utf8');
      start = nl + 1;
    }
    if (start < chunk.length) {
      carry.push(Buffer.from(chunk.subarray(start))); // copied: a stream may reuse its buffer
      carried += chunk.length - start;
      if (carried > maxLine) throw new UsageError(`${where}: a line longer than ${maxLine} bytes`);
    }
  }
  if (carried > 0) yield Buffer.concat(carry).toString('utf8');
}
