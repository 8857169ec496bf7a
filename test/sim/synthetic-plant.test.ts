/** The synthetic process plant (`linewatch dataset`): repeatable, SKAB-format, labelled as documented, and
 * process-like. */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { datasetCommand, parseDatasetOptions } from '../../src/cli/dataset.js';
import { UsageError } from '../../src/cli/usage.js';
import { parseSkabCsv } from '../../src/core/csv-table.js';
import { generatePlantDataset, PLANT_FAULT_KINDS, type SyntheticPlantOptions } from '../../src/sim/synthetic-plant.js';

const PROCESS: SyntheticPlantOptions = { channels: 52, samplePeriodMs: 180_000, rowsPerFile: 960, files: 21, seed: 1 };
const FAST: SyntheticPlantOptions = { channels: 24, samplePeriodMs: 2000, rowsPerFile: 700, files: 8, seed: 2 };
const processSet = generatePlantDataset(PROCESS);
const fastSet = generatePlantDataset(FAST);

function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s / xs.length;
}
function sd(xs: ArrayLike<number>): number {
  const m = mean(xs);
  return Math.sqrt(mean(Array.from(xs, (x) => (x - m) ** 2)));
}
function correlation(a: Float64Array, b: Float64Array): number {
  const [ma, mb] = [mean(a), mean(b)];
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - ma) * (b[i] - mb);
  return s / a.length / (sd(a) * sd(b));
}

