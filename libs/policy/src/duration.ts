const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86400 } as const;

/** Seconds in a duration such as `30s`, `15m`, `1h` or `2d`; undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  const m = /^([1-9][0-9]{0,8})([smhd])$/.exec(text);
  return m ? Number(m[1]) * UNIT_SECONDS[m[2] as keyof typeof UNIT_SECONDS] : undefined;
}

/** The longest a rule's `grantTtl` may be: a grant is a receipt for one run, not a standing permission. */
export const MAX_GRANT_TTL_SECONDS = 86_400;
