#!/usr/bin/env node
// Runs the test tiers with node's test runner under tsx, and prints one closing line with the totals.
//   node tools/test.mjs [unit|int|e2e|e2e:distributed|all]
// Tiers by suffix: *.spec.ts (unit), *.int.spec.ts (adapter vs real server), *.e2e.spec.ts (system).
// `int` and `e2e:distributed` need Kafka and a MongoDB-wire server: started here with
// deploy/local/infra.sh (and stopped afterwards) unless COUNTERSIGN_KAFKA_BROKERS and
// COUNTERSIGN_MONGO_URL point at running ones.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, globSync } from 'node:fs';

const tier = process.argv[2] ?? 'all';
const isInt = (f) => f.endsWith('.int.spec.ts');
const isE2e = (f) => f.endsWith('.e2e.spec.ts');
// test/kafka holds the end-to-end tests of the Kafka shape only (rebalances, router crashes, rebuilds).
const kafkaOnly = (f) => f.startsWith('test/kafka/');
// Suites of the API's clients and of the gateway's refusals, run in the embedded shape only: the
// CLI, the Claude Code hook, the MCP server and gate, the agent SDK adapters and the SDK examples
// talk to the gateway over HTTP, and the gateway refuses bad input before anything reaches the
// log, with the same code in both shapes. What they drive on the server (proposals, votes,
// denials, cancels, expiry, long-polls, grants and executions, idempotency keys) runs in the
// distributed shape in approval-flow, grants, idempotency-and-restart, sse, break-glass and the
// rest. The fuzz suites stay in both: what they get accepted goes through Kafka and FerretDB.
// audit-verify tampers with the file log's topic files, which only the embedded shape has.
// The console's browser suites (test/e2e/console*.e2e.spec.ts, added below) drive the same static
// code over the same API in both shapes; the API paths they use run distributed in the suites above.
const embeddedOnly = new Set([
  // API-key console sign-in: its sessions use the same store as single sign-on's, which
  // sign-in.e2e.spec.ts already runs in the distributed shape; the CI is over its time budget.
  'test/e2e/api-key-sign-in.e2e.spec.ts',
  'test/e2e/audit-verify.e2e.spec.ts',
  'test/e2e/bad-input.e2e.spec.ts',
  'test/e2e/claude-code-hook.e2e.spec.ts',
  'test/e2e/cli.e2e.spec.ts',
  'test/e2e/examples.e2e.spec.ts',
  'test/e2e/langgraph.e2e.spec.ts',
  'test/e2e/mcp-gate-command.e2e.spec.ts',
  'test/e2e/mcp-gate.e2e.spec.ts',
  'test/e2e/mcp-server.e2e.spec.ts',
  'test/e2e/openai-agents.e2e.spec.ts',
]);
const files = globSync('{apps,bench,libs,packages,test}/**/*.spec.ts', { exclude: (p) => p.includes('node_modules') }).sort();
const isBrowser = (f) => /^test\/e2e\/console[^/]*\.e2e\.spec\.ts$/.test(f);
for (const f of files.filter(isBrowser)) embeddedOnly.add(f);
for (const f of embeddedOnly) {
  if (!files.includes(f)) {
    console.error(`test: ${f} is listed as embedded-only but does not exist`);
    process.exit(2);
  }
}
const runs = {
  // The embedded e2e tier runs before the local Kafka and FerretDB start: it needs neither, and
  // their disk and CPU use (topic deletions, SQLite syncs) would only add noise to its fsyncs.
  // Unit tests run without --test-force-exit: it ends a file's process as soon as its tests are
  // done, and the reports of its last tests, still in the reporter's stream, were once lost (a CI
  // run counted 994 of 1,006 tests, all passing). Unit tests leave nothing running, so they need
  // no forced exit; the other tiers keep it for clients that linger.
  // Unit files share one process (--test-isolation=none): a process per file spent about 0.7 s of
  // CPU each starting tsx, two thirds of the tier's time. They run one at a time then; none waits long.
  unit: { files: files.filter((f) => !isInt(f) && !isE2e(f)), infra: false, forceExit: false, isolation: 'none' },
  e2e: { files: files.filter((f) => isE2e(f) && !kafkaOnly(f)), infra: false, env: { COUNTERSIGN_E2E_SHAPE: 'embedded' } },
  int: { files: files.filter(isInt), infra: true },
  'e2e:distributed': { files: files.filter((f) => isE2e(f) && !embeddedOnly.has(f)), infra: true, env: { COUNTERSIGN_E2E_SHAPE: 'distributed' }, concurrency: 1 },
};
const plan = tier === 'all' ? Object.keys(runs) : [tier];
if (!plan.every((t) => runs[t])) {
  console.error(`test: unknown tier "${tier}" (expected ${Object.keys(runs).join(', ')} or all)`);
  process.exit(2);
}

