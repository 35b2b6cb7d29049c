/**
 * A bundle file written to a temporary file first: a tar header needs the size before the bytes,
 * and the manifest needs every file's SHA-256. Writes are gathered into 64 KiB chunks and wait for
 * the disk (backpressure), so memory stays one chunk per open file.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import type { BundleFile } from './bundle-layout.ts';

const CHUNK = 64 * 1024;

export interface SpooledFile extends BundleFile {
  /** Where the bytes are on disk. */
  file: string;
}

export class Spool {
  private readonly hash = createHash('sha256');
  private pending: string[] = [];
  private pendingBytes = 0;
  private bytes = 0;
  private constructor(private readonly out: WriteStream, readonly path: string, readonly file: string) {}

  /** A spool for bundle path `path` (relative), under the directory `dir`; `opened` collects it, to abort on a failure. */
  static async open(dir: string, path: string, opened?: Spool[]): Promise<Spool> {
    const file = join(dir, 'files', path);
    await mkdir(dirname(file), { recursive: true });
    const out = createWriteStream(file, { flags: 'wx' });
    await once(out, 'open');
    const spool = new Spool(out, path, file);
    opened?.push(spool);
    return spool;
  }

  async write(text: string): Promise<void> {
    this.pending.push(text);
    this.pendingBytes += text.length;
    if (this.pendingBytes >= CHUNK) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const chunk = Buffer.from(this.pending.join(''), 'utf8');
    this.pending = [];
    this.pendingBytes = 0;
    this.hash.update(chunk);
    this.bytes += chunk.length;
    if (!this.out.write(chunk)) await once(this.out, 'drain');
  }

  async close(): Promise<SpooledFile> {
    await this.flush();
    this.out.end();
    await once(this.out, 'finish');
    return { path: this.path, sha256: this.hash.digest('hex'), bytes: this.bytes, file: this.file };
  }

  /** Closes without a result (on a failure; the directory is removed after). */
  abort(): void {
    this.out.destroy();
  }
}

/** A whole small file (JSON, the README) at once. */
export async function spoolText(dir: string, path: string, text: string): Promise<SpooledFile> {
  const spool = await Spool.open(dir, path);
  try {
    await spool.write(text);
    return await spool.close();
  } catch (error) {
    spool.abort();
    throw error;
  }
}
