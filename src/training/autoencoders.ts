/**
 * The two autoencoder architectures a fit can build, dense and conv1d: making a dense one, exporting either to ONNX,
 * and how the manifest describes its architecture and its int8 weights.
 */
import { ConvAutoencoder, CONV_KERNEL, CONV_PAD, CONV_STRIDE } from './conv-autoencoder.js';
import { DenseAutoencoder } from './dense-autoencoder.js';
import { exportConvOnnx } from './export-conv.js';
import { exportDenseOnnx } from './export-dense.js';
import type { ActivationRange, WindowLayout } from './scoring-graph.js';

export type Architecture = 'dense' | 'conv1d';
export const ARCHITECTURES: readonly Architecture[] = ['dense', 'conv1d'];

/** Either autoencoder: both train, calibrate, prune and export the same way. */
export type Autoencoder = DenseAutoencoder | ConvAutoencoder;

/** A dense autoencoder d → hidden → d: ReLU on every hidden layer but the middle (bottleneck) one. */
export function denseFor(d: number, hidden: readonly number[], seed: number): DenseAutoencoder {
  const sizes = [d, ...hidden, d];
  const relu = sizes.slice(1).map((_, i) => i < sizes.length - 2 && i !== Math.floor((sizes.length - 2) / 2));
  return new DenseAutoencoder(sizes, relu, seed);
}

export function exportAutoencoder(
  ae: Autoencoder,
  name: string,
  layout: WindowLayout,
  quantization?: readonly ActivationRange[],
): Uint8Array {
  return ae instanceof ConvAutoencoder
    ? exportConvOnnx(ae, name, layout, quantization)
    : exportDenseOnnx(ae, name, layout, quantization);
}

/** The manifest's architecture line, e.g. "dense 140-32-6-32-140" or "conv1d 8ch x 20: conv 16, conv 8, deconv 16,
 * deconv 8 (kernel 4, stride 2, pad 1)". */
export function describeArchitecture(ae: Autoencoder): string {
  if (ae instanceof ConvAutoencoder)
    return `conv1d ${ae.channels}ch x ${ae.windowLength}: ${ae.layers.map((l) => `${l.kind} ${l.outputs}`).join(', ')} (kernel ${CONV_KERNEL}, stride ${CONV_STRIDE}, pad ${CONV_PAD})`;
  return `dense ${[ae.inputSize, ...ae.layers.map((l) => l.outputs)].join('-')}`;
}

/** The manifest's description of the int8 weights. */
export function weightScheme(ae: Autoencoder): string {
  return ae instanceof ConvAutoencoder
    ? 'int8 symmetric, per output channel (DequantizeLinear axis=0 for Conv, axis=1 for ConvTranspose)'
    : 'int8 symmetric, per output channel (DequantizeLinear axis=1)';
}
