/**
 * The window variability (src/training/window-variability.ts): each channel's variability over the whole window. A
 * fault that makes one channel vary at random (a sticking valve, a feed's random variation) swings its 8-row
 * variability in and out of the normal range, so the alarm flickers; over the whole window the swings average and the
 * term stays up while the variation lasts. The calibration counts it as the graph computes it, and names it.
 */
import { windowEnds } from '../../src/training/segments.js';
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/core/random.js';
import { describeTerm, fitStatistical, nameLargest } from '../../src/training/fit-statistical.js';
import { QUANTISATION_SD, channelResolution, variabilityScale } from '../../src/training/channel-resolution.js';
import { crossFittedZ, outOfFoldScale } from '../../src/training/cross-fit.js';
import {
  DEFAULT_GEOMETRY,
  centreAndSpread,
  normaliseRows,
  typicalVariability,
  variabilityFeature,
} from '../../src/training/detector-features.js';
import { encodeLayout, fitWithLayout, scoreWindows } from '../helpers/detector-windows.js';
import { twoSourcePlant } from '../helpers/two-source-plant.js';

const W = DEFAULT_GEOMETRY.windowLength;
const K = DEFAULT_GEOMETRY.k;
/** The windows that read only rows of the random variation (from row 700 to the end, row 799). */
const FAULT_ENDS = Array.from({ length: 800 - 700 - W + 1 }, (_, i) => 700 + W - 1 + i);
/** The channel that varies at random, and the sd of the white noise it takes on: its own noise is 0.3, and the shared
 * sources move it about as much again. Measured (2026-12-05): with the window variability every fault window scores
 * above `on` (5.95, stats and hybrid; the lowest 6.40 and 6.65); without it 3 % of them (stats) and 84 % (hybrid,
 * through the residual). */
const VARYING = 2;
const NOISE_SD = 1.3;

