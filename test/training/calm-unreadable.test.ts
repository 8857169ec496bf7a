/**
 * A quantised channel that sits still for k rows in its training rows (channel-resolution.ts: calmUnreadable) has
 * shown the calmest variability its readings can show, so its variability counts only a rise. Scored two-sided, such
 * a window (the log of a mean of k differences that are all 0) read 4–10 z on SKAB and was the largest normal score of
 * 25 of its 34 files: it set the alarm for every other channel.
 */
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/core/random.js';
import { calmUnreadable, channelResolution } from '../../src/training/channel-resolution.js';
import { crossFittedZ } from '../../src/training/cross-fit.js';
import {
  DEFAULT_GEOMETRY,
  meanAbsDifference,
  normaliseRows,
  variabilityFeature,
} from '../../src/training/detector-features.js';
import type { DetectorLayout } from '../../src/training/detector-graph.js';
import { channelStats } from '../../src/training/sim-recording.js';
import { fitStatistical } from '../../src/training/fit-statistical.js';
import { encodeLayout, scoreWindows } from '../helpers/detector-windows.js';

const K = DEFAULT_GEOMETRY.k;
const W = DEFAULT_GEOMETRY.windowLength;

/** 600 rows at 1 s of three channels: a pressure in whole steps that repeats its reading on half the rows (so it sits
 * still for 8 rows a few times), and two continuous ones. */
function plant(seed = 4) {
  const rng = new SeededRandom(seed);
  const n = 600;
  const c = 3;
  const rows = new Float64Array(n * c);
  let level = 0;
  for (let r = 0; r < n; r++) {
    // Half the rows step by one unit, towards 0 more often than away from it.
    if (rng.next() < 0.5) level += rng.next() < 0.5 + 0.1 * Math.sign(-level) ? 1 : -1;
    rows[r * c] = 3 + level;
    rows[r * c + 1] = 10 + rng.normal();
    rows[r * c + 2] = -2 + 0.5 * rng.normal();
  }
  return { channels: ['pressure', 'flow', 'temperature'], periodMs: 1000, rows, rowCount: n };
}

describe('calmUnreadable', () => {
  it('flags a quantised channel still for k rows, not a continuous one nor a quantised one that always steps', () => {
    const resolution = [1, 0, 1];
    const windows = [Float64Array.of(0, 0, 0.25), Float64Array.of(0.5, 0.2, 0.125), Float64Array.of(0.25, 0.1, 0.5)];
    // Channel 0: a window with no step; channel 1: continuous (no step to respect); channel 2: one step (1/8) at least.
    expect(calmUnreadable(windows, resolution, 8)).toEqual([true, false, false]);
  });
});

describe('a quantised channel that sits still in normal operation', () => {
  const data = plant();
  const c = data.channels.length;

  it('is scored one-sided, so its calm windows no longer set the largest normal score', () => {
    const fit = fitStatistical(data, { hybrid: false, geometry: DEFAULT_GEOMETRY, heldOutRows: 150 });
    expect(fit.layout.variability.oneSided).toEqual([true, false, false]);
    // Two-sided, the pressure's calm windows read far out: the largest of its cross-fitted |z| over every window.
    const { mean, std } = channelStats(data);
    const x = normaliseRows(data.rows, mean, std);
    const ends = Array.from({ length: data.rowCount - W + 1 }, (_, i) => W - 1 + i);
    const stillWindows = ends.filter((e) => meanAbsDifference(x, e, c, K)[0] === 0);
    expect(stillWindows.length).toBeGreaterThan(0);
    expect(channelResolution(x, data.rowCount, c)[0]).toBeGreaterThan(0);
    const floor = fit.layout.variability.floor;
    const twoSided = crossFittedZ(
      W,
      ends.map((e) => variabilityFeature(x, e, c, K, floor)),
    );
    const calmest = Math.max(...stillWindows.map((e) => twoSided[e - (W - 1)][0]));
    expect(calmest).toBeGreaterThan(4);
    // One-sided, the largest normal score is well below what a still window read two-sided.
    expect(fit.largestNormalTerm.z).toBeLessThan(calmest - 0.5);
    expect(fit.largestNormalTerm.channel === 'pressure' && fit.largestNormalTerm.kind === 'variability').toBe(false);
  });

  it('the graph scores max(z, 0) on the one-sided channel and |z| on the others', async () => {
    const fit = fitStatistical(data, { hybrid: false, geometry: DEFAULT_GEOMETRY, heldOutRows: 150 });
    // A window where every channel is calm: the pressure still, the others barely moving.
    const rows = new Float64Array(W * c);
    for (let r = 0; r < W; r++) {
      rows[r * c] = 3;
      rows[r * c + 1] = 10 + 0.01 * (r % 2);
      rows[r * c + 2] = -2 + 0.005 * (r % 2);
    }
    const oneSided: DetectorLayout = fit.layout;
    const twoSided: DetectorLayout = {
      ...fit.layout,
      variability: { ...fit.layout.variability, oneSided: undefined },
    };
    const x = normaliseRows(rows, fit.mean, fit.std);
    const v = variabilityFeature(x, W - 1, c, K, fit.layout.variability.floor);
    const z = Array.from(v, (value, ch) => (value - fit.layout.variability.centre[ch]) / fit.layout.variability.sd[ch]);
    expect(z.every((value) => value < -1)).toBe(true);
    // The 8-row variability alone: no spread, component level or window variability in these layouts' terms.
    const only = (l: DetectorLayout): DetectorLayout => ({
      ...l,
      spread: undefined,
      componentLevel: undefined,
      windowVariability: undefined,
    });
    const [one] = await scoreWindows(encodeLayout(only(oneSided)), rows, c, W, [W - 1]);
    const [two] = await scoreWindows(encodeLayout(only(twoSided)), rows, c, W, [W - 1]);
    // term_error: level, then variability (stats), each c wide.
    const variabilityOf = (t: number[]) => t.slice(c, 2 * c);
    expect(variabilityOf(one.terms)[0]).toBe(0);
    expect(variabilityOf(two.terms)[0]).toBeCloseTo(-z[0], 3);
    for (const ch of [1, 2]) {
      expect(variabilityOf(one.terms)[ch]).toBeCloseTo(-z[ch], 3);
      expect(variabilityOf(two.terms)[ch]).toBeCloseTo(-z[ch], 3);
    }
  });
});
