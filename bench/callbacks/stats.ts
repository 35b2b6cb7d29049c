/** Percentiles and the markdown rows both callback benches print. */
export interface Stats {
  n: number;
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

export function stats(xs: number[]): Stats {
  if (xs.length === 0) return { n: 0, p50: NaN, p99: NaN, max: NaN, mean: NaN };
  const s = [...xs].sort((a, b) => a - b);
  // Nearest-rank percentile: the value at or below which q of the samples fall.
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
  return { n: s.length, p50: at(0.5), p99: at(0.99), max: s[s.length - 1], mean: s.reduce((a, b) => a + b, 0) / s.length };
}

export const ms = (n: number) => `${n.toFixed(2)} ms`;

export function printTable(rows: [label: string, s: Stats][], baseline: Stats): void {
  console.log('| request | n | p50 | p99 | max | mean | p50 / baseline | p99 / baseline |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const [label, s] of rows) {
    const ratios = s === baseline ? '| | |' : `| ${(s.p50 / baseline.p50).toFixed(2)} × | ${(s.p99 / baseline.p99).toFixed(2)} × |`;
    console.log(`| ${label} | ${s.n} | ${ms(s.p50)} | ${ms(s.p99)} | ${ms(s.max)} | ${ms(s.mean)} ${ratios}`);
  }
}

/** One `GET /healthz` on the server under test: the same-run baseline for each measured request. */
export async function timeHealthz(baseUrl: string): Promise<number> {
  const t = performance.now();
  const res = await fetch(`${baseUrl}/healthz`);
  await res.arrayBuffer();
  return performance.now() - t;
}
