/**
 * The bundle as a gzip'd tar stream: each spooled file in the order given, the manifest last.
 * Files are read from disk as the client takes the archive (backpressure through tar and gzip),
 * so memory is a few chunks whatever the bundle's size. Headers are deterministic: mode 0644,
 * owner 0, every mtime the bundle's creation time.
 */
import { createReadStream } from 'node:fs';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { pack as tarPack, type Pack } from 'tar-stream';
import { archiveName } from './bundle-layout.ts';
import type { SpooledFile } from './spool.ts';

export function bundleTar(files: readonly SpooledFile[], manifest: string, createdAt: Date): Readable {
  const pack = tarPack();
  const gzip = createGzip();
  pack.pipe(gzip);
  // A client that goes away closes gzip: stop reading files (a wait for 'drain' would never end).
  const stop = new AbortController();
  gzip.once('close', () => {
    stop.abort();
    pack.destroy();
  });
  const header = (path: string, size: number) => ({ name: archiveName(path), size, mode: 0o644, uid: 0, gid: 0, uname: '', gname: '', mtime: createdAt, type: 'file' as const });
  void (async () => {
    for (const f of files) await addFile(pack, header(f.path, f.bytes), f.file, stop.signal);
    const body = Buffer.from(manifest, 'utf8');
    await new Promise<void>((resolve, reject) => pack.entry(header('manifest.json', body.length), body, (error) => (error ? reject(error) : resolve())));
    pack.finalize();
  })().catch((error: unknown) => gzip.destroy(error as Error));
  return gzip;
}

async function addFile(pack: Pack, header: Parameters<Pack['entry']>[0], file: string, signal: AbortSignal): Promise<void> {
  let done!: (error?: Error | null) => void;
  const finished = new Promise<void>((resolve, reject) => {
    done = (error) => (error ? reject(error) : resolve());
  });
  const entry = pack.entry(header, done);
  for await (const chunk of createReadStream(file, { highWaterMark: 64 * 1024, signal })) {
    if (!entry.write(chunk as Buffer)) await once(entry, 'drain', { signal });
  }
  entry.end(undefined as never); // streamx: end() without data (the typings insist on an argument)
  await finished;
}
