/**
 * The change of a wandering channel's residual (src/training/residual-change.ts): a channel whose relation to the
 * others wanders in the training rows is left out of the leave-one-out model, but predicted from the kept channels and
 * scored on how far its residual moves within a window. A fault that breaks its relation raises the alarm there; its
 * wander, going on after the training rows, does not.
 */
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/core/random.js';
import { DEFAULT_GEOMETRY } from '../../src/training/detector-features.js';
import { fitLeftOutFromKept } from '../../src/training/leave-one-out.js';
import { changeBeforeRows, leftOutResiduals, residualChange } from '../../src/training/residual-change.js';
import { encodeLayout, fitWithLayout, scoreWindows } from '../helpers/detector-windows.js';
import { PLANT_CHANNELS, twoSourcePlant } from '../helpers/two-source-plant.js';

const FLOW = PLANT_CHANNELS.indexOf('flow');
const LEVEL = PLANT_CHANNELS.indexOf('level');
const SPEED = PLANT_CHANNELS.indexOf('speed');
const ANALYSER = PLANT_CHANNELS.length;
const TRAINING_ROWS = 600;
const FAULT_FROM = 700;

/**
 * The plant, sampled every 3 minutes as a process plant is, with a seventh channel: an analyser that reads flow and
 * level plus a slow wander none of them explains (two periods of a sine over the 800 rows) and its own noise. With
 * `broken`, from FAULT_FROM it reads another stream: it follows the speed's movement three times as strongly, in place
 * of the flow's. Its level and its row-to-row variability stay in their normal range.
 */
function plant(broken: boolean) {
  const noise = new SeededRandom(29);
  const p = twoSourcePlant({
    extra: [
      {
        name: 'analyser',
        value: (t, row) =>
          0.8 * row[FLOW] +
          (broken && t >= FAULT_FROM ? 2.4 * (row[SPEED] - row[FLOW]) : 0) +
          0.5 * row[LEVEL] +
          0.6 * Math.sin((2 * Math.PI * t) / 400) +
          0.3 * noise.normal(),
      },
    ],
  });
  return { ...p, periodMs: 180_000 };
}

/** The first `rows` rows of a plant, as a training span. */
function firstRows(p: ReturnType<typeof plant>, rows: number) {
  return { ...p, rows: p.rows.subarray(0, rows * p.channels.length), rowCount: rows };
}

describe("the change of a wandering channel's residual", () => {
  const c = PLANT_CHANNELS.length + 1;
  const W = DEFAULT_GEOMETRY.windowLength;

  it('raises the alarm when a left-out channel leaves its relation, and not on its wander after the training rows', async () => {
    const training = firstRows(plant(false), TRAINING_ROWS);
    const { fitted, fit, on } = await fitWithLayout(training, 'hybrid', 1);
    const architecture = String(fitted.manifest.training.architecture);
    expect(architecture).toMatch(/left out: analyser\)/);
    expect(architecture).toMatch(/the channels left out predicted from the kept ones/);
    // The manifest says how the term is standardised.
    const changeSd = fit.layout.residual!.change!.sd[0];
    expect(String(fitted.manifest.training.residual_change)).toMatch(
      new RegExp(`in units of its spread \\(out of fold\\): analyser ${changeSd.toFixed(4)}$`),
    );
    // The broken relation also makes the analyser vary more, which its window variability (window-variability.ts)
    // sees as well: the change term is measured without it.
    const withChange = encodeLayout({ ...fit.layout, windowVariability: undefined });
    const withoutChange = encodeLayout({
      ...fit.layout,
      windowVariability: undefined,
      residual: { ...fit.layout.residual!, change: undefined },
    });
    // Measured 2026-12-05: `on` 5.13; the fault windows score 6.89, 5.59 and 12.7, each on the analyser's residual;
    // without the change term 4.01, 3.28 and 4.37 (the analyser's variability); the windows after the training rows
    // without the fault 1.76-3.89. As deployed 7.15, 5.65 and 12.8: the first two on the analyser's window variability,
    // the last on its residual (without the change term 7.20, 5.70, 6.08).
    const faultEnds = [730, 760, 799];
    for (const w of await scoreWindows(withChange, plant(true).rows, c, W, faultEnds)) {
      expect(w.score).toBeGreaterThan(on);
      expect(w.terms.indexOf(Math.max(...w.terms))).toBe(ANALYSER); // kind 0 (residual), the analyser's entry
    }
    for (const w of await scoreWindows(withoutChange, plant(true).rows, c, W, faultEnds))
      expect(w.score).toBeLessThan(on);
    // As deployed, the analyser carries the largest term.
    for (const w of await scoreWindows(fitted.int8, plant(true).rows, c, W, faultEnds)) {
      expect(w.score).toBeGreaterThan(on);
      expect(w.terms.indexOf(Math.max(...w.terms)) % c).toBe(ANALYSER);
    }
    const ahead = Array.from({ length: 18 }, (_, i) => TRAINING_ROWS + 10 * i + 19);
    for (const w of await scoreWindows(fitted.int8, plant(false).rows, c, W, ahead)) expect(w.score).toBeLessThan(on);
  }, 60_000);
});

