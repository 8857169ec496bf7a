/**
 * Exports a 1-D conv autoencoder as one ONNX scoring graph, like the dense export: raw window in,
 * normalisation, [batch, T*C] reshaped and transposed to [batch, C, T], Conv / ConvTranspose
 * layers, back to [batch, T*C], squared error per channel and score out. int8 QDQ: weights int8
 * symmetric per output channel (Conv axis 0, ConvTranspose axis 1), activations uint8 per tensor.
 */
import { CONV_KERNEL, CONV_PAD, CONV_STRIDE, type ConvAutoencoder } from './conv-autoencoder.js';
import { ScoringGraphBuilder, type ActivationRange, type WindowLayout } from './scoring-graph.js';
import { encodeOnnxModel, TensorType, type OnnxGraph } from './onnx-writer.js';

export function convToOnnxGraph(
  model: ConvAutoencoder,
  name: string,
  layout: WindowLayout,
  quantization?: readonly ActivationRange[],
): OnnxGraph {
  const g = new ScoringGraphBuilder(layout, model.inputSize);
  const T = layout.windowLength;
  const C = g.c;
  g.initializers.push(
    {
      name: 'time_channel_shape',
      type: TensorType.INT64,
      dims: [3],
      data: BigInt64Array.of(-1n, BigInt(T), BigInt(C)),
    },
    { name: 'flat_shape', type: TensorType.INT64, dims: [2], data: BigInt64Array.of(-1n, BigInt(T * C)) },
  );
  g.nodes.push(
    {
      op: 'Reshape',
      name: 'to_time_channel',
      inputs: ['normalised', 'time_channel_shape'],
      outputs: ['normalised_tc'],
    },
    {
      op: 'Transpose',
      name: 'to_channel_time',
      inputs: ['normalised_tc'],
      outputs: ['normalised_ct'],
      intsAttributes: { perm: [0, 2, 1] },
    },
  );
  let current = 'normalised_ct';
  model.layers.forEach((layer, i) => {
    if (quantization) current = g.activationQdq(i, current, quantization[i]);
    const conv = layer.kind === 'conv';
    const dims = conv ? [layer.outputs, layer.inputs, CONV_KERNEL] : [layer.inputs, layer.outputs, CONV_KERNEL];
    const weight = g.weight(`W${i}`, layer.weights, dims, quantization !== undefined, conv ? 0 : 1);
    const bias = g.bias(`b${i}`, layer.bias);
    g.nodes.push({
      op: conv ? 'Conv' : 'ConvTranspose',
      name: `${layer.kind}${i}`,
      inputs: [current, weight, bias],
      outputs: [`z${i}`],
      intsAttributes: { kernel_shape: [CONV_KERNEL], strides: [CONV_STRIDE], pads: [CONV_PAD, CONV_PAD] },
    });
    current = `z${i}`;
    if (layer.relu) {
      g.nodes.push({ op: 'Relu', name: `relu${i}`, inputs: [current], outputs: [`a${i}`] });
      current = `a${i}`;
    }
  });
  g.nodes.push(
    {
      op: 'Transpose',
      name: 'to_time_major',
      inputs: [current],
      outputs: ['reconstruction_tc'],
      intsAttributes: { perm: [0, 2, 1] },
    },
    { op: 'Reshape', name: 'flatten', inputs: ['reconstruction_tc', 'flat_shape'], outputs: ['reconstruction'] },
  );
  return g.finish(name);
}

/** The ONNX file of a conv autoencoder: fp32, or int8 QDQ when activation ranges are given. */
export function exportConvOnnx(
  model: ConvAutoencoder,
  name: string,
  layout: WindowLayout,
  quantization?: readonly ActivationRange[],
): Uint8Array {
  return encodeOnnxModel(convToOnnxGraph(model, name, layout, quantization), {
    producerName: 'linewatch',
    producerVersion: '0.1.0',
    opset: 13,
  });
}
