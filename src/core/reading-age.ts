/**
 * How long a channel's last good reading stands in for it (pure): up to an asset's window `max_sample_age_ms` either
 * side of a row's time. The one rule by which the gateway's rows hold a reading over failed reads and missed samples
 * (windows/row-assembler.ts, the time grid's hold) and a recording's missing readings are held by train and eval
 * (csv-gaps.ts), so that what eval scores over a gap is what the gateway scored there.
 */

/** How long a channel's last good reading is held by default (an asset's window max_sample_age_ms). */
export const DEFAULT_MAX_SAMPLE_AGE_MS = 5000;

/** Whether a reading stamped `readingTs` stands for a row at `rowTs`: within `maxAgeMs` of it, either side. */
export function readingStands(readingTs: number, rowTs: number, maxAgeMs: number): boolean {
  return Math.abs(rowTs - readingTs) <= maxAgeMs;
}
