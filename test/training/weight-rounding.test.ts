/** Rounding the leave-one-out autoencoder's weights to the int8 grid with each rounding's error made up by the rest. */
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/core/random.js';
import { INT8_WEIGHT_MAX, int8PerAxis } from '../../src/training/scoring-graph.js';
import { fitLeaveOneOutWithout, invert } from '../../src/training/leave-one-out.js';
import { ROUNDING_DAMPING, roundToInt8Grid } from '../../src/training/weight-rounding.js';

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

/**
 * The same rounding done the slow, obvious way, for one column: round the weights largest first; after each, set the
 * weights still free to the damped least-squares best given those already rounded (a fresh solve each time, where
 * roundToInt8Grid updates one inverse).
 */
function referenceColumn(
  w: readonly number[],
  x: Float64Array,
  rows: number,
  d: number,
  /** The inputs any column of the layer uses: the damping is a share of their mean power. */
  layerInputs: readonly number[],
): number[] {
  const used = w.flatMap((v, i) => (v !== 0 ? [i] : []));
  const power = (a: number, b: number) => {
    let s = 0;
    for (let r = 0; r < rows; r++) s += (x[r * d + a] * x[r * d + b]) / rows;
    return s;
  };
  const meanPower = layerInputs.reduce((a, i) => a + power(i, i), 0) / layerInputs.length;
  const h = (a: number, b: number) => power(a, b) + (a === b ? ROUNDING_DAMPING * meanPower : 0);
  const step = Math.max(...w.map(Math.abs)) / INT8_WEIGHT_MAX;
  const v = [...w];
  const order = [...used].sort((a, b) => Math.abs(w[b]) - Math.abs(w[a]));
  order.forEach((p, t) => {
    v[p] = Math.max(-INT8_WEIGHT_MAX, Math.min(INT8_WEIGHT_MAX, Math.round(v[p] / step))) * step;
    const fixed = order.slice(0, t + 1);
    const free = order.slice(t + 1);
    if (free.length === 0) return;
    // free = w_free + H_ff⁻¹ H_fF (w_F − v_F)
    const m = free.length;
    const inv = invert(Float64Array.from(free.flatMap((a) => free.map((b) => h(a, b)))), m);
    const rhs = free.map((a) => fixed.reduce((s, b) => s + h(a, b) * (w[b] - v[b]), 0));
    free.forEach((a, i) => (v[a] = w[a] + rhs.reduce((s, r, k) => s + inv[i * m + k] * r, 0)));
  });
  return v;
}

