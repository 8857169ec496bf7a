/** Reading back the fp32 ONNX graphs we export (what `linewatch quantize` starts from). */
import { describe, expect, it } from 'vitest';
import { DenseAutoencoder } from '../src/training/dense-autoencoder.js';
import { denseToOnnxGraph } from '../src/training/export-dense.js';
import { encodeOnnxModel } from '../src/training/onnx-writer.js';
import { denseFromOnnx } from '../src/training/quantize.js';

describe('ONNX read-back', () => {
  it('rebuilds every layer of an exported dense autoencoder: sizes, ReLUs, float32 weights and biases', () => {
    const ae = new DenseAutoencoder([12, 7, 3, 7, 12], [true, false, true, false], 11);
    ae.layers[1].bias.fill(0.25);
    const bytes = encodeOnnxModel(denseToOnnxGraph(ae, 'probe', { windowLength: 4, mean: [0, 1, 2], std: [1, 2, 3] }), { producerName: 'test', producerVersion: '0', opset: 13 });
    const back = denseFromOnnx(bytes, 'probe.onnx');
    expect(back.layers.map((l) => [l.inputs, l.outputs, l.relu])).toEqual(ae.layers.map((l) => [l.inputs, l.outputs, l.relu]));
    back.layers.forEach((l, i) => {
      expect(Array.from(l.weights)).toEqual(Array.from(ae.layers[i].weights, Math.fround));
      expect(Array.from(l.bias)).toEqual(Array.from(ae.layers[i].bias, Math.fround));
    });
  });

  it('refuses an int8 export and bytes that are not ONNX, naming the file', () => {
    const ae = new DenseAutoencoder([6, 2, 6], [true, false], 2);
    const int8 = encodeOnnxModel(denseToOnnxGraph(ae, 'q', { windowLength: 2, mean: [0, 0, 0], std: [1, 1, 1] }, [{ min: -1, max: 1 }, { min: 0, max: 2 }]), { producerName: 'test', producerVersion: '0', opset: 13 });
    expect(() => denseFromOnnx(int8, 'model.int8.onnx')).toThrow(/model\.int8\.onnx: no fp32 weights W0 \(this is an int8 model/);
    expect(() => denseFromOnnx(new TextEncoder().encode('not a model at all, just text'), 'notes.onnx')).toThrow(/^notes\.onnx: not/);
  });
});
