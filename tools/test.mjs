#!/usr/bin/env node
// Runs one tier of tests (unit | int | e2e | all) with node's test runner under tsx.
// Tiers by suffix: *.spec.ts (unit), *.int.spec.ts (adapter vs real server), *.e2e.spec.ts (system).
import { spawnSync } from 'node:child_process';
import { globSync } from 'node:fs';

const tier = process.argv[2] ?? 'all';
const tiers = { unit: (f) => !/\.(int|e2e)\.spec\.ts$/.test(f), int: (f) => f.endsWith('.int.spec.ts'), e2e: (f) => f.endsWith('.e2e.spec.ts') };
if (tier !== 'all' && !tiers[tier]) {
  console.error(`test: unknown tier "${tier}" (expected unit, int, e2e or all)`);
  process.exit(2);
}
const all = globSync('{apps,libs,test}/**/*.spec.ts', { exclude: (p) => p.includes('node_modules') }).sort();
const files = tier === 'all' ? all : all.filter(tiers[tier]);
if (files.length === 0) {
  console.error(`test: no ${tier} test files found`);
  process.exit(1);
}
const args = ['--import', 'tsx', '--test', '--test-reporter=spec', `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 2}`, ...files];
const run = spawnSync(process.execPath, args, { stdio: 'inherit' });
process.exit(run.status ?? 1);
