/**
 * Review of learning around breaks (segments.ts): what still read across a join, or misjudged rows left out.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_TARGET, fitDetector, type NormalData } from '../../src/training/fit-detector.js';
import { twoSourcePlant } from '../helpers/two-source-plant.js';

describe('dense and conv1d: the calibration on held-out windows in segments', () => {
  it('treats the held-out windows on each side of a join as runs of their own, as stats and hybrid do', async () => {
    const plant = twoSourcePlant();
    // 800 rows, 200 held out (600-799); a restart at row 700: the held-out windows end at 600-699 and 731-799.
    const data: NormalData = { ...plant, segmentStarts: [700] };
    const fitted = await fitDetector(data, {
      arch: 'dense',
      seed: 1,
      epochs: 2,
      validationFraction: 0.25,
      target: DEFAULT_TARGET,
      command: 'test',
      log: () => {},
    });
    expect(fitted.manifest.score.details!.windows).toBe(100 + 69);
    expect(fitted.manifest.score.details!.segments).toBe(2);
  });
});
