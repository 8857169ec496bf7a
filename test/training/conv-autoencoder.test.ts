import { describe, expect, it } from 'vitest';
import { ConvAutoencoder } from '../../src/training/conv-autoencoder.js';
import { SeededRandom } from '../../src/core/random.js';
import { exportConvOnnx } from '../../src/training/export-conv.js';
import { calibrateRanges } from '../../src/training/scoring-graph.js';
import { createSession, ort } from '../../src/inference/onnx-session.js';

function randomWindows(rows: number, d: number, seed: number): Float64Array {
  const rng = new SeededRandom(seed);
  return new Float64Array(rows * d).map(() => rng.normal());
}

describe('1-D conv autoencoder', () => {
  it('reconstructs a window of the same shape, halving then doubling the time axis', () => {
    const ae = new ConvAutoencoder(3, 12, [5, 2], 1);
    const acts = ae.forward(randomWindows(2, 36, 2), 2);
    // input, after conv 1 (5 × 6), after conv 2 (2 × 3), after deconv 1 (5 × 6), after deconv 2 (3 × 12),
    // reconstruction
    expect(acts.map((a) => a.length / 2)).toEqual([36, 30, 6, 30, 36, 36]);
    expect(ae.parameterCount).toBe(3 * 5 * 4 + 5 + 5 * 2 * 4 + 2 + 2 * 5 * 4 + 5 + 5 * 3 * 4 + 3);
  });

  it('has gradients that match finite differences for every layer', () => {
    const ae = new ConvAutoencoder(2, 8, [3, 2], 3);
    const x = randomWindows(3, 16, 4);
    const { grads } = ae.gradients(x, 3);
    const params = ae.parameters();
    const rng = new SeededRandom(5);
    for (let p = 0; p < params.length; p++) {
      for (let n = 0; n < 4; n++) {
        const k = Math.floor(rng.next() * params[p].length);
        const keep = params[p][k];
        params[p][k] = keep + 1e-6;
        const up = ae.loss(x, 3);
        params[p][k] = keep - 1e-6;
        const down = ae.loss(x, 3);
        params[p][k] = keep;
        const numeric = (up - down) / 2e-6;
        expect(Math.abs(grads[p][k] - numeric)).toBeLessThan(1e-6 + 1e-4 * Math.abs(numeric));
      }
    }
  });

  it('learns: the validation loss of smooth multichannel signals falls well below the untrained one', () => {
    const T = 16;
    const C = 3;
    const make = (rows: number, seed: number) => {
      const rng = new SeededRandom(seed);
      const x = new Float64Array(rows * T * C);
      for (let r = 0; r < rows; r++) {
        const phase = rng.next() * 6.28;
        for (let t = 0; t < T; t++) for (let c = 0; c < C; c++) x[r * T * C + t * C + c] = Math.sin(phase + t / 3 + c);
      }
      return x;
    };
    const ae = new ConvAutoencoder(C, T, [8, 4], 7);
    const val = make(50, 2);
    const before = ae.loss(val, 50);
    const fit = ae.fit(make(400, 1), val, { epochs: 30, batchSize: 32, learningRate: 3e-3, patience: 5, seed: 1 });
    expect(fit.validationLoss).toBeLessThan(before / 5);
  });

  it('refuses a window length it cannot halve twice, naming it', () => {
    expect(() => new ConvAutoencoder(3, 10, [4, 2], 1)).toThrow('the window length must be a multiple of 4 (got 10)');
  });
});

describe('1-D conv autoencoder export', () => {
  const C = 3;
  const T = 12;
  const layout = { windowLength: T, mean: [1, -2, 0.5], std: [2, 0.5, 1] };
  const ae = new ConvAutoencoder(C, T, [6, 3], 11);
  const raw = randomWindows(8, C * T, 12).map((v, k) => v * layout.std[k % C] + layout.mean[k % C]);
  /** Our own score per window (mean squared reconstruction error of the normalised window). */
  const expected = () => {
    const x = raw.map((v, k) => (v - layout.mean[k % C]) / layout.std[k % C]);
    const y = ae.reconstruct(x, 8);
    return Array.from({ length: 8 }, (_, r) => {
      let s = 0;
      for (let k = 0; k < C * T; k++) s += (y[r * C * T + k] - x[r * C * T + k]) ** 2;
      return s / (C * T);
    });
  };
  const run = async (bytes: Uint8Array) => {
    const { session } = await createSession(bytes);
    try {
      const out = await session.run({ window: new ort.Tensor('float32', Float32Array.from(raw), [8, C * T]) });
      return { score: Array.from(out.score.data as Float32Array), channels: out.channel_error.dims };
    } finally {
      await session.release();
    }
  };

  it('scores in onnxruntime (Conv, ConvTranspose) as the trainer computes it, fp32', async () => {
    const got = await run(exportConvOnnx(ae, 'conv_test', layout));
    expect(got.channels).toEqual([8, C]);
    got.score.forEach((s, i) => expect(s).toBeCloseTo(expected()[i], 4));
  });

  it('int8 QDQ (per-channel weights on axis 0 / 1) stays close to fp32', async () => {
    const x = raw.map((v, k) => (v - layout.mean[k % C]) / layout.std[k % C]);
    const got = await run(exportConvOnnx(ae, 'conv_test', layout, calibrateRanges(ae, x, 8)));
    got.score.forEach((s, i) => expect(Math.abs(s - expected()[i]) / expected()[i]).toBeLessThan(0.05));
  });
});
