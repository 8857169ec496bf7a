/** Principal components by power iteration and the component channels (Kaiser's rule). */
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/core/random.js';
import { componentChannels } from '../../src/training/detector-features.js';
import { principalComponents } from '../../src/training/principal-components.js';

/** n rows of d columns: two latent sources with known loadings (sd 3 and 2) plus noise of sd 0.3 on every column. */
function twoSources(n: number, seed: number): { x: Float64Array; d: number } {
  const rng = new SeededRandom(seed);
  const a = [0.5, 0.5, 0.5, 0.5, 0, 0];
  const b = [0, 0, 0.5, -0.5, 0.5, -0.5];
  const d = a.length;
  const x = new Float64Array(n * d);
  for (let r = 0; r < n; r++) {
    const [u, v] = [3 * rng.normal(), 2 * rng.normal()];
    for (let j = 0; j < d; j++) x[r * d + j] = u * a[j] + v * b[j] + 0.3 * rng.normal();
  }
  return { x, d };
}

describe('principal components', () => {
  const { x, d } = twoSources(4000, 11);

  it('finds the sources: axes along their loadings, variances their variance plus the noise', () => {
    const pc = principalComponents(x, 4000, d, (_v, found) => found < 2);
    expect(pc.axes).toHaveLength(2);
    const dot = (p: ArrayLike<number>, q: readonly number[]) => Array.from(p).reduce((s, v, i) => s + v * q[i], 0);
    // Unit axes: |cos| with the unit loadings near 1 (the sign of an axis is arbitrary).
    expect(Math.abs(dot(pc.axes[0], [0.5, 0.5, 0.5, 0.5, 0, 0]))).toBeGreaterThan(0.99);
    expect(Math.abs(dot(pc.axes[1], [0, 0, 0.5, -0.5, 0.5, -0.5]))).toBeGreaterThan(0.99);
    expect(pc.variances[0]).toBeCloseTo(9 + 0.09, 0);
    expect(pc.variances[1]).toBeCloseTo(4 + 0.09, 0);
    expect(pc.total).toBeCloseTo(9 + 4 + 6 * 0.09, 0);
  });

  it('component channels: the components above the mean variance over the fast channels, reported on the channel that weighs most', () => {
    const fastOnly = componentChannels(x, 4000, d, new Array<boolean>(d).fill(false));
    expect(fastOnly.count).toBe(2);
    const m = fastOnly.count;
    // Channels 0 and 1 carry only the first source: no weight in the second component.
    expect(Math.abs(fastOnly.projection[0 * m + 1])).toBeLessThan(0.05);
    expect(Math.max(...fastOnly.share.slice(0, d))).toBe(1);
    // A slow channel takes no part: zero weight and zero share in every component.
    const slow = [false, false, false, false, false, true];
    const withSlow = componentChannels(x, 4000, d, slow);
    for (let k = 0; k < withSlow.count; k++) {
      expect(withSlow.projection[5 * withSlow.count + k]).toBe(0);
      expect(withSlow.share[k * d + 5]).toBe(0);
    }
    // Fewer than two fast channels: no components.
    expect(componentChannels(x, 4000, d, [true, true, true, true, true, false]).count).toBe(0);
  });
});
