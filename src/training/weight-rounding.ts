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
  // Consecutive columns on the same inputs share their inverse (the left-out channels' model: every column on the kept
  // channels); one is kept at a time (the leave-one-out model's columns each leave out their own input).
  let last: { key: string; inverse: Float64Array } | undefined;
  for (let j = 0; j < outputs; j++) {
    const used = Array.from({ length: inputs }, (_, i) => i).filter((i) => weights[i * outputs + j] !== 0);
    if (used.length === 0) continue;
    const key = used.join(',');
    if (last?.key !== key) last = { key, inverse: dampedInverse(used, power, inputs) };
    const column = roundColumn(
      used.map((i) => weights[i * outputs + j]),
      Float64Array.from(last.inverse),
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

/** The inverse of the input power on inputs `used` (|used| × |used|), its diagonal damped by ROUNDING_DAMPING × their
 * mean power. */
function dampedInverse(used: readonly number[], power: Float64Array, d: number): Float64Array {
  const m = used.length;
  let meanPower = 0;
  for (const i of used) meanPower += power[i * d + i] / m;
  const damped = new Float64Array(m * m);
  used.forEach((a, p) =>
    used.forEach((b, q) => (damped[p * m + q] = power[a * d + b] + (p === q ? ROUNDING_DAMPING * meanPower : 0))),
  );
  return invert(damped, m);
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
  const free = [...w];
  const rounded = new Array<boolean>(m).fill(false);
  const order = [...w.keys()].sort((p, q) => Math.abs(w[q]) - Math.abs(w[p]));
  for (const p of order) {
    const q = Math.max(-INT8_WEIGHT_MAX, Math.min(INT8_WEIGHT_MAX, Math.round(free[p] / step))) * step;
    const pivot = inv[p * m + p];
    const error = (free[p] - q) / pivot;
    free[p] = q;
    rounded[p] = true;
    for (let k = 0; k < m; k++) if (!rounded[k]) free[k] -= error * inv[p * m + k];
    const row = inv.slice(p * m, (p + 1) * m);
    for (let a = 0; a < m; a++) {
      const f = inv[a * m + p] / pivot;
      if (f !== 0) for (let b = 0; b < m; b++) inv[a * m + b] -= f * row[b];
    }
  }
  return free;
}
