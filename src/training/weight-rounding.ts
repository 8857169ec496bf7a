/**
 * Rounding a linear layer's weights to the int8 grid the scoring graph stores them on (per output channel, a scale of
 * the column's largest |weight| / INT8_WEIGHT_MAX), compensating each rounding on the weights not yet rounded (pure).
 *
 * Plain rounding moves every weight by up to half a step on its own. Where inputs are correlated (a process plant's
 * flows, pressures and valve positions), the errors add up in the output: on a Tennessee Eastman run a channel
 * predicted from its controller's valve with a weight near 1 read up to 3 z off its fp32 residual. Rounding one weight
 * at a time and moving the remaining ones to cancel its error on the rows (optimal brain quantization, as GPTQ does
 * for large networks: Frantar et al., 2022, "GPTQ: Accurate Post-Training Quantization for Generative Pre-trained
 * Transformers") keeps the output close to the fp32 one; the same rows then rebuild almost as the fp32 weights do.
 */
import { invert } from './leave-one-out.js';
import { INT8_WEIGHT_MAX } from './scoring-graph.js';

/**
 * Share of the mean input power added to the diagonal before inverting (exported for the test's reference): the
 * compensation leans on the inputs' correlations only as far as they hold out of sample. GPTQ's default (0.01) leaned
 * on finer ones that drift after the training span: on synthetic plants with ageing sensors the int8 graph then
 * raised 0.4 points more false alarms than the fp32 one (0.1: within 0.1 point, either side); see docs/detection.md.
 * The mean is over the inputs any column of the layer uses, so that every column's damped input power is a
 * submatrix of one matrix.
 */
export const ROUNDING_DAMPING = 0.1;

/**
 * Weights [in i, out j] (inputs × outputs, row-major) rounded to each output column's int8 grid, as multiples of its
 * scale: int8PerAxis(result, [inputs, outputs], 1) gives back these values (to its float32 scale's precision). A
 * weight of zero stays zero (the leave-one-out model's diagonal and the channels left out of it). `x`: the rows
 * (rows × inputs) the layer was fitted on; the errors are cancelled on them. The clamp to ±INT8_WEIGHT_MAX steps is a
 * guard: with the damping no measured fit moved a weight that far.
 */
export function roundToInt8Grid(
  weights: Float64Array,
  inputs: number,
  outputs: number,
  x: Float64Array,
  rows: number,
): Float64Array {
  const power = inputPower(x, rows, inputs);
  const out = new Float64Array(weights.length);
  const usedBy = Array.from({ length: outputs }, (_, j) =>
    Array.from({ length: inputs }, (_, i) => i).filter((i) => weights[i * outputs + j] !== 0),
  );
  const union = [...new Set(usedBy.flat())].sort((a, b) => a - b);
  if (union.length === 0) return out;
  const damping = (ROUNDING_DAMPING * union.reduce((a, i) => a + power[i * inputs + i], 0)) / union.length;
  // One inverse of the damped power per set of inputs; a column of a leave-one-out layer (inputs = outputs) that uses
  // every input of its set but its own takes its inverse from the set's by one downdate (O(m²), not O(m³)). The two
  // sets used last are kept: the kept channels' one, and the single input of a channel left out between them.
  let recent: { readonly key: string; readonly set: readonly number[]; readonly inverse: Float64Array }[] = [];
  const inverseOf = (set: readonly number[]) => {
    const key = set.join(',');
    const found = recent.find((r) => r.key === key) ?? {
      key,
      set,
      inverse: dampedInverse(set, power, inputs, damping),
    };
    recent = [found, ...recent.filter((r) => r !== found)].slice(0, 2);
    return found;
  };
  for (let j = 0; j < outputs; j++) {
    const used = usedBy[j];
    if (used.length === 0) continue;
    const own = inputs === outputs && !used.includes(j);
    const base = own ? inverseOf([...used, j].sort((a, b) => a - b)) : inverseOf(used);
    const inverse = own
      ? withoutOne(base.inverse, base.set.length, base.set.indexOf(j))
      : Float64Array.from(base.inverse);
    const column = roundColumn(
      used.map((i) => weights[i * outputs + j]),
      inverse,
    );
    used.forEach((i, k) => (out[i * outputs + j] = column[k]));
  }
  return out;
}

