import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface KeyFileSource {
  /** The variable naming the file, for error messages. */
  variable: string;
  /** What the file is, for error messages ("a grant key file"). */
  what: string;
  path: string;
  /** True when the operator named the file: then it must exist; otherwise it is made on first start. */
  named: boolean;
  /** The new file's JSON value, for the first start. */
  create: () => Promise<unknown>;
}

/**
 * Reads a key file (grant or checkpoint keys) as JSON, making it on the embedded default's first
 * start when no file is named: readable by this user only, never overwritten. Throws one line
 * naming the variable and the file; never prints key material.
 */
export async function readOrCreateKeyFile(source: KeyFileSource): Promise<unknown> {
  const { variable, path } = source;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' || source.named) throw new Error(`${variable}: cannot read ${path} (${code ?? (error as Error).message})`);
    text = await createKeyFile(source);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${variable}: ${path} is not JSON (${source.what}: { "keys": [...] })`);
  }
}

async function createKeyFile(source: KeyFileSource): Promise<string> {
  const text = `${JSON.stringify(await source.create(), null, 2)}\n`;
  mkdirSync(dirname(source.path), { recursive: true });
  try {
    writeFileSync(source.path, text, { mode: 0o600, flag: 'wx' });
    return text;
  } catch (error) {
    // Another process made it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(source.path, 'utf8');
    throw new Error(`${source.variable}: cannot create ${source.path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}
