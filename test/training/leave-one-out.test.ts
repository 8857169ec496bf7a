/** The leave-one-out linear autoencoder: each channel from the others only, ridge from the rows, channels left out. */
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/core/random.js';
import { crossFitBlocks } from '../../src/training/cross-fit.js';
import {
  RIDGE_GRID,
  chooseRidge,
  fitLeaveOneOut,
  fitLeaveOneOutWithout,
  int8RoundingSpread,
  invert,
  ridgeCurve,
} from '../../src/training/leave-one-out.js';
import { DenseAutoencoder } from '../../src/training/dense-autoencoder.js';
import { roundToInt8Grid } from '../../src/training/weight-rounding.js';
import { INT8_WEIGHT_MAX } from '../../src/training/scoring-graph.js';

/** rows × 4: a = latent + noise, b = 2·latent + noise, c = −latent + noise, d = independent noise. */
function plant(rows: number, seed: number, noise = 0.05): Float64Array {
  const rng = new SeededRandom(seed);
  const x = new Float64Array(rows * 4);
  for (let r = 0; r < rows; r++) {
    const t = rng.normal();
    x.set([t + noise * rng.normal(), 2 * t + noise * rng.normal(), -t + noise * rng.normal(), rng.normal()], r * 4);
  }
  return x;
}