describe('generatePlantDataset', () => {
  it('gives the same bytes for the same seed and other bytes for another seed', () => {
    const small = { channels: 12, samplePeriodMs: 1000, rowsPerFile: 650, files: 3, seed: 5 };
    const [a, b, c] = [
      generatePlantDataset(small),
      generatePlantDataset(small),
      generatePlantDataset({ ...small, seed: 6 }),
    ];
    expect(b.files.map((f) => f.csv)).toEqual(a.files.map((f) => f.csv));
    expect(b.anomalyFree).toBe(a.anomalyFree);
    a.files.forEach((f, i) => expect(c.files[i].csv).not.toBe(f.csv));
    expect(c.anomalyFree).not.toBe(a.anomalyFree);
  });

  it('writes SKAB-format CSVs with the requested channels, rows and sample period', () => {
    for (const [o, ds] of [
      [PROCESS, processSet],
      [FAST, fastSet],
    ] as const) {
      expect(ds.files).toHaveLength(o.files);
      for (const f of ds.files) {
        const table = parseSkabCsv(f.csv, f.name);
        expect(table.header.slice(-2)).toEqual(['anomaly', 'changepoint']);
        expect(table.header).toHaveLength(o.channels + 3);
        expect(table.times).toHaveLength(o.rowsPerFile);
        expect(new Set(table.times.slice(1).map((t, i) => t - table.times[i]))).toEqual(new Set([o.samplePeriodMs]));
        expect(f.csv.split('\n')[1]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d;[-\d.]+;/);
      }
      const normal = parseSkabCsv(ds.anomalyFree, 'anomaly-free');
      expect(normal.header).toEqual(['datetime', ...ds.plant.channels.map((c) => c.name)]);
      expect(normal.times).toHaveLength(o.rowsPerFile);
    }
  });

  it('labels every file: normal first rows, at least one anomalous row, changepoints where the label rises and falls', () => {
    for (const f of [...processSet.files, ...fastSet.files]) {
      const table = parseSkabCsv(f.csv, f.name);
      const anomaly = table.columns.get('anomaly')!;
      const changepoint = table.columns.get('changepoint')!;
      expect(Math.max(...anomaly.subarray(0, 400))).toBe(0);
      expect(anomaly.filter((v) => v === 1)).toHaveLength(f.anomalyRows);
      expect(f.anomalyRows).toBeGreaterThan(0);
      const edges = Array.from(anomaly.keys()).filter((i) => i > 0 && anomaly[i] !== anomaly[i - 1]);
      const marked = Array.from(changepoint.keys()).filter((i) => changepoint[i] === 1);
      expect(marked).toEqual(edges);
      expect(edges).toEqual(f.fault.endRow === undefined ? [f.fault.startRow] : [f.fault.startRow, f.fault.endRow]);
      expect(f.changepoints).toBe(edges.length);
    }
  });

  it('mixes fault kinds, faults that end with faults that last, and a few hard ones', () => {
    const faults = processSet.files.map((f) => f.fault);
    expect(new Set(faults.map((f) => f.kind))).toEqual(new Set(PLANT_FAULT_KINDS));
    expect(processSet.files.map((f) => f.name).slice(0, 3)).toEqual([
      'compensated-step-0',
      'ramp-disturbance-1',
      'sensor-bias-2',
    ]);
    expect(faults.filter((f) => f.endRow !== undefined)).toHaveLength(8);
    expect(faults.filter((f) => f.hard)).toHaveLength(3);
    for (const f of faults) expect(f.startRow >= 420 && f.startRow <= 500).toBe(true);
  });

  it('compensates a step: the controlled variable stays near set point while its valve moves', () => {
    const steps = processSet.files.filter((f) => f.fault.kind === 'compensated-step' && !f.fault.hard);
    expect(steps.length).toBeGreaterThan(1);
    for (const f of steps) {
      const table = parseSkabCsv(f.csv, f.name);
      const shift = (name: string): number => {
        const column = table.columns.get(name)!;
        const normal = column.subarray(0, 400);
        return (
          Math.abs(mean(column.subarray(f.fault.startRow + 50, f.fault.endRow ?? column.length)) - mean(normal)) /
          sd(normal)
        );
      };
      const [cv, mv] = f.fault.target.split('/');
      expect(shift(cv)).toBeLessThan(0.3);
      expect(shift(mv)).toBeGreaterThan(2);
      expect(shift(mv)).toBeGreaterThan(10 * shift(cv));
    }
  });

  it('freezes a stuck sensor', () => {
    const stuck = processSet.files.find((f) => f.fault.kind === 'stuck-sensor' && !f.fault.hard)!;
    const column = parseSkabCsv(stuck.csv).columns.get(stuck.fault.target)!;
    const during = column.subarray(stuck.fault.startRow, stuck.fault.endRow ?? column.length);
    expect(new Set(during).size).toBe(1);
    expect(new Set(column.subarray(0, 400)).size).toBeGreaterThan(300);
  });

  it('has correlated channels, spreads more than 100× apart, and two channels that drift in normal operation', () => {
    for (const ds of [processSet, fastSet]) {
      const table = parseSkabCsv(ds.anomalyFree);
      const columns = ds.plant.channels.map((c) => table.columns.get(c.name)!.subarray(0, 400));
      let strongest = 0;
      columns.forEach((a, i) =>
        columns.slice(i + 1).forEach((b) => (strongest = Math.max(strongest, Math.abs(correlation(a, b))))),
      );
      expect(strongest).toBeGreaterThan(0.7);
      const spreads = columns.map(sd);
      expect(Math.max(...spreads) / Math.min(...spreads)).toBeGreaterThan(100);
      const drifting = ds.plant.channels.filter((c) => c.drift !== undefined);
      expect(drifting.map((c) => c.drift).sort()).toEqual(['ageing', 'warm-up']);
      for (const c of drifting) {
        const column = table.columns.get(c.name)!;
        expect(Math.abs(mean(column.subarray(-100)) - mean(column.subarray(0, 100))) / c.spread).toBeGreaterThan(2);
      }
    }
  });

  it('refuses options out of range', () => {
    expect(() => generatePlantDataset({ ...FAST, channels: 4 })).toThrow(
      new Error('synthetic plant: channels 4: expected an integer from 8 to 120'),
    );
    expect(() => generatePlantDataset({ ...FAST, rowsPerFile: 550 })).toThrow(
      new Error('synthetic plant: rowsPerFile 550: expected an integer from 600 to 100000'),
    );
    expect(() => generatePlantDataset({ ...FAST, samplePeriodMs: 1500 })).toThrow(
      new Error(
        'synthetic plant: samplePeriodMs 1500: expected a multiple of 1000 (the CSV times have 1 s resolution)',
      ),
    );
  });
});

