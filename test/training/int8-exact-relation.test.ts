/**
 * A channel that another one sets exactly (a P-only controller's output computed from its measurement, as on the
 * Tennessee Eastman plant's level loops) has an out-of-fold residual spread near zero in the hybrid's leave-one-out
 * autoencoder. onnxruntime-node's optimiser fused the int8 weights' DequantizeLinear and MatMul into MatMulNBits, whose
 * default accuracy level quantizes the fp32 input to int8 on the fly: that rounding alone read as an anomaly in every
 * window (int8 score 32 on every Tennessee Eastman row, fp32 2.5). The gateway's sessions keep fp32 compute, and the
 * graph now dequantizes those weights by a Cast and a Mul, which no runtime fuses that way: a model folder scores the
 * same in any onnxruntime session, with its default settings too.
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { inMemoryModel } from '../../src/eval/evaluate.js';
import { AutoencoderModel } from '../../src/inference/autoencoder-model.js';
import type { Window } from '../../src/core/types.js';
import { fitHybrid, plantWithPOnlyLoop } from '../helpers/two-source-plant.js';

describe('the int8 hybrid on a channel another one sets exactly', () => {
  it('scores normal windows as the fp32 graph does, below its alarm, in the gateway and in a default onnxruntime session', async () => {
    const plant = plantWithPOnlyLoop();
    const fitted = await fitHybrid(plant);
    const c = plant.channels.length;
    const W = fitted.manifest.input.window_length;
    const windows: Window[] = [100, 300, 500, 700].map((end) => ({
      asset: 'line',
      channels: plant.channels,
      length: W,
      start: (end - W + 1) * 1000,
      end: end * 1000,
      data: Float32Array.from(plant.rows.subarray((end - W + 1) * c, (end + 1) * c)),
    }));
    const scores = async (precision: 'int8' | 'fp32') => {
      const model = await AutoencoderModel.load(inMemoryModel(fitted, precision, 'test'), { asset: 'line' });
      try {
        return (await model.score(windows)).map((r) => r.score);
      } finally {
        await model.close();
      }
    };
    const [int8, fp32] = [await scores('int8'), await scores('fp32')];
    const on = fitted.manifest.score.threshold;
    expect(Math.max(...fp32)).toBeLessThan(on);
    int8.forEach((s, i) => expect(Math.abs(s - fp32[i]), `window ${i}: int8 ${s}, fp32 ${fp32[i]}`).toBeLessThan(0.5));
    expect(Math.max(...int8)).toBeLessThan(on);

    // The int8 file as a user's own onnxruntime loads it: default settings, and the fusing kernel's default accuracy
    // level named outright. Before the Cast and Mul, both read 32 here.
    for (const options of [{}, { extra: { session: { qdq_matmulnbits_accuracy_level: '4' } } }]) {
      const session = await ort.InferenceSession.create(fitted.int8, options);
      try {
        for (const [i, w] of windows.entries()) {
          const out = await session.run({
            [session.inputNames[0]]: new ort.Tensor('float32', w.data, [1, w.data.length]),
          });
          const score = (out.score.data as Float32Array)[0];
          expect(
            Math.abs(score - int8[i]),
            `window ${i}, ${JSON.stringify(options)}: ${score} against ${int8[i]}`,
          ).toBeLessThan(1e-4);
        }
      } finally {
        await session.release();
      }
    }
  });
});
