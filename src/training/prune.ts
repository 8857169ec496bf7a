/**
 * Structured pruning (pure): between every two layers, the fraction of hidden units (dense) or
 * channels (conv) whose weights have the smallest L1 norm (into it plus out of it) is removed
 * from both layers. The model really gets smaller (fewer multiply-adds in the exported graph),
 * unlike zeroed weights, which onnxruntime still computes.
 */
import { ConvAutoencoder, CONV_KERNEL, convWeightIndex, type ConvLayer } from './conv-autoencoder.js';
import { DenseAutoencoder, type DenseLayer } from './dense-autoencoder.js';

export interface PruneResult<M = DenseAutoencoder> {
  readonly model: M;
  readonly hiddenBefore: readonly number[];
  readonly hiddenAfter: readonly number[];
}

/** How to measure and cut one kind of layer. */
interface LayerCuts<L extends { readonly inputs: number; readonly outputs: number }> {
  /** L1 norm of the weights from input i to output o. */
  norm(layer: L, i: number, o: number): number;
  /** The layer with only the inputs `keepIn` and outputs `keepOut`, in that order. */
  keep(layer: L, keepIn: readonly number[], keepOut: readonly number[]): L;
}

const all = (n: number) => Array.from({ length: n }, (_, i) => i);

/** Prunes every boundary between consecutive layers (hidden layer h: outputs of h, inputs of h + 1). */
function pruneBoundaries<L extends { readonly inputs: number; readonly outputs: number }>(
  original: readonly L[],
  fraction: number,
  cuts: LayerCuts<L>,
): { layers: L[]; hiddenBefore: number[]; hiddenAfter: number[] } {
  if (!(fraction >= 0 && fraction < 1)) throw new RangeError(`prune fraction ${fraction}: expected 0 <= R < 1`);
  const layers = [...original];
  const hiddenBefore = layers.slice(0, -1).map((l) => l.outputs);
  for (let h = 0; h + 1 < layers.length; h++) {
    const into = layers[h];
    const from = layers[h + 1];
    const norms = Array.from({ length: into.outputs }, (_, j) => {
      let n = 0;
      for (let i = 0; i < into.inputs; i++) n += cuts.norm(into, i, j);
      for (let o = 0; o < from.outputs; o++) n += cuts.norm(from, j, o);
      return n;
    });
    // The largest norms stay (ties: the earlier unit), in their original order.
    const remove = Math.min(into.outputs - 1, Math.floor(into.outputs * fraction));
    const keep = norms
      .map((n, j) => ({ n, j }))
      .sort((a, b) => b.n - a.n || a.j - b.j)
      .slice(0, into.outputs - remove)
      .map((u) => u.j)
      .sort((a, b) => a - b);
    layers[h] = cuts.keep(into, all(into.inputs), keep);
    layers[h + 1] = cuts.keep(from, keep, all(from.outputs));
  }
  return { layers, hiddenBefore, hiddenAfter: layers.slice(0, -1).map((l) => l.outputs) };
}

const denseCuts: LayerCuts<DenseLayer> = {
  norm: (l, i, o) => Math.abs(l.weights[i * l.outputs + o]),
  keep(l, keepIn, keepOut) {
    const weights = new Float64Array(keepIn.length * keepOut.length);
    keepIn.forEach((i, ki) =>
      keepOut.forEach((o, ko) => (weights[ki * keepOut.length + ko] = l.weights[i * l.outputs + o])),
    );
    return {
      inputs: keepIn.length,
      outputs: keepOut.length,
      relu: l.relu,
      weights,
      bias: Float64Array.from(keepOut, (o) => l.bias[o]),
    };
  },
};

const convCuts: LayerCuts<ConvLayer> = {
  norm(l, i, o) {
    let n = 0;
    for (let k = 0; k < CONV_KERNEL; k++) n += Math.abs(l.weights[convWeightIndex(l, i, o, k)]);
    return n;
  },
  keep(l, keepIn, keepOut) {
    const shape = { ...l, inputs: keepIn.length, outputs: keepOut.length };
    const weights = new Float64Array(keepIn.length * keepOut.length * CONV_KERNEL);
    keepIn.forEach((i, ki) =>
      keepOut.forEach((o, ko) => {
        for (let k = 0; k < CONV_KERNEL; k++)
          weights[convWeightIndex(shape, ki, ko, k)] = l.weights[convWeightIndex(l, i, o, k)];
      }),
    );
    return { ...shape, weights, bias: Float64Array.from(keepOut, (o) => l.bias[o]) };
  },
};

export function pruneHiddenUnits(ae: DenseAutoencoder, fraction: number): PruneResult {
  const { layers, hiddenBefore, hiddenAfter } = pruneBoundaries(ae.layers, fraction, denseCuts);
  return { model: DenseAutoencoder.fromLayers(layers), hiddenBefore, hiddenAfter };
}

/** The conv autoencoder's channels between its convolutions (kernels into + out of each channel). */
export function pruneConvChannels(ae: ConvAutoencoder, fraction: number): PruneResult<ConvAutoencoder> {
  const { layers, hiddenBefore, hiddenAfter } = pruneBoundaries(ae.layers, fraction, convCuts);
  return { model: ConvAutoencoder.fromLayers(ae.channels, ae.windowLength, layers), hiddenBefore, hiddenAfter };
}