describe('linewatch dataset', () => {
  afterEach(() => vi.restoreAllMocks());

  it('--recovering 0: every fault lasts to the end of its file; 1: every fault ends before it', () => {
    const lastLabels = (recovering: string) =>
      generatePlantDataset(parseDatasetOptions({ out: 'x', preset: 'skab-like', files: '5', recovering })).files.map(
        (f) => parseSkabCsv(f.csv, f.name).columns.get('anomaly')!.at(-1),
      );
    expect(lastLabels('0')).toEqual([1, 1, 1, 1, 1]);
    expect(lastLabels('1')).toEqual([0, 0, 0, 0, 0]);
    expect(parseDatasetOptions({ out: 'x' }).recoveringFraction).toBe(0.4);
  });

  it('takes the preset and lets flags override it', () => {
    const skabLike = parseDatasetOptions({ out: 'x', preset: 'skab-like', files: '4' });
    expect(skabLike).toMatchObject({ channels: 8, samplePeriodMs: 1000, rowsPerFile: 1100, files: 4, seed: 1 });
    expect(parseDatasetOptions({ out: 'x' })).toMatchObject({
      channels: 52,
      samplePeriodMs: 180_000,
      rowsPerFile: 960,
      files: 21,
    });
    expect(parseDatasetOptions({ out: 'x', faults: 'stuck-sensor, sensor-bias' }).faultKinds).toEqual([
      'stuck-sensor',
      'sensor-bias',
    ]);
  });

  it.each([
    [{ out: '' }, '--out: expected the folder to write the data set into'],
    [{ preset: 'tep' }, '--preset tep: expected process, skab-like, press'],
    [{ channels: '7' }, '--channels 7: expected an integer from 8 to 120'],
    [{ channels: '12.5' }, '--channels 12.5: expected an integer from 8 to 120'],
    [{ periodMs: '1500' }, '--period-ms 1500: expected a multiple of 1000 (the CSV times have 1 s resolution)'],
    [{ periodMs: 'fast' }, '--period-ms fast: expected an integer from 1000 to 86400000'],
    [
      { rows: '599' },
      '--rows 599: expected an integer from 600 to 100000 (faults start by row 500 and last at least 100 rows)',
    ],
    [{ files: '0' }, '--files 0: expected an integer from 1 to 1000'],
    [{ seed: '-1' }, '--seed -1: expected an integer from 0 to 4294967295'],
    [{ noiseScale: '0' }, '--noise-scale 0: expected a number from 0.01 to 10'],
    [{ recovering: '1.5' }, '--recovering 1.5: expected a share from 0 to 1'],
    [{ recovering: 'all' }, '--recovering all: expected a share from 0 to 1'],
    [
      { faults: 'sensor-bias,leak' },
      '--faults sensor-bias,leak: unknown kind "leak"; expected a comma-separated list of ' +
        PLANT_FAULT_KINDS.join(', '),
    ],
  ])('refuses %j', (flags, message) => {
    expect(() => parseDatasetOptions({ out: 'x', ...flags })).toThrow(new UsageError(message));
  });

  it('writes one CSV per fault, anomaly-free.csv and README.md, and refuses a folder holding other files', async () => {
    vi.spyOn(process.stdout, 'write').mockReturnValue(true);
    const out = mkdtempSync(join(tmpdir(), 'lw-dataset-'));
    const flags = { out, preset: 'skab-like', files: '3', rows: '700', seed: '3' };
    expect(await datasetCommand(flags)).toBe(0);
    expect(readdirSync(out).sort()).toEqual([
      'README.md',
      'anomaly-free.csv',
      'compensated-step-0.csv',
      'ramp-disturbance-1.csv',
      'sensor-bias-2.csv',
    ]);
    expect(readFileSync(join(out, 'README.md'), 'utf8')).toContain('seed 3, 8 channels, one sample every 1000 ms');
    expect(readFileSync(join(out, 'compensated-step-0.csv'), 'utf8')).toBe(
      generatePlantDataset(parseDatasetOptions(flags)).files[0].csv,
    );
    writeFileSync(join(out, 'notes.csv'), 'datetime;x\n');
    await expect(datasetCommand({ out, preset: 'skab-like', files: '3', rows: '700' })).rejects.toThrow(
      new UsageError(
        `--out ${out}: holds 1 file(s) this data set would not replace (notes.csv); choose an empty or new folder`,
      ),
    );
  });
});
