/** How long until a deadline, for people: "2 h 05 min left", "4 min 09 s left", "overdue by 3 min". */
export interface Remaining {
  text: string;
  /** Less than five minutes left: shown urgent. */
  urgent: boolean;
  /** The deadline has passed (the router expires the action at its deadline). */
  over: boolean;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** A duration in milliseconds in its two largest units, rounded down. */
export function formatDuration(ms: number): string {
  const total = Math.floor(Math.max(0, ms) / 1000);
  const days = Math.floor(total / 86_400);
  const hours = Math.floor((total % 86_400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  if (days > 0) return `${days} d ${pad(hours)} h`;
  if (hours > 0) return `${hours} h ${pad(minutes)} min`;
  if (minutes > 0) return `${minutes} min ${pad(seconds)} s`;
  return `${seconds} s`;
}

export function remaining(deadline: string, nowMs: number): Remaining {
  const at = Date.parse(deadline);
  if (Number.isNaN(at)) return { text: 'no valid deadline', urgent: false, over: false };
  const left = at - nowMs;
  if (left <= 0) return { text: `overdue by ${formatDuration(-left)}`, urgent: true, over: true };
  return { text: `${formatDuration(left)} left`, urgent: left < 5 * 60_000, over: false };
}

/** How often the countdown needs to redraw: every second under an hour, else every 30 s. */
export function tickEvery(deadline: string, nowMs: number): number {
  const left = Date.parse(deadline) - nowMs;
  return Number.isFinite(left) && Math.abs(left) < 3_600_000 ? 1000 : 30_000;
}
