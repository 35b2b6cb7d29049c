// Durations on the command line (`--wait 30m`, `1h30m`, `45s`, `0`) and how remaining time is shown.
import { UsageError } from './cli-errors.ts';

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const PART = /(\d{1,9})(ms|s|m|h|d)/y;

/** The longest wait accepted: a week (timers in Node stop being exact near 24.8 days). */
export const MAX_DURATION_MS = 7 * UNIT_MS.d;

/**
 * Parses one or more `<whole number><unit>` parts (ms, s, m, h, d), e.g. `90s`, `1h30m`, or `0`.
 * `flag` names where the text came from, for the error (`--wait "30x": …`).
 */
export function parseDuration(text: string, flag: string): number {
  const fail = (why: string): never => {
    throw new UsageError(`${flag} ${JSON.stringify(text)}: ${why}`);
  };
  if (text === '0') return 0;
  if (text === '') fail('expected a duration such as 45s, 30m or 1h30m');
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < text.length) {
    const at = PART.lastIndex;
    const m = PART.exec(text);
    if (!m) {
      const rest = text.slice(at);
      fail(/^\d+$/.test(rest)
        ? `"${rest}" has no unit (write e.g. ${rest}s or ${rest}m)`
        : `expected a duration such as 45s, 30m or 1h30m (units ms, s, m, h, d)`);
    }
    total += Number(m![1]) * UNIT_MS[m![2] as keyof typeof UNIT_MS];
  }
  if (total > MAX_DURATION_MS) fail('is longer than the maximum of 7d');
  return total;
}

/** Time left for a countdown: `2h05m`, `59m07s`, `42s`, `0s` (never negative, whole seconds rounded up). */
export function formatRemaining(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  const [h, m, sec] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
  const two = (n: number) => String(n).padStart(2, '0');
  if (h > 0) return `${h}h${two(m)}m`;
  if (m > 0) return `${m}m${two(sec)}s`;
  return `${sec}s`;
}
