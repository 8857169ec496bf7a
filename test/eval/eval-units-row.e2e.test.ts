/**
 * A historian export with a units row under the header (walker w2, 2026-12-07: `;[kscmh];[degC];…` refused):
 * `eval` and `train` read it as the channels' units, say so once on stderr, and score the rows as without it; train
 * keeps the units in the model's manifest.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadManifest } from '../../src/inference/manifest.js';
import { runCli, SKAB_RENAME } from '../helpers/cli.js';
import { VALVE, VALVE_TEXT } from '../helpers/csv-tables.js';

const UNITS = ['', '[g]', '[g]', '[A]', '[bar]', '[degC]', '[degC]', '[V]', '[l/min]', '', ''];
const NOTE = "a units row under the header (g, g, A, bar, …): read as the channels' units, not as readings";

describe('a CSV with a units row under the header', () => {
  it('eval scores it as the file without the row, saying so once; train keeps the units', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-units-row-'));
    const file = join(dir, 'historian.csv');
    const [header, ...rows] = VALVE_TEXT.trimEnd().split(/\r?\n/);
    await writeFile(file, [header, UNITS.join(';'), ...rows].join('\r\n'));
    const [plain, units] = await Promise.all(
      [VALVE, file].map((f) => runCli(['eval', '--data', f, '--train-rows', '400', '--json'])),
    );
    expect(units.code, units.stderr).toBe(0);
    expect(units.stderr).toBe(`${file}:2: ${NOTE}\n`);
    expect(units.stdout.replaceAll(file, VALVE)).toBe(plain.stdout);
    const out = join(dir, 'model');
    const trained = await runCli(['train', '--csv', file, '--train-rows', '400', ...SKAB_RENAME, '--out', out]);
    expect(trained.code, trained.stderr).toBe(0);
    expect(trained.stderr.split('\n').filter((l) => l.includes('units row'))).toEqual([`${file}:2: ${NOTE}`]);
    const { manifest } = await loadManifest(out);
    expect(manifest.input.channels.map((c) => `${c.name} ${c.unit}`)).toEqual([
      ...['Accelerometer1RMS g', 'Accelerometer2RMS g', 'Current A', 'Pressure bar', 'Temperature degC'],
      ...['Thermocouple degC', 'Voltage V', 'Volume_Flow_RateRMS l/min'],
    ]);
  }, 60_000);
});
