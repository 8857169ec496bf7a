/** Sampled analysers in the synthetic plant (`linewatch dataset --analysers N`): readings held as a historian records
 * them, nothing else about the plant changed. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { datasetCommand } from '../../src/cli/dataset.js';
import { UsageError } from '../../src/cli/usage.js';
import { parseSkabCsv } from '../../src/core/csv-table.js';
import { analyserChannels, heldReadings } from '../../src/sim/sampled-analysers.js';
import {
  generatePlantDataset,
  measuredChannelCount,
  type SyntheticPlantOptions,
} from '../../src/sim/synthetic-plant.js';

describe('analyserChannels', () => {
  const measured = [1, 3, 4, 7, 9, 10, 12, 15];

  it('spreads the analysers over the measured channels, three quarters every 6 minutes and the rest every 15', () => {
    expect([...analyserChannels(measured, 4, 180_000)]).toEqual([
      [1, 2],
      [4, 2],
      [9, 2],
      [12, 5],
    ]);
    expect([...analyserChannels(measured, 4, 60_000).values()]).toEqual([6, 6, 6, 15]);
    // At a sample period longer than an analyser's, each row has a fresh reading.
    expect([...analyserChannels(measured, 4, 600_000).values()]).toEqual([1, 1, 1, 2]);
    expect(analyserChannels(measured, 0, 180_000).size).toBe(0);
  });

  it.each([9, -1, 2.5])('refuses %d analysers among 8 measured channels', (count) => {
    expect(() => analyserChannels(measured, count, 180_000)).toThrow(
      new RangeError(
        `synthetic plant: analysers ${count}: expected a whole number from 0 to 8 (the plant's measured channels)`,
      ),
    );
  });
});

describe('heldReadings', () => {
  it("repeats an analyser's reading until its next one and leaves the other channels and the input alone", () => {
    const values = Float64Array.from({ length: 7 * 2 }, (_, i) => i);
    const held = heldReadings(values, 7, 2, new Map([[1, 3]]));
    expect(Array.from(held.filter((_, i) => i % 2 === 1))).toEqual([1, 1, 1, 7, 7, 7, 13]);
    expect(Array.from(held.filter((_, i) => i % 2 === 0))).toEqual([0, 2, 4, 6, 8, 10, 12]);
    expect(values[3]).toBe(3);
  });
});

describe('generatePlantDataset with analysers', () => {
  const options: SyntheticPlantOptions = { channels: 20, samplePeriodMs: 180_000, rowsPerFile: 650, files: 2, seed: 4 };
  const plain = generatePlantDataset(options);
  const sampled = generatePlantDataset({ ...options, analysers: 5 });
  const held = sampled.plant.channels.filter((c) => c.heldRows !== undefined);

  it('holds the chosen measured channels and records the same plant: every other column, every reported reading', () => {
    expect(held.map((c) => [c.role, c.heldRows])).toEqual([
      ['measured', 2],
      ['measured', 2],
      ['measured', 2],
      ['measured', 2],
      ['measured', 5],
    ]);
    sampled.files.forEach((file, f) => {
      const [a, b] = [parseSkabCsv(plain.files[f].csv, 'plain'), parseSkabCsv(file.csv, 'sampled')];
      expect(b.columns.get('anomaly')).toEqual(a.columns.get('anomaly'));
      for (const c of sampled.plant.channels) {
        const [before, after] = [a.columns.get(c.name)!, b.columns.get(c.name)!];
        const every = c.heldRows ?? 1;
        after.forEach((v, t) => expect(v).toBe(before[t - (t % every)]));
      }
    });
  });

  it("names the analysers in the data set's README, and refuses more of them than the plant measures", async () => {
    vi.spyOn(process.stdout, 'write').mockReturnValue(true);
    const out = mkdtempSync(join(tmpdir(), 'lw-analysers-'));
    const flags = { out, channels: '20', files: '2', rows: '650', seed: '4', analysers: '5' };
    expect(await datasetCommand(flags)).toBe(0);
    const readme = readFileSync(join(out, 'README.md'), 'utf8');
    expect(readme).toContain(
      `5 measured channels are sampled analysers: each repeats its reading for the rows in brackets (of 180000 ms),`,
    );
    expect(readme).toContain(`: ${held.map((c) => `${c.name} (${c.heldRows})`).join(', ')}.`);
    const measured = plain.plant.channels.filter((c) => c.role === 'measured').length;
    await expect(
      datasetCommand({ ...flags, out: mkdtempSync(join(tmpdir(), 'lw-analysers-')), analysers: `${measured + 1}` }),
    ).rejects.toThrow(
      new UsageError(
        `--analysers ${measured + 1}: expected a whole number from 0 to ${measured} (the plant's measured channels)`,
      ),
    );
  });

  it.each([8, 20, 52, 120])('knows the measured channels of a %d-channel plant before building it', (channels) => {
    const ds = generatePlantDataset({ ...options, channels, rowsPerFile: 650, files: 1 });
    expect(measuredChannelCount(channels)).toBe(ds.plant.channels.filter((c) => c.role === 'measured').length);
  });

  afterEach(() => vi.restoreAllMocks());
});
