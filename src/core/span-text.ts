/** Spans of time written for people, in log lines and notes (pure). */
const DAY_MS = 86_400_000;

/** A span of time as a person reads it: 45 s, 2.8 min, 5.5 h, 3.2 days, 81 years. */
export function spanText(ms: number): string {
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 3_600_000) return `${(ms / 60_000).toFixed(1)} min`;
  if (ms < DAY_MS) return `${(ms / 3_600_000).toFixed(1)} h`;
  if (ms >= 730 * DAY_MS) return `${Math.round(ms / (365.25 * DAY_MS))} years`;
  const days = (ms / DAY_MS).toFixed(1).replace(/\.0$/, '');
  return days === '1' ? '1 day' : `${days} days`;
}