describe('leave-one-out linear autoencoder', () => {
  it('inverts a symmetric positive-definite matrix', () => {
    const a = Float64Array.of(4, 1, 0.5, 1, 3, 0.2, 0.5, 0.2, 2);
    const inv = invert(a, 3);
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += a[i * 3 + k] * inv[k * 3 + j];
        expect(s).toBeCloseTo(i === j ? 1 : 0, 10);
      }
  });

  it('never feeds a channel to its own prediction, and predicts correlated channels from the others', () => {
    const x = plant(2000, 1);
    const model = fitLeaveOneOut(x, 2000, 4, 1e-3);
    const w = model.layers[0].weights;
    for (let i = 0; i < 4; i++) expect(w[i * 4 + i]).toBe(0);
    // b ≈ 2a and c ≈ −a: b's prediction leans on a and c, not on the independent d
    expect(Math.abs(w[0 * 4 + 1]) + Math.abs(w[2 * 4 + 1])).toBeGreaterThan(1.5);
    expect(Math.abs(w[3 * 4 + 1])).toBeLessThan(0.05);
    const fresh = plant(500, 2);
    const recon = model.reconstruct(fresh, 500);
    let errB = 0;
    let errD = 0;
    for (let r = 0; r < 500; r++) {
      errB += (recon[r * 4 + 1] - fresh[r * 4 + 1]) ** 2 / 500;
      errD += (recon[r * 4 + 3] - fresh[r * 4 + 3]) ** 2 / 500;
    }
    expect(errB).toBeLessThan(0.02); // b's variance is ~4: explained by the others
    expect(errD).toBeGreaterThan(0.8); // d's variance is 1: nothing explains it
  });

  it('a channel that leaves its relation to the others gets a residual many times its normal one', () => {
    const x = plant(2000, 3);
    const model = fitLeaveOneOut(x, 2000, 4, 1e-3);
    const fresh = plant(500, 4);
    const broken = Float64Array.from(fresh);
    const rng = new SeededRandom(9);
    for (let r = 0; r < 500; r++) broken[r * 4 + 1] = 2 * rng.normal(); // b decoupled, its spread unchanged
    const rms = (rows: Float64Array) => {
      const recon = model.reconstruct(rows, 500);
      let s = 0;
      for (let r = 0; r < 500; r++) s += (recon[r * 4 + 1] - rows[r * 4 + 1]) ** 2 / 500;
      return Math.sqrt(s);
    };
    expect(rms(broken) / rms(fresh)).toBeGreaterThan(10);
  });

  it("chooses each channel's ridge from the grid by cross-validation: small for a clean relation, large for noise", () => {
    const largest = RIDGE_GRID[RIDGE_GRID.length - 1];
    const ridge = chooseRidge(plant(800, 5, 0.01), 4, crossFitBlocks(800));
    // a, b and c predict each other; d, independent noise, is best predicted by its mean (the largest ridge)
    expect(ridge.slice(0, 3).every((l) => l < largest)).toBe(true);
    expect(ridge[3]).toBe(largest);
    const rng = new SeededRandom(6);
    const noise = Float64Array.from({ length: 200 * 4 }, () => rng.normal());
    expect(chooseRidge(noise, 4, crossFitBlocks(200))).toEqual([largest, largest, largest, largest]);
  });

  it('ridgeCurve: per ridge, the in-sample error is at most the out-of-fold one; a clean relation is predicted best with little ridge, noise with the most', () => {
    const clean = plant(800, 5, 0.01);
    const blocks = crossFitBlocks(800);
    // The three related channels only: their out-of-fold error is smallest at the smallest ridge and far below the
    // mean's (1 in these units).
    const three = Float64Array.from({ length: 800 * 3 }, (_, i) => clean[Math.floor(i / 3) * 4 + (i % 3)]);
    const c = ridgeCurve(three, 3, blocks);
    expect(c.ridge).toEqual(RIDGE_GRID);
    c.train.forEach((t, i) => expect(t).toBeLessThanOrEqual(c.validation[i] + 1e-12));
    expect(c.validation[0]).toBeLessThan(c.validation[c.validation.length - 1]);
    expect(Math.min(...c.validation)).toBeLessThan(0.01);
    const rng = new SeededRandom(6);
    const noise = ridgeCurve(
      Float64Array.from({ length: 200 * 4 }, () => rng.normal()),
      4,
      crossFitBlocks(200),
    );
    expect(noise.validation.indexOf(Math.min(...noise.validation))).toBe(RIDGE_GRID.length - 1);
  });

  it("fits each channel with its own ridge: a channel's coefficients are those of a fit with its ridge for all", () => {
    const x = plant(600, 8, 0.3);
    const mixed = fitLeaveOneOut(x, 600, 4, [1e-4, 1, 1e-4, 1]).layers[0];
    const small = fitLeaveOneOut(x, 600, 4, 1e-4).layers[0];
    const large = fitLeaveOneOut(x, 600, 4, 1).layers[0];
    for (const [to, from] of [
      [0, small],
      [1, large],
      [2, small],
      [3, large],
    ] as const) {
      for (let i = 0; i < 4; i++) expect(mixed.weights[i * 4 + to]).toBe(from.weights[i * 4 + to]);
      expect(mixed.bias[to]).toBe(from.bias[to]);
    }
    // the two ridges give b different coefficients, so the comparison above can tell them apart
    expect(Math.abs(small.weights[0 * 4 + 1] - large.weights[0 * 4 + 1])).toBeGreaterThan(0.01);
  });

  it('a channel left out neither gets a residual nor feeds the others', () => {
    const x = plant(1000, 7);
    const model = fitLeaveOneOutWithout(x, 1000, 4, 1e-3, [false, true, false, false]);
    const w = model.layers[0].weights;
    for (let to = 0; to < 4; to++) if (to !== 1) expect(w[1 * 4 + to]).toBe(0);
    const recon = model.reconstruct(x, 1000);
    for (let r = 0; r < 1000; r++) expect(recon[r * 4 + 1]).toBeCloseTo(x[r * 4 + 1], 12);
    // a is still predicted (from c)
    let err = 0;
    for (let r = 0; r < 1000; r++) err += (recon[r * 4] - x[r * 4]) ** 2 / 1000;
    expect(err).toBeLessThan(0.02);
  });
});

describe('int8RoundingSpread', () => {
  it('is what the int8 weights (per output channel, as the graph stores them) change in each reconstruction', () => {
    // weights[in][out]: output 0 takes input 0 with 2 (its channel's largest) and input 1 with 0.01, under half a step
    // (2/INT8_WEIGHT_MAX) of that channel, so int8 rounds it to 0 (it is rounded last: no weight is left to make up
    // for it); output 1 takes input 0 with 1, its largest: exact. Read per input instead (the wrong axis), output 1's
    // weight would round and input 1's would stay exact.
    const weights = Float64Array.of(2, 1, 0.01, 0);
    const layer = { inputs: 2, outputs: 2, relu: false, weights, bias: new Float64Array(2) };
    const model = DenseAutoencoder.fromLayers([layer]);
    const x = Float64Array.of(1, 3, -1, -3, 3, 3, 0, -3); // input 1 is ±3 on every row
    const [rounded, exact] = int8RoundingSpread(model, roundToInt8Grid(weights, 2, 2, x, 4), x, 4, 2);
    expect(2 / INT8_WEIGHT_MAX / 2).toBeGreaterThan(0.01);
    expect(rounded).toBeCloseTo(0.01 * 3, 6);
    expect(exact).toBeLessThan(1e-6);
  });
});
