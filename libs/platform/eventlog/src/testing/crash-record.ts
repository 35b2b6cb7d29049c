/**
 * The record number `n` written by crash-appender.ts, so the test can check it came back intact;
 * `batch` is the first number of its append and how many records that append had.
 */
export function crashRecord(n: number, batch: [first: number, size: number] = [n, 1]): { key: string; value: { n: number; batch: [number, number]; body: string } } {
  return { key: `k${n % 7}`, value: { n, batch, body: `${n}:`.repeat(1 + (n % 40)) } };
}
