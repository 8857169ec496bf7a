/**
 * Exports a dense autoencoder as one ONNX scoring graph (see scoring-graph.ts): raw window in,
 * z-score normalisation, MatMul + Add layers with ReLU, squared error per channel and score out,
 * so the whole per-window arithmetic runs vectorised inside onnxruntime. In fp32, or as a static
 * int8 QDQ graph (weights int8 per output channel, DequantizeLinear axis=1; activations uint8 per
 * tensor). ORT fuses the QDQ pairs around MatMul into integer kernels when it optimises.
 */
import type { DenseAutoencoder } from './dense-autoencoder.js';
import { encodeOnnxModel, type OnnxGraph } from './onnx-writer.js';
import { ScoringGraphBuilder, type ActivationRange, type WindowLayout } from './scoring-graph.js';

export function denseToOnnxGraph(
  model: DenseAutoencoder,
  name: string,
  layout: WindowLayout,
  quantization?: readonly ActivationRange[],
): OnnxGraph {
  const g = new ScoringGraphBuilder(layout, model.inputSize);
  denseLayers(g, model, 'normalised', quantization);
  return g.finish(name);
}

/**
 * The autoencoder's layers from tensor `input` to `reconstruction` (node names from the layer index):
 * fp32; int8 weights and uint8 activations (`quantization`); or int8 weights only (`int8Weights`). `prefix` keeps the
 * model's node names apart from the rest of a larger graph (the hybrid's `linear_`).
 */
export function denseLayers(
  g: ScoringGraphBuilder,
  model: DenseAutoencoder,
  input: string,
  quantization?: readonly ActivationRange[],
  int8Weights = quantization !== undefined,
  prefix = '',
): void {
  let current = input;
  model.layers.forEach((layer, i) => {
    const last = i === model.layers.length - 1;
    if (quantization) current = g.activationQdq(i, current, quantization[i]);
    // Weights alone in int8 (fp32 activations) are dequantized by a Cast and a Mul (see ScoringGraphBuilder.weight).
    const dequantize = quantization ? 'qdq' : 'cast';
    const dims = [layer.inputs, layer.outputs];
    const weight = g.weight(`${prefix}W${i}`, layer.weights, dims, int8Weights, 1, dequantize);
    const bias = g.bias(`${prefix}b${i}`, layer.bias);
    g.nodes.push({
      op: 'MatMul',
      name: `${prefix}matmul${i}`,
      inputs: [current, weight],
      outputs: [`${prefix}mm${i}`],
    });
    const sum = last ? `${prefix}reconstruction` : `${prefix}z${i}`;
    g.nodes.push({ op: 'Add', name: `${prefix}add${i}`, inputs: [`${prefix}mm${i}`, bias], outputs: [sum] });
    current = sum;
    if (layer.relu && !last) {
      g.nodes.push({ op: 'Relu', name: `${prefix}relu${i}`, inputs: [sum], outputs: [`${prefix}a${i}`] });
      current = `${prefix}a${i}`;
    }
  });
}

/** The ONNX file of a dense autoencoder: fp32, or int8 QDQ when activation ranges are given. */
export function exportDenseOnnx(
  model: DenseAutoencoder,
  name: string,
  layout: WindowLayout,
  quantization?: readonly ActivationRange[],
): Uint8Array {
  return encodeOnnxModel(denseToOnnxGraph(model, name, layout, quantization), {
    producerName: 'linewatch',
    producerVersion: '0.1.0',
    opset: 13,
  });
}
