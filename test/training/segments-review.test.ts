/**
 * Review of learning around breaks (segments.ts): what still read across a join, or misjudged rows left out.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_TARGET, fitDetector, type NormalData } from '../../src/training/fit-detector.js';
import { csvNormalData, csvTrainingSet } from '../../src/training/csv-dataset.js';
import { constantChannels } from '../../src/training/constant-channels.js';
import { fitPlant, twoSourcePlant } from '../helpers/two-source-plant.js';

/** A CSV of `rows` rows a second apart (Unix ms), three noisy channels, a minute's pause before every row `every`. */
function csvWithPauses(rows: number, every: number): string {
  const out = ['timestamp,a,b,c'];
  let t = 1_764_900_000_000;
  let s = 7;
  const noise = () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1;
  for (let i = 0; i < rows; i++) {
    if (i > 0 && i % every === 0) t += 60_000;
    out.push([t, 10 + noise(), 20 + 2 * noise(), 5 + Math.sin(i / 9) + noise()].join(','));
    t += 1000;
  }
  return `${out.join('\n')}\n`;
}
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

describe('dense and conv1d with --hop: each segment its own windows', () => {
  it('takes a window from every training segment that holds one, whatever row it starts on', () => {
    // Segments of 40 rows: each holds 9 windows of 32; with a hop of 32, one each.
    const set = csvTrainingSet(csvWithPauses(1000, 40), 'p.csv', {
      name: 'p',
      windowLength: 32,
      hop: 32,
      hidden: [4],
      validationFraction: 0.2,
    } as Parameters<typeof csvTrainingSet>[2]);
    // The first 800 rows are for training: 20 segments of 40 rows.
    expect(set.train.length).toBe(20);
  });
});

describe('eval: a channel constant but for missing readings', () => {
  it('is constant: a model cannot learn its spread from the rows that hold a reading', () => {
    const rows = new Float64Array(20 * 2);
    for (let t = 0; t < 20; t++) {
      rows[t * 2] = t % 3;
      rows[t * 2 + 1] = t >= 5 && t < 12 ? NaN : 5;
    }
    const first = Float64Array.from(rows);
    first[1] = NaN; // no reading in the first row either
    for (const r of [rows, first])
      expect(constantChannels({ channels: ['x', 'k'], periodMs: 1000, rows: r, rowCount: 20 })).toEqual([
        { name: 'k', value: 5 },
      ]);
  });
});

describe('train: rows labelled anomalous among the rows left out', () => {
  it('are not counted as learnt as normal', () => {
    // An outage labelled anomalous: rows 100-119 have no reading; those past the 5 s hold (105-119) are left out, the
    // rest are normal. The 5 rows held (as a gateway holds a reading 5 s) are learnt, and counted.
    const lines = csvWithPauses(600, 10_000).trim().split('\n');
    const out = [`${lines[0]},anomaly`];
    lines.slice(1).forEach((l, i) => {
      const [t, ...cells] = l.split(',');
      out.push(i >= 100 && i < 120 ? [t, '', '', '', '1'].join(',') : [t, ...cells, '0'].join(','));
    });
    const data = csvNormalData(`${out.join('\n')}\n`, 'o.csv', { name: 'o' });
    expect(data.rowCount).toBe(585);
    expect(data.labelledAnomalous).toEqual({ rows: 5, first: 101 });
    // With a hold of 1 ms (--max-sample-age-ms 1), none of the outage's rows is learnt from, none counted.
    const strict = csvNormalData(`${out.join('\n')}\n`, 'o.csv', { name: 'o', maxSampleAgeMs: 1 });
    expect(strict.labelledAnomalous).toBeUndefined();
  });
});

describe('stats and hybrid: segments each shorter than a window', () => {
  it('says the segments are too short, not the rows too few', async () => {
    const plant = twoSourcePlant();
    const starts = Array.from({ length: 39 }, (_, i) => (i + 1) * 20);
    await expect(fitPlant({ ...plant, segmentStarts: starts }, 'stats')).rejects.toThrow(/longest segment has 20 rows/);
  });
});