describe('roundToInt8Grid', () => {
  // Two outputs over five inputs: output 0 weighs all five off the grid (0.3713 … 0.0871 against a step of
  // 1/INT8_WEIGHT_MAX of its largest, 1); output 1 reads inputs 1, 2 and 4 (inputs 0 and 3 structurally zero, as a
  // channel's own input and the channels left out of the model are).
  const weights = new Float64Array(10);
  [1, 0.3713, -0.2219, 0.1587, 0.0871].forEach((w, i) => (weights[i * 2] = w));
  [
    [1, 0.2871],
    [2, 0.5133],
    [4, -0.734],
  ].forEach(([i, w]) => (weights[i * 2 + 1] = w));
  const rows = 400;
  const x = correlatedInputs(rows, 7);

  it("gives weights on each column's grid (its largest |weight| / INT8_WEIGHT_MAX), the largest on it exactly, zeros kept", () => {
    // A leave-one-out model of 52 correlated channels fitted on 100 rows (as a Tennessee Eastman run fitted on its
    // first rows), 6 channels left out of it: many weights per column, structural zeros among them.
    const d = 52;
    const rng = new SeededRandom(3);
    const mix = Float64Array.from({ length: d * 5 }, () => rng.normal());
    const n = 100;
    const plant = new Float64Array(n * d);
    for (let r = 0; r < n; r++) {
      const f = Array.from({ length: 5 }, () => rng.normal());
      for (let i = 0; i < d; i++)
        plant[r * d + i] = f.reduce((a, v, k) => a + v * mix[i * 5 + k], 0) + 0.05 * rng.normal();
    }
    const left = Array.from({ length: d }, (_, i) => i % 9 === 0);
    const fitted = fitLeaveOneOutWithout(plant, n, d, 1e-3, left).layers[0].weights;
    for (const [w, inputs, outputs, rowsOf, data] of [
      [fitted, d, d, n, plant],
      [weights, 5, 2, rows, x],
    ] as const) {
      const rounded = roundToInt8Grid(w, inputs, outputs, data, rowsOf);
      for (let j = 0; j < outputs; j++) {
        const column = Array.from({ length: inputs }, (_, i) => i * outputs + j);
        const step = Math.max(...column.map((k) => Math.abs(w[k]))) / INT8_WEIGHT_MAX;
        const steps = column.map((k) => rounded[k] / step);
        steps.forEach((v, i) => expect(Math.abs(v - Math.round(v)), `column ${j}, input ${i}`).toBeLessThan(1e-9));
        expect(Math.max(...steps.map(Math.abs)), `column ${j}`).toBeCloseTo(INT8_WEIGHT_MAX, 9);
        column.forEach((k) => w[k] === 0 && expect(rounded[k], `column ${j}: weight ${k} was zero`).toBe(0));
      }
      // and the graph's int8PerAxis takes them back (to its float32 scale's precision)
      const { q, scales } = int8PerAxis(rounded, [inputs, outputs], 1);
      rounded.forEach((v, k) =>
        expect(Math.abs(q[k] * scales[k % outputs] - v)).toBeLessThan(1e-6 * Math.abs(v) + 1e-12),
      );
    }
  });

  it('changes the output on correlated inputs about as little as the best grid point near it, far less than rounding each weight alone', () => {
    const rounded = roundToInt8Grid(weights, 5, 2, x, rows);
    const { q, scales } = int8PerAxis(weights, [5, 2], 1);
    const plain = Float64Array.from(q, (v, k) => v * scales[k % 2]);
    const compensated = outputChange(x, rows, weights, rounded, 5, 2, 0);
    const alone = outputChange(x, rows, weights, plain, 5, 2, 0);
    expect(alone).toBeGreaterThan(1e-3);
    expect(compensated).toBeLessThan(alone / 6);
    // The best of every grid point within 2 steps of plain rounding for output 0's four smaller weights (its largest
    // stays at 63 steps, which sets the scale): what the rounding could reach at most.
    let best = Number.POSITIVE_INFINITY;
    const trial = Float64Array.from(plain);
    for (let code = 0; code < 5 ** 4; code++) {
      for (let i = 1; i < 5; i++) trial[i * 2] = plain[i * 2] + ((Math.floor(code / 5 ** (i - 1)) % 5) - 2) * scales[0];
      best = Math.min(best, outputChange(x, rows, weights, trial, 5, 2, 0));
    }
    expect(compensated).toBeLessThan(1.5 * best);
    // and on rows it was not given, of the same process
    const fresh = correlatedInputs(rows, 8);
    expect(outputChange(fresh, rows, weights, rounded, 5, 2, 0)).toBeLessThan(
      outputChange(fresh, rows, weights, plain, 5, 2, 0) / 6,
    );
  });
  it('rounds as the step-by-step least-squares procedure does (each rounding made up by the best setting of the rest)', () => {
    const d = 12;
    const rng = new SeededRandom(5);
    const n = 200;
    const plant = new Float64Array(n * d);
    for (let r = 0; r < n; r++) {
      const [f, g] = [rng.normal(), rng.normal()];
      for (let i = 0; i < d; i++)
        plant[r * d + i] = (i % 3 === 0 ? f : 0.6 * f + (i % 2 ? g : -g)) + 0.1 * rng.normal() * (1 + i / d);
    }
    // Every channel in the model (each column leaves out its own input: one downdate of the layer's inverse); two
    // channels left out (their inputs feed no kept column; their own columns copy themselves, one input each: an
    // inverse of its own); three outputs on the kept inputs alone, as the left-out channels' prediction (the
    // layer's inverse as it is); and the two-output layer above (a column on three of five inputs: its own inverse).
    const all = Array.from({ length: d }, (_, i) => i);
    const left = all.map((i) => i === 4 || i === 9);
    const kept = all.filter((i) => !left[i]);
    const onKept = new Float64Array(d * 3);
    kept.forEach((i, k) => [0, 1, 2].forEach((o) => (onKept[i * 3 + o] = Math.sin(1 + k * 3 + o) / 2)));
    for (const [w, inputs, outputs, data, rowsOf] of [
      [
        fitLeaveOneOutWithout(
          plant,
          n,
          d,
          1e-3,
          all.map(() => false),
        ).layers[0].weights,
        d,
        d,
        plant,
        n,
      ],
      [fitLeaveOneOutWithout(plant, n, d, 1e-3, left).layers[0].weights, d, d, plant, n],
      [onKept, d, 3, plant, n],
      [weights, 5, 2, x, rows],
    ] as const) {
      // The damping's inputs: every input some column of the layer uses.
      const layerInputs = Array.from({ length: inputs }, (_, i) => i).filter((i) =>
        Array.from({ length: outputs }, (_, o) => w[i * outputs + o]).some((v) => v !== 0),
      );
      const rounded = roundToInt8Grid(w, inputs, outputs, data, rowsOf);
      for (let j = 0; j < outputs; j++) {
        const column = Array.from({ length: inputs }, (_, i) => w[i * outputs + j]);
        if (column.every((v) => v === 0)) continue;
        const expected = referenceColumn(column, data, rowsOf, inputs, layerInputs);
        expected.forEach((v, i) => expect(rounded[i * outputs + j], `column ${j}, input ${i}`).toBeCloseTo(v, 9));
      }
    }
  });
});
