/**
 * Sampled analysers, as a process plant records them (pure): a composition analyser takes a sample every few minutes,
 * and the historian repeats its last reading until the next one (sample and hold). In the Tennessee Eastman plant 14
 * analyser channels report every 0.1 h and 5 every 0.25 h: at one row every 3 minutes, 19 of its 52 channels repeat
 * each reading for 2 or 5 rows. A detector that relates channels row by row meets them there, so the synthetic
 * plant can record some of its measured channels this way (`linewatch dataset --analysers N`).
 */

/** How often the analysers report (ms): every 6 minutes, and every 15 for the slower ones (Tennessee Eastman's). */
export const ANALYSER_PERIODS_MS = [360_000, 900_000] as const;

/** Share of the analysers that report at the faster period (14 of 19 in Tennessee Eastman). */
const FAST_SHARE = 0.75;

/**
 * Which channels report as analysers, and every how many rows: `count` of the `measured` channels, spread evenly over
 * them in their order; the first three quarters every 6 minutes, the rest every 15, each at least every row. Throws
 * when `count` is not a whole number from 0 to the number of measured channels.
 */
export function analyserChannels(
  measured: readonly number[],
  count: number,
  samplePeriodMs: number,
): Map<number, number> {
  if (!Number.isInteger(count) || count < 0 || count > measured.length)
    throw new RangeError(
      `synthetic plant: analysers ${count}: expected a whole number from 0 to ${measured.length} (the plant's measured channels)`,
    );
  const fast = Math.ceil(FAST_SHARE * count);
  const out = new Map<number, number>();
  for (let i = 0; i < count; i++) {
    const period = ANALYSER_PERIODS_MS[i < fast ? 0 : 1];
    out.set(measured[Math.floor((i * measured.length) / count)], Math.max(1, Math.round(period / samplePeriodMs)));
  }
  return out;
}

/**
 * The readings as recorded: each analyser channel repeats the reading of the last row its analyser reported on (rows
 * 0, every, 2 × every, …). values: rows × channels, time-major; a new array.
 */
export function heldReadings(
  values: Float64Array,
  rows: number,
  channels: number,
  analysers: ReadonlyMap<number, number>,
): Float64Array {
  const out = Float64Array.from(values);
  for (const [channel, every] of analysers)
    for (let t = 0; t < rows; t++) out[t * channels + channel] = values[(t - (t % every)) * channels + channel];
  return out;
}
