/**
 * The apps, the CLI and the test compositions (test/support/*.main.ts) as esbuild bundles, built
 * with tools/build.mjs's options: the end-to-end tests start what the image runs, and each process
 * skips compiling TypeScript at start (under tsx, starting the five apps cost about 40 s of CPU,
 * from bundles under 20).
 *
 * Built once per state of the sources into tmp/test-bundles/<hash>/ (the same layout as dist/:
 * apps/<app>/main.js), shared by every test file of a run and by later runs until a source
 * changes. Test files run in parallel processes, so the first to need the bundles takes a lock
 * (a directory made atomically) and builds; the others wait for the finished directory, which
 * appears by rename, never half-written. Everything here is synchronous: callers spawn processes
 * from synchronous code.
 *
 * Bundles sit under the repository so that what they look up by walking up from their own path
 * (config/demo, node_modules, package.json's "type") is found as from dist/.
 * COUNTERSIGN_E2E_APPS=tsx runs the sources under tsx instead (to compare, or to debug a bundling
 * problem).
 */
import { buildSync } from 'esbuild';
import { createHash } from 'node:crypto';
import { existsSync, globSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the build script's own options (no project of its own), so the tests bundle as the image does
import { APPS, BUNDLE_OPTIONS } from '../../tools/build.mjs';

const ROOT = resolve(import.meta.dirname, '../..');
const BUNDLES = join(ROOT, 'tmp/test-bundles');
/** Whether processes start from bundles (the default) or from the sources under tsx. */
export const FROM_BUNDLES = process.env.COUNTERSIGN_E2E_APPS !== 'tsx';

const CLI_ENTRY = 'apps/cli/src/main.ts';

/** Bundle name (as under dist/, without .js) → its entry point, relative to the repository: the apps and the test compositions. */
function appEntryPoints(): Record<string, string> {
  const entries: Record<string, string> = Object.fromEntries(APPS.map((app) => [`apps/${app}/main`, `apps/${app}/src/main.ts`]));
  for (const file of globSync('test/support/*.main.ts', { cwd: ROOT })) entries[file.replace(/\.ts$/, '')] = file;
  return entries;
}

/**
 * A hash of everything a bundle can contain or depend on: the sources (tests and the browser
 * console aside, test support included), tsconfig, the lock file and the build options.
 */
function sourceHash(entries: Record<string, string>): string {
  const files = globSync('{apps,libs,packages,examples}/**/*.{ts,tsx,mts,mjs,js,json}', {
    cwd: ROOT,
    exclude: (p) => p.includes('node_modules') || p.endsWith('.spec.ts') || p.startsWith('apps/console'),
  });
  // The test compositions may import other test support.
  files.push(...globSync('test/support/**/*.ts', { cwd: ROOT, exclude: (p) => p.endsWith('.spec.ts') }));
  files.push(...Object.values(entries), 'tsconfig.json', 'tsconfig.base.json', 'package.json', 'package-lock.json', 'tools/build.mjs');
  const hash = createHash('sha256');
  for (const file of [...new Set(files)].sort()) hash.update(`${file}\0`).update(readFileSync(join(ROOT, file))).update('\0');
  return hash.digest('hex').slice(0, 16);
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** Whether the process that wrote `lock/pid` is gone (a builder that crashed mid-build). */
function lockAbandoned(lock: string): boolean {
  try {
    process.kill(Number(readFileSync(join(lock, 'pid'), 'utf8')), 0);
    return false;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // No pid file yet (just made) counts as held, unless the lock is older than any build.
    if (code === 'ENOENT') return Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? 0) > 120_000;
    return code === 'ESRCH';
  }
}

function buildInto(dir: string, entries: Record<string, string>): void {
  const partial = `${dir}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  const options = { ...BUNDLE_OPTIONS, absWorkingDir: ROOT, tsconfig: join(ROOT, 'tsconfig.json') };
  buildSync({ ...options, entryPoints: entries, outdir: partial });
  // The CLI (not bundled for production: bin/countersign.mjs runs it under tsx) in chunks, so that
  // what it imports lazily stays lazy: a client command does not load the services' packages.
  buildSync({ ...options, entryPoints: { main: CLI_ENTRY }, outdir: join(partial, 'apps/cli'), splitting: true });
  renameSync(partial, dir);
}

/**
 * Removes the bundles of other source states unused for an hour: each test file marks the ones it
 * uses when it starts, and no test file runs that long.
 */
function pruneOld(keep: string): void {
  for (const name of readdirSync(BUNDLES)) {
    const path = join(BUNDLES, name);
    const stat = statSync(path, { throwIfNoEntry: false });
    if (path !== keep && stat && Date.now() - stat.mtimeMs > 3_600_000) rmSync(path, { recursive: true, force: true });
  }
}

/** Marks `dir` as in use (pruneOld keeps it), if it exists. */
function markUsed(dir: string): boolean {
  try {
    const now = new Date();
    utimesSync(dir, now, now);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

let built: { dir: string; entries: Record<string, string> } | undefined;

/** The directory holding the bundles of the sources as they are now, built if need be. */
function bundles(): { dir: string; entries: Record<string, string> } {
  if (built) return built;
  const apps = appEntryPoints();
  const entries = { ...apps, 'apps/cli/main': CLI_ENTRY };
  const dir = join(BUNDLES, sourceHash(entries));
  const lock = `${dir}.lock`;
  mkdirSync(BUNDLES, { recursive: true });
  for (const deadline = Date.now() + 300_000; !markUsed(dir); sleep(100)) {
    if (Date.now() > deadline) throw new Error(`app-bundles: ${dir} was not built within 5 minutes (lock ${lock})`);
    try {
      mkdirSync(lock);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (lockAbandoned(lock)) rmSync(lock, { recursive: true, force: true });
      continue;
    }
    try {
      writeFileSync(join(lock, 'pid'), String(process.pid));
      if (!existsSync(dir)) buildInto(dir, apps);
      pruneOld(dir);
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
  built = { dir, entries };
  return built;
}

/**
 * The environment a process started from the bundles adds: V8's compile cache for the modules it
 * loads (node_modules' above all), kept beside the bundles, which takes about a sixth off a start's
 * CPU from the second start on. Node ignores a cache it cannot use.
 */
export function bundleEnv(): Record<string, string> {
  if (!FROM_BUNDLES || process.env.NODE_COMPILE_CACHE) return {};
  return { NODE_COMPILE_CACHE: join(bundles().dir, 'compile-cache') };
}

/**
 * The arguments that make `node` run `entry` (a TypeScript entry point relative to the repository):
 * its bundle, or the source under tsx when it has none (or COUNTERSIGN_E2E_APPS=tsx).
 * Bundles run with source maps on, as the image runs them (NODE_OPTIONS=--enable-source-maps).
 */
export function nodeArgsFor(entry: string): string[] {
  if (FROM_BUNDLES) {
    const { dir, entries } = bundles();
    const name = Object.keys(entries).find((n) => resolve(ROOT, entries[n]) === resolve(ROOT, entry));
    if (name) return ['--enable-source-maps', join(dir, `${name}.js`)];
  }
  return ['--import', 'tsx', entry];
}
