#!/usr/bin/env node
// Builds each app into one ES module under dist/apps/<app>/main.js (dependencies stay in
// node_modules), so production runs `node dist/apps/<app>/main.js` without a TypeScript loader.
//   node tools/build.mjs [app ...]     (default: every app)
// The end-to-end tests start the apps from bundles built with the same options
// (test/support/app-bundles.ts imports BUNDLE_OPTIONS), so they run what the image runs.
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const APPS = ['countersign', 'gateway', 'policy-evaluator', 'approval-router', 'notifier', 'audit-projector'];

/** esbuild's options for a bundle of ours: one ES module for Node 24, packages left in node_modules. */
export const BUNDLE_OPTIONS = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  packages: 'external',
  tsconfig: 'tsconfig.json',
  sourcemap: true,
  logLevel: 'warning',
};

// Run as a script (not imported): compared by path, which any Node 24 image supports.
const isScript = process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
if (isScript) {
  const apps = process.argv.length > 2 ? process.argv.slice(2) : APPS;
  const unknown = apps.filter((a) => !APPS.includes(a));
  if (unknown.length) {
    console.error(`build: unknown app ${unknown.join(', ')} (expected ${APPS.join(', ')})`);
    process.exit(2);
  }
  for (const app of apps) {
    const started = Date.now();
    await build({ ...BUNDLE_OPTIONS, entryPoints: [`apps/${app}/src/main.ts`], outfile: `dist/apps/${app}/main.js` });
    console.log(`build: dist/apps/${app}/main.js (${Date.now() - started} ms)`);
  }
}
