/**
 * A manifest's floor on the points read (score.min_read_points, since 2026-12-08) is checked where the manifest is
 * read: only a part model (part_curve) leaves points out of its score, and a floor above the window's points would
 * judge no part; each refusal names the field and what is wrong.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatIssues } from '../../src/core/format-issues.js';
import { manifestSchema } from '../../src/inference/manifest.js';
import { ROOT } from '../helpers/cli.js';

const manifestOf = (model: string) => JSON.parse(readFileSync(`${ROOT}/models/${model}/manifest.json`, 'utf8'));
const refusal = (m: unknown) => {
  const parsed = manifestSchema.safeParse(m);
  return parsed.success ? 'accepted' : formatIssues(parsed.error.issues).join('; ');
};
const withFloor = (m: { score: object }, floor: number) => ({ ...m, score: { ...m.score, min_read_points: floor } });

describe('score.min_read_points', () => {
  it('is taken from a part model, from 1 to its window’s points', () => {
    const press = manifestOf('press-ae');
    for (const floor of [1, 24, press.input.window_length])
      expect(manifestSchema.parse(withFloor(press, floor)).score.min_read_points).toBe(floor);
    // A manifest written before it (the shipped press-ae records one since 2026-12-08: taken out here): no floor.
    const { min_read_points: shipped, ...before } = press.score;
    expect(shipped).toBe(27);
    expect(manifestSchema.parse({ ...press, score: before }).score.min_read_points).toBeUndefined();
  });

  it('is refused, naming the field, on a zscore model, above the window’s points, or not a whole number from 1', () => {
    const press = manifestOf('press-ae');
    expect(refusal(withFloor(manifestOf('pump-ae'), 10))).toContain(
      'score.min_read_points: only a part model (normalisation part_curve) leaves points out of its score',
    );
    expect(refusal(withFloor(press, 33))).toContain(
      "score.min_read_points: 33 is more than the window's 32 points: no part could be judged",
    );
    for (const bad of [0, 2.5]) expect(refusal(withFloor(press, bad))).toContain('score.min_read_points');
  });
});
