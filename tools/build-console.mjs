#!/usr/bin/env node
// Builds the web console (apps/console, React + Vite) into dist/console/, which the gateway serves
// at /console. Vite's JS API with an inline configuration: nothing is read from a vite.config file,
// so the build depends on the sources alone (hashed file names, no timestamps).
//   node tools/build-console.mjs              build
//   node tools/build-console.mjs --if-stale   build only when dist/console is missing or older
//                                             than a source (what `npm start` runs first)
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'apps/console');
const outDir = join(root, 'dist/console');
const built = join(outDir, 'index.html');

/** The newest modification time among the console's sources (specs and docs do not count). */
function newestSource(dir = source) {
  let newest = statSync(fileURLToPath(import.meta.url)).mtimeMs;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (!entry.name.endsWith('.spec.ts') && !entry.name.endsWith('.md')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

if (process.argv.includes('--if-stale') && existsSync(built) && statSync(built).mtimeMs >= newestSource()) {
  process.exit(0);
}

const started = Date.now();
const { build } = await import('vite');
const { default: react } = await import('@vitejs/plugin-react');
await build({
  configFile: false,
  root: source,
  base: '/console/',
  mode: 'production',
  logLevel: 'warn',
  plugins: [react()],
  build: {
    outDir,
    emptyOutDir: true,
    sourcemap: true,
    reportCompressedSize: false,
    // Every script is a file of its own: the gateway's Content-Security-Policy allows no inline one.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
});
console.log(`build-console: dist/console (${Date.now() - started} ms)`);