let startedInfra = false;
function infraUp() {
  if (process.env.COUNTERSIGN_KAFKA_BROKERS && process.env.COUNTERSIGN_MONGO_URL) return;
  // Infrastructure that was already running (a developer's) is left running afterwards.
  const wasRunning = spawnSync('bash', ['deploy/local/infra.sh', 'status'], { stdio: 'ignore' }).status === 0;
  const up = spawnSync('bash', ['deploy/local/infra.sh', 'up'], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (up.status !== 0) {
    console.error('test: could not start the local Kafka and FerretDB (deploy/local/infra.sh up failed; see above)');
    process.exit(1);
  }
  for (const line of up.stdout.split('\n')) {
    const m = /^(COUNTERSIGN_[A-Z_]+)=(.*)$/.exec(line.trim());
    if (m) process.env[m[1]] = m[2];
  }
  startedInfra = !wasRunning;
}

// The browser suites drive Debian's Chromium (Playwright's own download does not work here) over
// the built console: installed and built here, before the tier that runs them.
const chromiumPath = process.env.COUNTERSIGN_CHROMIUM ?? '/usr/bin/chromium';
function prepareBrowser() {
  if (!existsSync(chromiumPath)) {
    const asRoot = process.getuid?.() === 0;
    const sh = (cmd) => spawnSync('sh', ['-c', cmd], { stdio: ['ignore', 'inherit', 'inherit'] }).status === 0;
    console.log(`\n=== installing Debian's chromium (${chromiumPath} is missing) ===`);
    const why = !asRoot ? 'not root, so apt-get cannot install it'
      : !sh('apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium') ? 'apt-get install -y chromium failed (see above)'
        : !existsSync(chromiumPath) ? "the chromium package is installed but not there" : undefined;
    if (why) {
      console.error(`test: no Chromium at ${chromiumPath}: ${why}; install Debian's chromium package or set COUNTERSIGN_CHROMIUM`);
      process.exit(1);
    }
  }
  console.log('\n=== building the console (tools/build-console.mjs) ===');
  if (spawnSync(process.execPath, ['tools/build-console.mjs'], { stdio: ['ignore', 'inherit', 'inherit'] }).status !== 0) {
    console.error('test: the console did not build (node tools/build-console.mjs failed; see above)');
    process.exit(1);
  }
}

function run(name, { files: list, env = {}, concurrency, forceExit = true, isolation = 'process' }) {
  if (list.length === 0) {
    console.error(`test: no ${name} test files found`);
    process.exit(1);
  }
  console.log(`\n=== ${name}: ${list.length} files ===`);
  const args = ['--import', 'tsx', '--test', ...(forceExit ? ['--test-force-exit'] : []), `--test-isolation=${isolation}`, '--test-timeout=300000', '--test-reporter=spec',
    ...(isolation === 'process' ? [`--test-concurrency=${concurrency ?? process.env.TEST_CONCURRENCY ?? 2}`] : []), ...list];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
    // The runner's closing counts ("ℹ pass 181") are read line by line as they stream past: they
    // come before the failures' details, which once pushed them out of a kept tail, and a failing
    // run was summed as "0 failed". Cancelled tests (a failed hook's) count as failed.
    const counts = { pass: 0, fail: 0, cancelled: 0, skipped: 0 };
    let partial = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        const m = /^ℹ (pass|fail|cancelled|skipped) (\d+)$/.exec(line.trim());
        if (m) counts[m[1]] = Number(m[2]);
      }
    });
    // 'close', not 'exit': the summary may still be in the pipe when the process exits.
    child.on('close', (code) => {
      resolve({ code: code ?? 1, pass: counts.pass, fail: counts.fail + counts.cancelled, skipped: counts.skipped });
    });
  });
}

const totals = { pass: 0, fail: 0, skipped: 0 };
let failed = false;
try {
  for (const name of plan) {
    if (runs[name].infra) infraUp();
    if (runs[name].files.some(isBrowser)) prepareBrowser();
    const result = await run(name, runs[name]);
    totals.pass += result.pass;
    totals.fail += result.fail;
    totals.skipped += result.skipped;
    if (result.code !== 0) failed = true;
  }
} finally {
  if (startedInfra && !process.env.COUNTERSIGN_KEEP_INFRA) spawnSync('bash', ['deploy/local/infra.sh', 'down'], { stdio: 'inherit' });
}
console.log(`\n${totals.pass} passed, ${totals.fail} failed, ${totals.skipped} skipped`);
process.exit(failed || totals.fail > 0 ? 1 : 0);
