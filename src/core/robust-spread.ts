/**
 * The normal spread of a set of reference rows, robust to a few far ones (pure): each column centred on its median and
 * scaled by its robust standard deviation (1.4826 × the median absolute deviation), the columns weighed together by
 * their correlations there (a Mahalanobis distance), the rows far out of the bulk left out of it twice over; its edge,
 * the distance 99.9 % of normal rows stay within, taken from the distances' median (Wilson-Hilferty's chi-square
 * quantile over its median), so that a few far rows do not move it. Used for a restart's settling (settle-estimate.ts)
 * and a part model's warm-up parts (training/warm-up-parts.ts).
 */

/** The normal quantiles of the spread's edge (99.9 % of normal rows inside it) and of the rows it is drawn from. */
const Z_EDGE = 3.09;
const Z_KEPT = 1.96;
/** A median absolute deviation in standard deviations of a normal distribution. */
export const MAD_SIGMA = 1.4826;
/** Added to the correlations' diagonal, so that columns that move as one still give a distance. */
const RIDGE = 1e-3;

/** A chi-square quantile with k degrees of freedom (normal quantile z) over its median (Wilson-Hilferty): the edge
 * of a squared distance by its median, so that a few far rows move neither. */
function chiSquareRatio(k: number, z: number): number {
  const v = 2 / (9 * k);
  return (1 - v + z * Math.sqrt(v)) ** 3 / (1 - v) ** 3;
}

/** The q-quantile (0..1) of sorted values, linearly between neighbours. */
function quantile(sorted: readonly number[] | Float64Array, q: number): number {
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

function median(values: readonly number[]): number {
  return quantile(Float64Array.from(values).sort(), 0.5);
}

/** A spread's centre and scale of one column, and the distance of any row from the centre. */
export interface Spread {
  /** The squared distance of row i from the centre, in the spread. */
  readonly distance: (i: number) => number;
  /** The columns that vary among the reference rows (a constant one is left out), with their centre and scale. */
  readonly used: readonly number[];
  readonly centre: readonly number[];
  readonly scale: readonly number[];
}

/**
 * The squared distance of a row from the reference rows' centre, in their spread (Mahalanobis): each column centred on
 * its median and scaled by its robust standard deviation (a column constant there is left out), then weighed by the
 * columns' correlations, so that a row whose columns are each in range but not together (one back, its partner still
 * low) is still out.
 */
function spreadOf(rows: Float64Array, columns: number, reference: readonly number[]): Spread {
  const centre: number[] = [];
  const scale: number[] = [];
  const used: number[] = [];
  for (let c = 0; c < columns; c++) {
    const v = Float64Array.from(reference, (i) => rows[i * columns + c]).sort();
    const mid = quantile(v, 0.5);
    const mad = quantile(Float64Array.from(v, (x) => Math.abs(x - mid)).sort(), 0.5);
    const spread = mad > 0 ? MAD_SIGMA * mad : (v[v.length - 1] - v[0]) / 2;
    if (spread === 0) continue;
    used.push(c);
    centre.push(mid);
    scale.push(spread);
  }
  const k = used.length;
  const z = (i: number) => used.map((c, j) => (rows[i * columns + c] - centre[j]) / scale[j]);
  // The correlations of the standardised readings (about the medians), and their Cholesky factor L (L Lᵀ).
  const cov = Array.from({ length: k }, () => new Float64Array(k));
  for (const i of reference) {
    const x = z(i);
    for (let a = 0; a < k; a++) for (let b = 0; b <= a; b++) cov[a][b] += (x[a] * x[b]) / reference.length;
  }
  const L = Array.from({ length: k }, () => new Float64Array(k));
  for (let a = 0; a < k; a++)
    for (let b = 0; b <= a; b++) {
      let sum = cov[a][b] + (a === b ? RIDGE * Math.max(cov[a][a], 1) : 0);
      for (let m = 0; m < b; m++) sum -= L[a][m] * L[b][m];
      L[a][b] = a === b ? Math.sqrt(Math.max(sum, 1e-12)) : sum / L[b][b];
    }
  const distance = (i: number) => {
    const x = z(i);
    // Solves L y = x; the distance is |y|².
    let d = 0;
    for (let a = 0; a < k; a++) {
      let y = x[a];
      for (let m = 0; m < a; m++) y -= L[a][m] * x[m];
      x[a] = y / L[a][a];
      d += x[a] * x[a];
    }
    return d;
  };
  return { distance, used, centre, scale };
}

/**
 * The normal spread of the `reference` rows of `rows` (row-major, `columns` wide, every reading present) and its edge
 * (a squared distance 99.9 % of normal rows stay within); undefined where every column is constant there. Rows far out
 * of the bulk are left out of the centre and correlations, twice over, so that they do not widen the spread they are
 * judged by.
 */
export function robustSpread(
  rows: Float64Array,
  columns: number,
  reference: readonly number[],
): (Spread & { readonly edge: number }) | undefined {
  let spread = spreadOf(rows, columns, reference);
  if (spread.used.length === 0) return undefined;
  for (let pass = 0; pass < 2; pass++) {
    const d = reference.map((i) => spread.distance(i));
    const kept = median(d) * chiSquareRatio(spread.used.length, Z_KEPT);
    spread = spreadOf(
      rows,
      columns,
      reference.filter((_, j) => d[j] <= kept),
    );
  }
  const edge = median(reference.map((i) => spread.distance(i))) * chiSquareRatio(spread.used.length, Z_EDGE);
  return { ...spread, edge };
}
