/**
 * `linewatch dataset --preset press`: labelled recordings of the simulated press for part models, the labels where the
 * fault acts, the same bytes for the same seed, and the plant's flags refused rather than ignored.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { datasetCommand } from '../../src/cli/dataset.js';
import { UsageError } from '../../src/cli/usage.js';
import { generatePressDataset, PRESS_SEVERITIES } from '../../src/training/press-dataset.js';

const column = (text: string, name: string): number[] => {
  const [header, ...rows] = text.trimEnd().split('\n');
  const k = header.split(',').indexOf(name);
  return rows.map((r) => Number(r.split(',')[k]));
};

describe('the press data set', () => {
  const ds = generatePressDataset({ files: 2, seed: 3 });

  it('labels the rows while the bad press-fit acts, after an hour of normal rows, its edges as changepoints', () => {
    const f = ds.files[1];
    expect(f.severity).toBe(PRESS_SEVERITIES[1]);
    const anomaly = column(f.text, 'anomaly');
    const times = column(f.text, 'timestamp');
    const first = anomaly.indexOf(1);
    const last = anomaly.lastIndexOf(1);
    expect(first).toBeGreaterThan(ds.trainRows);
    // Ten minutes of 200 ms polls, every row between the edges labelled.
    expect(last - first + 1).toBe(f.anomalyRows);
    expect(f.anomalyRows).toBeGreaterThan(2950);
    expect(f.anomalyRows).toBeLessThan(3050);
    expect(times[first] - times[0]).toBeGreaterThanOrEqual(f.faultStartS * 1000);
    expect(times[first - 1] - times[0]).toBeLessThan(f.faultStartS * 1000);
    const changepoints = column(f.text, 'changepoint').flatMap((v, i) => (v === 1 ? [i] : []));
    expect(changepoints).toEqual([first, last + 1]);
  });

  it('gives the same bytes for the same seed, and other parts for another', () => {
    const again = generatePressDataset({ files: 2, seed: 3 });
    expect(again.files.map((f) => f.text)).toEqual(ds.files.map((f) => f.text));
    expect(again.anomalyFree).toBe(ds.anomalyFree);
    expect(generatePressDataset({ files: 1, seed: 4 }).files[0].text).not.toBe(ds.files[0].text);
  });

  it('is written with its README by linewatch dataset, and refuses the process plant flags', async () => {
    vi.spyOn(process.stdout, 'write').mockReturnValue(true);
    const out = mkdtempSync(join(tmpdir(), 'lw-press-ds-'));
    expect(await datasetCommand({ preset: 'press', out, files: '1', seed: '3' })).toBe(0);
    expect(readdirSync(out).sort()).toEqual([
      'README.md',
      'anomaly-free.csv',
      'bad-press-fit-1.csv',
      'part-results.csv',
    ]);
    expect(readFileSync(join(out, 'bad-press-fit-1.csv'), 'utf8')).toBe(ds.files[0].text);
    // The quality system's table: every part the gateway cuts, NOK where any of its rows is labelled.
    const results = readFileSync(join(out, 'part-results.csv'), 'utf8').trimEnd().split('\n');
    expect(results[0]).toBe('file,part_id,result');
    const nok = results.filter((l) => l.endsWith(',NOK')).map((l) => Number(l.split(',')[1]));
    expect(nok.length).toBe(100);
    // A part every 6 s: the fault's 10 minutes are one run of parts, from the one made when it started (3,900 s).
    expect(nok.at(-1)! - nok[0]).toBe(99);
    expect(Math.abs(nok[0] - ds.files[0].faultStartS / 6)).toBeLessThanOrEqual(1);
    expect(readFileSync(join(out, 'README.md'), 'utf8')).toContain(
      'linewatch eval --data . --cycle-channel cycle_active --part-id-channel part_counter --train-rows 18000',
    );
    await expect(datasetCommand({ preset: 'press', out, channels: '20', rows: '900' })).rejects.toThrow(
      new UsageError(
        "--channels, --rows: for the process and skab-like plants; the press preset records the line simulator's press as it is",
      ),
    );
  });
});
