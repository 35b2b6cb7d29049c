/** The record number `n` written by crash-appender.ts, so the test can check it came back intact. */
export function crashRecord(n: number): { key: string; value: { n: number; body: string } } {
  return { key: `k${n % 7}`, value: { n, body: `${n}:`.repeat(1 + (n % 40)) } };
}
