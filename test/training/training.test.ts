/**
 * The training path: the numeric core learns, the exported ONNX graphs compute what the JS model
 * computes (fp32 exactly, int8 within quantisation error). shipped-models.e2e.test.ts rebuilds the
 * shipped models byte for byte.
 */
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { SeededRandom } from '../../src/core/random.js';
import { DenseAutoencoder } from '../../src/training/dense-autoencoder.js';
import { denseToOnnxGraph } from '../../src/training/export-dense.js';
import { calibrateRanges } from '../../src/training/scoring-graph.js';
import { encodeOnnxModel } from '../../src/training/onnx-writer.js';

function data(rows: number, d: number, seed: number): Float64Array {
  // Low-rank data: 2 latent factors mixed into d features, plus a little noise.
  const fixed = new SeededRandom(99); // the same mixing for every sample set
  const mix = Array.from({ length: 2 * d }, () => fixed.normal());
  const rng = new SeededRandom(seed);
  const x = new Float64Array(rows * d);
  for (let r = 0; r < rows; r++) {
    const a = rng.normal();
    const b = rng.normal();
    for (let k = 0; k < d; k++) x[r * d + k] = a * mix[k] + b * mix[d + k] + 0.05 * rng.normal();
  }
  return x;
}

/** Runs a scoring graph; returns [score per row, channel error per row and channel]. */
async function run(bytes: Uint8Array, x: Float64Array, rows: number, d: number): Promise<[Float32Array, Float32Array]> {
  const session = await ort.InferenceSession.create(bytes);
  const out = await session.run({ window: new ort.Tensor('float32', Float32Array.from(x), [rows, d]) });
  await session.release();
  return [out.score.data as Float32Array, out.channel_error.data as Float32Array];
}

/** What the graph computes, in plain JS: normalise, reconstruct, mean squared error per channel. */
function expectedScores(
  ae: DenseAutoencoder,
  raw: Float64Array,
  rows: number,
  layout: { windowLength: number; mean: number[]; std: number[] },
) {
  const d = ae.inputSize;
  const c = layout.mean.length;
  const x = raw.map((v, k) => (v - layout.mean[k % c]) / layout.std[k % c]);
  const y = ae.reconstruct(x, rows);
  const scores: number[] = [];
  const channels: number[] = [];
  for (let r = 0; r < rows; r++) {
    const per = new Array<number>(c).fill(0);
    for (let k = 0; k < d; k++) per[k % c] += (y[r * d + k] - x[r * d + k]) ** 2 / layout.windowLength;
    channels.push(...per);
    scores.push(per.reduce((a, b) => a + b, 0) / c);
  }
  return { scores, channels };
}

describe('dense autoencoder', () => {
  it('learns low-rank data: validation loss falls well below the data variance', () => {
    const d = 12;
    const ae = new DenseAutoencoder([d, 16, 2, 16, d], [true, false, true, false], 1);
    const train = data(600, d, 2);
    const val = data(200, d, 3);
    let variance = 0;
    for (const v of val) variance += v * v;
    variance /= val.length;
    const fit = ae.fit(train, val, { epochs: 60, batchSize: 32, learningRate: 5e-3, patience: 10, seed: 1 });
    expect(fit.validationLoss).toBeLessThan(variance * 0.05);
    expect(ae.loss(val, 200)).toBeCloseTo(fit.validationLoss, 10);
  });

  it('exports an fp32 scoring graph that onnxruntime evaluates to what the JS model computes', async () => {
    const d = 10;
    const layout = { windowLength: 5, mean: [1, -2], std: [0.5, 3] };
    const ae = new DenseAutoencoder([d, 6, 3, 6, d], [true, false, true, false], 4);
    const x = data(16, d, 5);
    const bytes = encodeOnnxModel(denseToOnnxGraph(ae, 't', layout), {
      producerName: 'test',
      producerVersion: '0',
      opset: 13,
    });
    const [scores, channels] = await run(bytes, x, 16, d);
    const expected = expectedScores(ae, x, 16, layout);
    expect(scores).toHaveLength(16);
    expect(channels).toHaveLength(32);
    scores.forEach((s, i) => expect(s).toBeCloseTo(expected.scores[i], 4));
    channels.forEach((v, i) => expect(v).toBeCloseTo(expected.channels[i], 4));
  });

  it('exports an int8 QDQ graph whose output stays within quantisation error of fp32', async () => {
    const d = 40;
    const layout = { windowLength: 10, mean: [0, 0, 0, 0], std: [1, 1, 1, 1] };
    const ae = new DenseAutoencoder([d, 16, 3, 16, d], [true, false, true, false], 4);
    const x = data(64, d, 6);
    const ranges = calibrateRanges(ae, x, 64);
    const int8 = encodeOnnxModel(denseToOnnxGraph(ae, 'q', layout, ranges), {
      producerName: 'test',
      producerVersion: '0',
      opset: 13,
    });
    const fp32 = encodeOnnxModel(denseToOnnxGraph(ae, 'f', layout), {
      producerName: 'test',
      producerVersion: '0',
      opset: 13,
    });
    expect(int8.length).toBeLessThan(fp32.length);
    const [yq] = await run(int8, x, 64, d);
    const [yf] = await run(fp32, x, 64, d);
    let err = 0;
    let norm = 0;
    for (let k = 0; k < yf.length; k++) {
      err += (yq[k] - yf[k]) ** 2;
      norm += yf[k] ** 2;
    }
    expect(Math.sqrt(err / norm)).toBeLessThan(0.1);
    expect(Math.sqrt(err / norm)).toBeGreaterThan(0); // it really is quantised
  });
});
