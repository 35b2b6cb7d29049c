// `countersign audit export`: fetches the export and writes it to a temporary file beside the
// target, synced, then moves it into place: a reader never sees half a file, and a failed or cut
// download leaves nothing behind. Without --force an existing file is never replaced, not even by
// a race (a hard link fails where a file already is).
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { link, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream } from 'node:stream/web';
import { safe } from './action-view.ts';
import { CliError, EXIT } from './cli-errors.ts';
import { problemText } from './client-errors.ts';
import { CLI_USER_AGENT } from './client-options.ts';
import { resolveRemote } from './remote-config.ts';
import type { AuditExportOptions } from './audit-export-command.ts';
import { defaultOutName, exportRequest } from './audit-export-request.ts';

export async function runAuditExport(options: AuditExportOptions, env: NodeJS.ProcessEnv): Promise<void> {
  const request = exportRequest(options);
  const remote = resolveRemote(options, env);
  const toStdout = options.out === '-';
  if (options.out !== undefined && !toStdout && !options.force && existsSync(options.out)) {
    throw new CliError(`--out ${options.out}: the file exists; pass --force to replace it`);
  }
  const what = `audit export (${request.format})`;
  let res: Response;
  try {
    res = await fetch(`${remote.url}${request.path}`, { headers: { authorization: `Bearer ${remote.apiKey}`, accept: request.accept, 'user-agent': CLI_USER_AGENT } });
  } catch (error) {
    throw new CliError(`${what}: Countersign at ${remote.url} is unreachable: ${safe((error as Error).cause ?? (error as Error).message)}`, EXIT.unreachable);
  }
  if (!res.ok) {
    const problem = (await res.json().catch(() => ({}))) as { type?: string; title?: string; detail?: string };
    const code = typeof problem.type === 'string' ? (problem.type.split('/').at(-1) ?? '') : '';
    throw new CliError(`${what}: ${problemText(res.status, code, problem)}`, res.status >= 500 || res.status === 429 ? EXIT.unreachable : EXIT.error);
  }
  const type = res.headers.get('content-type') ?? '';
  if (!type.startsWith(request.accept) || !res.body) throw new CliError(`${what}: ${remote.url} answered ${safe(type || 'no content type')}, not ${request.accept}`);
  const body = Readable.fromWeb(res.body as ReadableStream<Uint8Array>);
  if (toStdout) {
    await pipeline(body, process.stdout);
    return;
  }
  const target = resolve(options.out ?? defaultOutName(request.format, new Date(), res.headers.get('content-disposition')));
  if (!options.force && existsSync(target)) throw new CliError(`${target}: the file exists; pass --out or --force`);
  const temp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.partial`);
  try {
    await pipeline(body, createWriteStream(temp, { flags: 'wx', flush: true }));
    await place(temp, target, options.force === true);
  } catch (error) {
    await rm(temp, { force: true });
    if (error instanceof CliError) throw error;
    throw new CliError(`${what}: writing ${target} failed: ${safe((error as Error).message)}`);
  }
  const { size } = await stat(target);
  process.stdout.write(`wrote ${target} (${size} bytes)\n`);
}

/** Moves the finished file into place: replacing only with `force`. */
async function place(temp: string, target: string, force: boolean): Promise<void> {
  if (force) return rename(temp, target);
  try {
    await link(temp, target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new CliError(`${target}: the file exists; pass --force to replace it`);
    // A file system without hard links: checked just before, renamed now.
    if (existsSync(target)) throw new CliError(`${target}: the file exists; pass --force to replace it`);
    return rename(temp, target);
  }
  await rm(temp, { force: true });
}
