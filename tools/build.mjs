#!/usr/bin/env node
// Builds each app into one ES module under dist/apps/<app>/main.js (dependencies stay in
// node_modules), so production runs `node dist/apps/<app>/main.js` without a TypeScript loader.
//   node tools/build.mjs [app ...]     (default: every app)
import { build } from 'esbuild';

const APPS = ['countersign', 'gateway', 'policy-evaluator', 'approval-router', 'notifier', 'audit-projector'];
const apps = process.argv.length > 2 ? process.argv.slice(2) : APPS;
const unknown = apps.filter((a) => !APPS.includes(a));
if (unknown.length) {
  console.error(`build: unknown app ${unknown.join(', ')} (expected ${APPS.join(', ')})`);
  process.exit(2);
}
for (const app of apps) {
  const started = Date.now();
  await build({
    entryPoints: [`apps/${app}/src/main.ts`],
    outfile: `dist/apps/${app}/main.js`,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    packages: 'external',
    tsconfig: 'tsconfig.json',
    sourcemap: true,
    logLevel: 'warning',
  });
  console.log(`build: dist/apps/${app}/main.js (${Date.now() - started} ms)`);
}
