/**
 * The embedded file log's append cost: latency of one append at a time, and throughput of many
 * concurrent appends (group commit), on a temporary directory. Compares builds by module path:
 *   node --import tsx bench/filelog/run.ts [path/to/file-event-log.ts]
 * BENCH_APPENDS (default 2000) and BENCH_CONCURRENCY (default 64) override the workload.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

type Log = { append(topic: string, records: { key: string; value: unknown }[]): Promise<void>; close(): Promise<void> };
const modulePath = resolve(process.argv[2] ?? 'libs/platform/eventlog/src/file-event-log.ts');
const { createFileEventLog } = (await import(pathToFileURL(modulePath).href)) as { createFileEventLog(o: { dir: string; log?: (m: string) => void }): Promise<Log> };
const APPENDS = Number(process.env.BENCH_APPENDS ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const record = (n: number) => [{ key: `a${n % 50}`, value: { type: 'VoteRecorded', n, body: 'x'.repeat(400) } }, { key: `a${n % 50}`, value: { type: 'ActionDenied', n } }];

async function run(concurrency: number, appends: number): Promise<{ perSecond: number; p50: number; p99: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-filelog-'));
  const log = await createFileEventLog({ dir, log: () => undefined });
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < appends) {
      const n = next++;
      const t = performance.now();
      await log.append('t', record(n));
      latencies.push(performance.now() - t);
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  await log.close();
  await rm(dir, { recursive: true, force: true });
  latencies.sort((a, b) => a - b);
  return { perSecond: Math.round(appends / seconds), p50: latencies[Math.floor(latencies.length * 0.5)], p99: latencies[Math.floor(latencies.length * 0.99)] };
}

const one = await run(1, Math.min(APPENDS, 500));
const many = await run(CONCURRENCY, APPENDS);
const ms = (x: number) => `${x.toFixed(2)} ms`;
console.log(`${modulePath}\n  one at a time: ${one.perSecond} appends/s, p50 ${ms(one.p50)}, p99 ${ms(one.p99)}\n  ${CONCURRENCY} concurrent: ${many.perSecond} appends/s, p50 ${ms(many.p50)}, p99 ${ms(many.p99)}`);
