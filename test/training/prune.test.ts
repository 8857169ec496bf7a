/** Structured pruning of the dense and conv autoencoders (pure). */
import { describe, expect, it } from 'vitest';
import { DenseAutoencoder } from '../../src/training/dense-autoencoder.js';
import { pruneConvChannels, pruneHiddenUnits } from '../../src/training/prune.js';
import { ConvAutoencoder, CONV_KERNEL, convWeightIndex } from '../../src/training/conv-autoencoder.js';

describe('pruning hidden units', () => {
  it('removes, in every hidden layer, the units with the smallest L1 norm', () => {
    const ae = new DenseAutoencoder([12, 8, 4, 8, 12], [true, false, true, false], 5);
    // Silence units 1, 5, 6 of the first hidden layer: their L1 norms are 0.
    const [into, from] = ae.layers;
    for (const j of [1, 5, 6]) {
      for (let i = 0; i < into.inputs; i++) into.weights[i * into.outputs + j] = 0;
      from.weights.fill(0, j * from.outputs, (j + 1) * from.outputs);
    }
    const { model, hiddenBefore, hiddenAfter } = pruneHiddenUnits(ae, 0.375);
    expect(hiddenBefore).toEqual([8, 4, 8]);
    expect(hiddenAfter).toEqual([5, 3, 5]);
    expect(model.parameterCount).toBeLessThan(ae.parameterCount);
    // The first layer kept columns 0, 2, 3, 4, 7 of the original weights, in order.
    const kept = [0, 2, 3, 4, 7];
    for (let i = 0; i < 12; i++)
      expect(Array.from(model.layers[0].weights.subarray(i * 5, i * 5 + 5))).toEqual(
        kept.map((j) => into.weights[i * 8 + j]),
      );
  });

  it('keeps at least one unit per layer and refuses fractions outside [0, 1)', () => {
    const ae = new DenseAutoencoder([6, 2, 6], [true, false], 1);
    expect(pruneHiddenUnits(ae, 0.9).hiddenAfter).toEqual([1]);
    expect(() => pruneHiddenUnits(ae, 1)).toThrow(/expected 0 <= R < 1/);
  });

  it('prunes the silent units first: removing them leaves the output unchanged', () => {
    const ae = new DenseAutoencoder([10, 6, 10], [true, false], 3);
    const [into, from] = ae.layers;
    for (const j of [0, 4]) {
      for (let i = 0; i < into.inputs; i++) into.weights[i * into.outputs + j] = 0;
      into.bias[j] = 0;
      from.weights.fill(0, j * from.outputs, (j + 1) * from.outputs);
    }
    const x = Float64Array.from({ length: 2 * 10 }, (_, i) => Math.cos(i));
    const { model, hiddenAfter } = pruneHiddenUnits(ae, 2 / 6);
    expect(hiddenAfter).toEqual([4]);
    const a = ae.reconstruct(x, 2);
    const b = model.reconstruct(x, 2);
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i], 12);
  });
});

describe('pruning conv channels', () => {
  /** Makes channel j between layer h and h + 1 silent: no kernel into it, no bias, none out of it. */
  function silence(ae: ConvAutoencoder, h: number, j: number): void {
    const [into, from] = [ae.layers[h], ae.layers[h + 1]];
    for (let i = 0; i < into.inputs; i++)
      for (let k = 0; k < CONV_KERNEL; k++) into.weights[convWeightIndex(into, i, j, k)] = 0;
    into.bias[j] = 0;
    for (let o = 0; o < from.outputs; o++)
      for (let k = 0; k < CONV_KERNEL; k++) from.weights[convWeightIndex(from, j, o, k)] = 0;
  }

  it('removes the channels with the smallest L1 norm from both layers: narrower, same reconstruction when they were silent', () => {
    const ae = new ConvAutoencoder(3, 8, [6, 4], 9);
    for (const [h, j] of [
      [0, 2],
      [0, 5],
      [1, 3],
      [2, 0],
      [2, 4],
    ])
      silence(ae, h, j);
    const { model, hiddenBefore, hiddenAfter } = pruneConvChannels(ae, 1 / 3);
    expect(hiddenBefore).toEqual([6, 4, 6]);
    expect(hiddenAfter).toEqual([4, 3, 4]);
    expect(model.parameterCount).toBeLessThan(ae.parameterCount);
    const x = Float64Array.from({ length: 2 * 24 }, (_, i) => Math.sin(i));
    const a = ae.reconstruct(x, 2);
    const b = model.reconstruct(x, 2);
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i], 12);
    // The kept kernels are the original ones: first layer, output channel 3 (was 4, after dropping 2).
    for (let i = 0; i < 3; i++)
      for (let k = 0; k < CONV_KERNEL; k++)
        expect(model.layers[0].weights[convWeightIndex(model.layers[0], i, 3, k)]).toBe(
          ae.layers[0].weights[convWeightIndex(ae.layers[0], i, 4, k)],
        );
  });
});
