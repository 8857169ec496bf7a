/** Reading back the fp32 ONNX graphs we export (what `linewatch quantize` starts from). */
import { describe, expect, it } from 'vitest';
import { DenseAutoencoder } from '../../src/training/dense-autoencoder.js';
import { denseToOnnxGraph } from '../../src/training/export-dense.js';
import { encodeOnnxModel } from '../../src/training/onnx-writer.js';
import { autoencoderFromOnnx } from '../../src/training/quantize.js';
import { ConvAutoencoder } from '../../src/training/conv-autoencoder.js';
import { exportConvOnnx } from '../../src/training/export-conv.js';

describe('ONNX read-back', () => {
  it('rebuilds every layer of an exported dense autoencoder: sizes, ReLUs, float32 weights and biases', () => {
    const ae = new DenseAutoencoder([12, 7, 3, 7, 12], [true, false, true, false], 11);
    ae.layers[1].bias.fill(0.25);
    const bytes = encodeOnnxModel(denseToOnnxGraph(ae, 'probe', { windowLength: 4, mean: [0, 1, 2], std: [1, 2, 3] }), {
      producerName: 'test',
      producerVersion: '0',
      opset: 13,
    });
    const back = autoencoderFromOnnx(bytes, 'probe.onnx', 3, 4) as DenseAutoencoder;
    expect(back).toBeInstanceOf(DenseAutoencoder);
    expect(back.layers.map((l) => [l.inputs, l.outputs, l.relu])).toEqual(
      ae.layers.map((l) => [l.inputs, l.outputs, l.relu]),
    );
    back.layers.forEach((l, i) => {
      expect(Array.from(l.weights)).toEqual(Array.from(ae.layers[i].weights, Math.fround));
      expect(Array.from(l.bias)).toEqual(Array.from(ae.layers[i].bias, Math.fround));
    });
  });

  it('rebuilds an exported 1-D conv autoencoder: conv and deconv layers, their channels, ReLUs and weights', () => {
    const ae = new ConvAutoencoder(3, 8, [5, 2], 4);
    const bytes = exportConvOnnx(ae, 'probe', { windowLength: 8, mean: [0, 1, 2], std: [1, 2, 3] });
    const back = autoencoderFromOnnx(bytes, 'conv.onnx', 3, 8) as ConvAutoencoder;
    expect(back).toBeInstanceOf(ConvAutoencoder);
    expect(back.layers.map((l) => [l.kind, l.inputs, l.outputs, l.relu])).toEqual([
      ['conv', 3, 5, true],
      ['conv', 5, 2, false],
      ['deconv', 2, 5, true],
      ['deconv', 5, 3, false],
    ]);
    back.layers.forEach((l, i) => expect(Array.from(l.weights)).toEqual(Array.from(ae.layers[i].weights, Math.fround)));
    const x = Float64Array.from({ length: 24 }, (_, k) => Math.cos(k));
    const [a, b] = [ae.reconstruct(x, 1), back.reconstruct(x, 1)];
    for (let k = 0; k < a.length; k++) expect(b[k]).toBeCloseTo(a[k], 5);
  });

  it('refuses an int8 export and bytes that are not ONNX, naming the file', () => {
    const ae = new DenseAutoencoder([6, 2, 6], [true, false], 2);
    const int8 = encodeOnnxModel(
      denseToOnnxGraph(ae, 'q', { windowLength: 2, mean: [0, 0, 0], std: [1, 1, 1] }, [
        { min: -1, max: 1 },
        { min: 0, max: 2 },
      ]),
      { producerName: 'test', producerVersion: '0', opset: 13 },
    );
    expect(() => autoencoderFromOnnx(int8, 'model.int8.onnx', 3, 2)).toThrow(
      /model\.int8\.onnx: no fp32 weights W0 \(this is an int8 model/,
    );
    expect(() =>
      autoencoderFromOnnx(new TextEncoder().encode('not a model at all, just text'), 'notes.onnx', 3, 2),
    ).toThrow(/^notes\.onnx: not/);
  });
});
