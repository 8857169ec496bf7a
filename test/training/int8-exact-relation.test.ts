/**
 * A channel that another one sets exactly (a P-only controller's output computed from its measurement, as on the
 * Tennessee Eastman plant's level loops) has an out-of-fold residual spread near zero in the hybrid's leave-one-out
 * autoencoder. onnxruntime-node's optimiser fuses the int8 weights' DequantizeLinear and MatMul into MatMulNBits, whose
 * default accuracy level quantizes the fp32 input to int8 on the fly: that rounding alone read as an anomaly in every
 * window (int8 score 32 on every Tennessee Eastman row, fp32 2.5). The gateway's sessions keep fp32 compute.
 */
import { describe, expect, it } from 'vitest';
import { inMemoryModel } from '../../src/eval/evaluate.js';
import { AutoencoderModel } from '../../src/inference/autoencoder-model.js';
import type { Window } from '../../src/core/types.js';
import { fitHybrid, plantWithPOnlyLoop } from '../helpers/two-source-plant.js';

describe('the int8 hybrid on a channel another one sets exactly', () => {
  it('scores normal windows in the gateway as the fp32 graph does, below its alarm', async () => {
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
  });
});
