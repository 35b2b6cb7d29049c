/**
 * The bench's settings, read once from the environment. BENCH_QUICK=1 picks defaults that finish
 * in under three minutes on the 2-core dev machine; without it a full run takes about ten. Every
 * knob can be set on its own as well (numbers, rates as a comma-separated list).
 */
const quick = process.env.BENCH_QUICK === '1';

function num(name: string, full: number, fast: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return quick ? fast : full;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name}: expected a non-negative number, got ${JSON.stringify(raw)}`);
  return n;
}

function list(name: string, fallback: number[]): number[] {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const rates = raw.split(',').map((s) => Number(s.trim()));
  if (rates.length === 0 || rates.some((r) => !Number.isFinite(r) || r <= 0)) throw new Error(`${name}: expected positive numbers separated by commas, got ${JSON.stringify(raw)}`);
  return rates.sort((a, b) => a - b);
}

const PARTS = ['raw', 'log', 'mongo', 'http'] as const;
export type Part = (typeof PARTS)[number];

function parts(): Set<Part> {
  const raw = process.env.BENCH_PARTS;
  if (raw === undefined || raw === '') return new Set(PARTS);
  const chosen = raw.split(',').map((s) => s.trim());
  const unknown = chosen.filter((p) => !(PARTS as readonly string[]).includes(p));
  if (unknown.length > 0) throw new Error(`BENCH_PARTS: unknown part(s) ${unknown.join(', ')} (expected some of ${PARTS.join(', ')})`);
  // The raw baseline is what every ratio is read against: always measured.
  return new Set<Part>(['raw', ...(chosen as Part[])]);
}

export const KNOBS = {
  quick,
  brokers: (process.env.COUNTERSIGN_KAFKA_BROKERS ?? '127.0.0.1:19092').split(','),
  mongoUrl: process.env.COUNTERSIGN_MONGO_URL ?? 'mongodb://127.0.0.1:27018/',
  parts: parts(),
  partitions: 6,
  /** 1. raw kafkajs produce+consume. */
  messages: num('BENCH_MESSAGES', 20000, 20000),
  /** 2. one-process pipeline, proposals written to the log. */
  proposals: num('BENCH_PROPOSALS', 3000, 1000),
  samples: num('BENCH_LATENCY_SAMPLES', 500, 200),
  /** 3. the same through to the read model. */
  mongoProposals: num('BENCH_MONGO_PROPOSALS', 500, 60),
  mongoSamples: num('BENCH_MONGO_SAMPLES', 200, 20),
  /** 4. five processes: how long they may take to become ready (two shared cores are slow to start five). */
  startSeconds: num('BENCH_START_SECONDS', 180, 180),
  /** Open-loop HTTP: the rate steps, each this long. */
  httpRates: list('BENCH_HTTP_RATES', [10, 20, 50, 100, 200, 400, 800]),
  stepSeconds: num('BENCH_HTTP_STEP_SECONDS', 6, 3),
  /** The step-up stops starting new steps after this long (the current one finishes). */
  searchSeconds: num('BENCH_HTTP_SEARCH_SECONDS', 150, 45),
  /** A step is sustainable when its p99 is under this and nothing failed or went unanswered. */
  p99BudgetMs: num('BENCH_HTTP_P99_MS', 100, 100),
  /** The measurement at half the highest sustainable rate, and the raw round trip at that rate. */
  holdSeconds: num('BENCH_HTTP_HOLD_SECONDS', 60, 15),
  /** The raw kafkajs round trip, at the hold rate. */
  rttSeconds: num('BENCH_RTT_SECONDS', 30, 8),
  /** Keep-alive sockets to the gateway; requests beyond them queue in the agent (and that counts). */
  sockets: num('BENCH_HTTP_SOCKETS', 512, 256),
  /** How long to wait for the pipeline to catch up between the step-up and the hold phase. */
  drainSeconds: num('BENCH_HTTP_DRAIN_SECONDS', 90, 40),
  /** Proposal size in bytes (all parts), about. */
  size: 1024,
};