/** E[x xᵀ] over the rows (inputs × inputs). */
function inputPower(x: Float64Array, rows: number, d: number): Float64Array {
  const h = new Float64Array(d * d);
  for (let r = 0; r < rows; r++)
    for (let i = 0; i < d; i++) {
      const xi = x[r * d + i] / rows;
      if (xi !== 0) for (let k = 0; k < d; k++) h[i * d + k] += xi * x[r * d + k];
    }
  return h;
}

/** The inverse of the input power on inputs `used` (|used| × |used|), `damping` added to its diagonal. */
function dampedInverse(used: readonly number[], power: Float64Array, d: number, damping: number): Float64Array {
  const m = used.length;
  const damped = new Float64Array(m * m);
  used.forEach((a, p) => used.forEach((b, q) => (damped[p * m + q] = power[a * d + b] + (p === q ? damping : 0))));
  return invert(damped, m);
}

/**
 * The inverse P (m × m, in place) updated to leave input p out: the Schur complement P − P₋,p P_p,₋ / P_pp, which
 * zeroes row and column p and leaves the inverse over the other inputs in the rest. With `from`, only the block of
 * rows and columns from `from` on is updated (p before it): what the rest would hold is never read again.
 */
function leaveOut(inv: Float64Array, m: number, p: number, from = 0): void {
  const pivot = inv[p * m + p];
  const row = inv.slice(p * m, (p + 1) * m);
  for (let a = from; a < m; a++) {
    const f = inv[a * m + p] / pivot;
    if (f !== 0) for (let b = from; b < m; b++) inv[a * m + b] -= f * row[b];
  }
}

/** The inverse of a symmetric matrix with row and column q left out ((m − 1) × (m − 1)), from the whole one's. */
function withoutOne(inverse: Float64Array, m: number, q: number): Float64Array {
  const left = Float64Array.from(inverse);
  leaveOut(left, m, q);
  const out = new Float64Array((m - 1) * (m - 1));
  for (let a = 0, r = 0; a < m; a++) {
    if (a === q) continue;
    for (let b = 0; b < m; b++) if (b !== q) out[r++] = left[a * m + b];
  }
  return out;
}

/**
 * One output column's weights (`inv`: the damped inverse input power on its inputs, which it uses up) rounded largest
 * first: the largest lands exactly on ±INT8_WEIGHT_MAX
 * steps (so the column's scale is unchanged), and after each rounding the weights still free move by the error's
 * projection through the inverse input power (the optimal brain surgeon's update), which is then updated to leave the
 * rounded input out.
 */
function roundColumn(w: readonly number[], inv: Float64Array): number[] {
  const m = w.length;
  const step = Math.max(...w.map(Math.abs)) / INT8_WEIGHT_MAX;
  const order = [...w.keys()].sort((p, q) => Math.abs(w[q]) - Math.abs(w[p]));
  // The inverse and the weights in the order of rounding: the inputs still free are then always the ones after the
  // current one, and each update runs over a contiguous block (|free|² instead of m²; the same arithmetic on every
  // entry the free weights read, so the same result as leaveOut on the whole matrix).
  const h = new Float64Array(m * m);
  for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) h[a * m + b] = inv[order[a] * m + order[b]];
  const free = order.map((i) => w[i]);
  for (let p = 0; p < m; p++) {
    const q = Math.max(-INT8_WEIGHT_MAX, Math.min(INT8_WEIGHT_MAX, Math.round(free[p] / step))) * step;
    const pivot = h[p * m + p];
    const error = (free[p] - q) / pivot;
    free[p] = q;
    for (let k = p + 1; k < m; k++) free[k] -= error * h[p * m + k];
    leaveOut(h, m, p, p + 1);
  }
  const out = new Array<number>(m);
  order.forEach((i, k) => (out[i] = free[k]));
  return out;
}