describe('residualChange', () => {
  const aeRows = 4;
  const before = changeBeforeRows(12, aeRows);
  // Two channels, 12 rows: the first steps by 2 at row 8, the second ramps by 0.1 a row.
  const residuals = Float64Array.from({ length: 24 }, (_, i) =>
    i % 2 === 0 ? (i / 2 >= 8 ? 2 : 0) : 0.1 * (i / 2 - 1),
  );

  it('compares the last aeRows rows with as many rows before them, as far as the window holds them', () => {
    expect(before).toBe(aeRows);
    expect(changeBeforeRows(12, 8)).toBe(4);
  });

  it('reads a step in the last rows at its size and a slow ramp at its movement between the two spans', () => {
    const [step, ramp] = residualChange(residuals, 11, 2, aeRows, before);
    expect(step).toBeCloseTo(2, 12);
    // The last 4 rows (0.75-1.05) against the mean of the 4 before (0.5): RMS of 0.25, 0.35, 0.45, 0.55.
    expect(ramp).toBeCloseTo(Math.sqrt((0.25 ** 2 + 0.35 ** 2 + 0.45 ** 2 + 0.55 ** 2) / 4), 12);
    // Which span is which: a spike in the earlier rows (mean 1) against a flat 2 now reads 1; the other way round 2.
    const spike = Float64Array.from([0, 0, 0, 4, 2, 2, 2, 2]);
    expect(residualChange(spike, 7, 1, aeRows, before)[0]).toBeCloseTo(1, 12);
    // Once the step fills both spans, it no longer reads.
    const held = Float64Array.from({ length: 40 }, (_, i) => (i % 2 === 0 && i / 2 >= 8 ? 2 : 0));
    expect(residualChange(held, 19, 2, aeRows, before)[0]).toBe(0);
  });
});

describe('fitLeftOutFromKept', () => {
  it('predicts each left-out channel from the kept ones alone, in channel order; none when no channel is left out', () => {
    const rng = new SeededRandom(4);
    const n = 2000;
    const x = new Float64Array(n * 4);
    for (let r = 0; r < n; r++) {
      const [a, b, wander] = [rng.normal(), rng.normal(), Math.sin(r / 100)];
      x.set([a, b, 0.7 * a - 0.4 * b + wander + 0.05 * rng.normal(), wander + rng.normal()], r * 4);
    }
    const left = [false, false, true, true];
    const model = fitLeftOutFromKept(x, n, 4, 1e-4, left)!;
    const { weights, outputs } = model.layers[0];
    expect(outputs).toBe(2);
    expect(weights[0 * 2 + 0]).toBeCloseTo(0.7, 1);
    expect(weights[1 * 2 + 0]).toBeCloseTo(-0.4, 1);
    // the left-out channels feed no prediction, not even each other's
    for (const input of [2, 3]) for (const o of [0, 1]) expect(weights[input * 2 + o]).toBe(0);
    const residual = leftOutResiduals(model, x, n, 4, [2, 3]);
    // the first left-out channel's residual is its wander and noise: it no longer carries the kept channels
    let sq = 0;
    for (let r = 0; r < n; r++) sq += (residual[r * 2] + Math.sin(r / 100)) ** 2;
    expect(Math.sqrt(sq / n)).toBeLessThan(0.2);
    expect(fitLeftOutFromKept(x, n, 4, 1e-4, [false, false, false, false])).toBeUndefined();
    expect(fitLeftOutFromKept(x, n, 4, 1e-4, [true, true, true, false])).toBeUndefined();
  });
});