describe('the window variability', () => {
  // One row a minute: the alarm budget of 1 a day then sits where a fault of this size crosses it.
  const data = { ...twoSourcePlant(), periodMs: 60_000 };
  const c = data.channels.length;
  const rng = new SeededRandom(8);
  const varying = Float64Array.from(data.rows, (v, i) =>
    Math.floor(i / c) >= 700 && i % c === VARYING ? v + NOISE_SD * rng.normal() : v,
  );

  for (const arch of ['stats', 'hybrid'] as const)
    it(`${arch}: holds the alarm through a random variation of one channel, where the 8-row variability flickers`, async () => {
      const { fitted, fit, on } = await fitWithLayout(data, arch);
      expect(String(fitted.manifest.training.window_variability)).toContain('over the whole window');
      const deployed = await scoreWindows(fitted.int8, varying, c, W, FAULT_ENDS);
      for (const { score, terms } of deployed) {
        expect(score).toBeGreaterThan(on);
        // The varying channel carries the largest term.
        expect(terms.indexOf(Math.max(...terms)) % c).toBe(VARYING);
      }
      const layoutWithout = encodeLayout({ ...fit.layout, windowVariability: undefined });
      const without = await scoreWindows(layoutWithout, varying, c, W, FAULT_ENDS);
      expect(without.filter((w) => w.score > on).length / without.length).toBeLessThan(0.9);
      // Normal windows stay below the alarm with it.
      for (const normal of await scoreWindows(fitted.int8, data.rows, c, W, [300, 500, 699]))
        expect(normal.score).toBeLessThan(on);
    }, 60_000);

  /** Every window's window variability z over the fitted rows as the calibration counts it (each window against the
   * windows that do not overlap it, in units of its out-of-fold scale), the scale and the in-sample centre and sd. */
  function windowZ(fit: ReturnType<typeof fitStatistical>, rows: Float64Array, n: number, c = data.channels.length) {
    const l = fit.layout;
    const x = normaliseRows(rows.subarray(0, n * c), l.mean, l.std);
    const values = Array.from({ length: n - W + 1 }, (_, i) =>
      variabilityFeature(x, W - 1 + i, c, W - 1, l.windowVariability!.floor),
    );
    // Never narrower than the 8-row variability's sd for independent differences.
    const independent = l.variability.sd.map((sd) => sd * Math.sqrt(K / (W - 1)));
    const z = crossFittedZ(W, values, independent);
    const scale = outOfFoldScale(z);
    return {
      z: z.map((v) => v.map((value, ch) => value / scale[ch])),
      scale,
      inSample: centreAndSpread(values, independent),
    };
  }

  it('is standardised as a level, never narrower than for independent differences, and the calibration counts it', () => {
    for (const hybrid of [false, true]) {
      const fit = fitStatistical(data, { hybrid, geometry: DEFAULT_GEOMETRY, heldOutRows: 200 });
      const l = fit.layout;
      const { z, scale, inSample } = windowZ(fit, data.rows, data.rowCount);
      l.windowVariability!.sd.forEach((sd, ch) => expect(sd).toBeCloseTo(inSample.sd[ch] * scale[ch], 9));
      l.windowVariability!.centre.forEach((v, ch) => expect(v).toBeCloseTo(inSample.centre[ch], 9));
      // Some channel of this plant wanders further than independent differences allow: it is heard less.
      expect(Math.max(...scale)).toBeGreaterThan(1);
      const scores = fit.calibrationSegments.flatMap((segment) => Array.from(segment));
      expect(scores).toHaveLength(z.length);
      const largest = z.map((v) => Math.max(...v));
      scores.forEach((score, i) => expect(score).toBeGreaterThanOrEqual(largest[i] - 1e-9));
      // ... and counts it in its out-of-fold units: some windows' score is the term of a channel heard less (scale
      // above 1), as the graph's sd is widened, not its in-sample z.
      const set = scores.filter((score, i) => {
        const ch = z[i].indexOf(largest[i]);
        return Math.abs(score - largest[i]) < 1e-9 && scale[ch] > 1;
      });
      expect(set.length).toBeGreaterThan(0);
    }
  });

  it("a quantised channel's is never standardised finer than one step in the window's 31 differences allows", () => {
    // An integer register that steps up by one once, at row 300: only the windows across the step see it move, so its
    // window variability barely spreads, and only the step's size bounds its sd.
    const register = { name: 'register', value: (t: number) => (t >= 300 ? 4 : 3) };
    const plant = { ...twoSourcePlant({ extra: [register] }), periodMs: 60_000 };
    const c7 = plant.channels.length;
    for (const hybrid of [false, true]) {
      const fit = fitStatistical(plant, { hybrid, geometry: DEFAULT_GEOMETRY, heldOutRows: 200 });
      const l = fit.layout;
      const x = normaliseRows(plant.rows, l.mean, l.std);
      const resolution = channelResolution(x, plant.rowCount, c7);
      expect(resolution[c7 - 1]).toBeGreaterThan(0);
      const whole = { ...DEFAULT_GEOMETRY, k: W - 1 };
      const least = variabilityScale(
        typicalVariability(x, c7, whole, windowEnds(0, plant.rowCount, W)),
        resolution,
        W - 1,
      ).minSd;
      // One step in 31 differences, at the register's typical (no) movement: log 2 × the quantisation sd.
      expect(least[c7 - 1]).toBeCloseTo(Math.log(2) * QUANTISATION_SD, 9);
      expect(l.windowVariability!.sd[c7 - 1]).toBeGreaterThanOrEqual(least[c7 - 1] - 1e-12);
    }
  });

  it('names it, as the variability of its channel, where it sets the alarm: after the residual and the components', () => {
    const channels = ['flow', 'pressure', 'level'];
    const components = { count: 2, projection: [0.8, 0, 0.6, 0, 1, 0], share: [1, 0, 0.75, 0, 1, 0] };
    const largest = (entry: number) => ({ window: 5, feature: 2, entry, z: 7.5 });
    const ends = Array.from({ length: 10 }, (_, i) => 40 + i);
    // hybrid: 3 residual entries, 2 spread, 2 component level, then the window variability of each channel.
    const named = nameLargest(largest(3 + 4 + 2), ends, channels, true, components);
    expect(named).toEqual({ channel: 'level', kind: 'variability', row: 45, z: 7.5, wholeWindow: true });
    // In words, apart from the channel's 8-row variability.
    expect(describeTerm(named)).toBe('level variability (whole window)');
    expect(describeTerm({ channel: 'level', kind: 'variability' })).toBe('level variability');
    // stats: no residual entries.
    expect(nameLargest(largest(4), ends, channels, false, components)).toEqual({
      channel: 'flow',
      kind: 'variability',
      row: 45,
      z: 7.5,
      wholeWindow: true,
    });
    // No components (fewer than two fast channels): the window variability follows the residual at once.
    expect(nameLargest(largest(3 + 1), ends, channels, true)).toEqual({
      channel: 'pressure',
      kind: 'variability',
      row: 45,
      z: 7.5,
      wholeWindow: true,
    });
    // The entries before it are still the components' level, by the channel that weighs most.
    expect(nameLargest(largest(3 + 3), ends, channels, true, components)).toMatchObject({
      kind: 'level',
      component: 1,
    });
  });
});
