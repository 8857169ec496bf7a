/** Rounding the leave-one-out autoencoder's weights to the int8 grid with each rounding's error made up by the rest. */
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/core/random.js';
import { INT8_WEIGHT_MAX, int8PerAxis } from '../../src/training/scoring-graph.js';
import { roundToInt8Grid } from '../../src/training/weight-rounding.js';

/** rows × 5: five readings of one process variable (a common factor), each with its own small noise. */
function correlatedInputs(rows: number, seed: number): Float64Array {
  const rng = new SeededRandom(seed);
  const x = new Float64Array(rows * 5);
  for (let r = 0; r < rows; r++) {
    const t = rng.normal();
    for (let i = 0; i < 5; i++) x[r * 5 + i] = t + 0.05 * rng.normal();
  }
  return x;
}

/** Output column j of x · w (inputs × outputs) minus the same with `v`: RMS over the rows. */
function outputChange(
  x: Float64Array,
  rows: number,
  w: Float64Array,
  v: Float64Array,
  d: number,
  outputs: number,
  j: number,
) {
  let sum = 0;
  for (let r = 0; r < rows; r++) {
    let e = 0;
    for (let i = 0; i < d; i++) e += x[r * d + i] * (w[i * outputs + j] - v[i * outputs + j]);
    sum += e * e;
  }
  return Math.sqrt(sum / rows);
}

describe('roundToInt8Grid', () => {
  // Two outputs over five inputs: output 0 weighs all five off the grid (0.3713 … 0.0871 against a step of
  // 1/INT8_WEIGHT_MAX of its largest, 1); output 1 reads input 4 alone (its diagonal and the rest structurally zero).
  const weights = new Float64Array(10);
  [1, 0.3713, -0.2219, 0.1587, 0.0871].forEach((w, i) => (weights[i * 2] = w));
  weights[4 * 2 + 1] = -0.734;
  const rows = 400;
  const x = correlatedInputs(rows, 7);

  it('gives weights on the grid the graph stores: int8PerAxis takes them back without change', () => {
    const rounded = roundToInt8Grid(weights, 5, 2, x, rows);
    const { q, scales } = int8PerAxis(rounded, [5, 2], 1);
    rounded.forEach((w, k) => expect(q[k] * scales[k % 2], `weight ${k}`).toBeCloseTo(w, 6));
    // the largest weight of each column is exactly INT8_WEIGHT_MAX steps: the column's scale is the fp32 one's
    expect([q[0], q[4 * 2 + 1]]).toEqual([INT8_WEIGHT_MAX, -INT8_WEIGHT_MAX]);
    // zero weights stay zero (a channel's own input, channels left out of the model)
    [1, 3, 5, 7].forEach((k) => expect(rounded[k], `weight ${k}`).toBe(0));
  });

  it('changes the output on correlated inputs far less than rounding each weight alone', () => {
    const rounded = roundToInt8Grid(weights, 5, 2, x, rows);
    const { q, scales } = int8PerAxis(weights, [5, 2], 1);
    const plain = Float64Array.from(q, (v, k) => v * scales[k % 2]);
    const compensated = outputChange(x, rows, weights, rounded, 5, 2, 0);
    const alone = outputChange(x, rows, weights, plain, 5, 2, 0);
    expect(alone).toBeGreaterThan(1e-3);
    expect(compensated).toBeLessThan(alone / 3);
    // and on rows it was not given, of the same process
    const fresh = correlatedInputs(rows, 8);
    expect(outputChange(fresh, rows, weights, rounded, 5, 2, 0)).toBeLessThan(
      outputChange(fresh, rows, weights, plain, 5, 2, 0) / 3,
    );
  });
});
