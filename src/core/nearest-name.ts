/**
 * The name a mistyped one most likely meant, for `did you mean …?`: a configuration key (`poll_interval` →
 * `poll_interval_ms`), an allowed value (`holdings` → `holding`), a shipped model or a model folder (`pump-hybird` →
 * `pump-hybrid`). One rule for all of them. Pure.
 */

/**
 * Edits from `a` to `b`: a letter added, dropped or changed, or two neighbours swapped (`scael` → `scale` is one, the
 * slip a typist makes; optimal string alignment, as commander counts a mistyped option).
 */
export function typoDistance(a: string, b: string): number {
  // Three rows of the table: two back (for a swap), the last one, this one.
  let before = new Array<number>(b.length + 1).fill(0);
  let last = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(last[j] + 1, row[j - 1] + 1, last[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        row[j] = Math.min(row[j], before[j - 2] + 1);
    }
    [before, last] = [last, row];
  }
  return last[b.length];
}

/**
 * The name among `known` that `typed` most likely misspells: the nearest by typoDistance (case is no edit), where it
 * takes fewer edits than a third of the longer name's letters; undefined where none is that near or two are equally
 * near. A third, not a half: in a three-letter name one letter is a third of it, and such names that differ in one
 * (`tpu`, `cpu`, `gpu`) are other things, not typos; from four letters one slip is offered (`cuda`), from seven two.
 */
export function nearestName(typed: string, known: readonly string[]): string | undefined {
  const best = nearestNames(typed, known);
  return best.length === 1 ? best[0] : undefined;
}

/**
 * All the names among `known` that are nearest to `typed` by nearestName's rule, where several are equally near
 * (`float`: `float32` and `float64`), for a list of allowed values that offers each; none where none is near enough.
 */
export function nearestNames(typed: string, known: readonly string[]): string[] {
  let best: string[] = [];
  let bestDistance = Infinity;
  const lower = typed.toLowerCase();
  for (const candidate of known) {
    if (candidate === typed) continue;
    const limit = Math.max(typed.length, candidate.length);
    const other = candidate.toLowerCase();
    // The edits are at least the difference in length: a name that far off is not compared (the comparison costs the
    // product of the lengths, and a name from a file may be of any length).
    if (Math.abs(lower.length - other.length) * 3 >= limit) continue;
    const d = typoDistance(lower, other);
    if (d * 3 >= limit) continue;
    if (d < bestDistance) [best, bestDistance] = [[candidate], d];
    else if (d === bestDistance && !best.includes(candidate)) best.push(candidate);
  }
  return best;
}
