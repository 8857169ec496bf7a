/**
 * `linewatch train` refuses what it cannot honour, before it trains and without writing a model folder: a flag the
 * chosen path has no use for, a typo in a channel name, a blank name, an --out that is a file.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.js';

const CSV = join(ROOT, 'data/skab/anomaly-free/anomaly-free.csv');
const PUMP_CHANNELS = 'vibration_1, vibration_2, motor_current, voltage, pressure, temperature, flow';

describe('linewatch train refuses what it would otherwise ignore', () => {
  it.each([
    [
      ['--model', 'pump', '--arch', 'hybrid', '--slow-channels', 'foo,pressure'],
      `--slow-channels: foo: no such channel (channels: ${PUMP_CHANNELS})`,
    ],
    [
      ['--csv', CSV, '--slow-channels', 'Temprature'],
      '--slow-channels: Temprature: no such channel (channels: Accelerometer1RMS, Accelerometer2RMS, Current, Pressure, Temperature, Thermocouple, Voltage, Volume Flow RateRMS)',
    ],
    [
      ['--model', 'pump', '--arch', 'hybrid', '--window', '40', '--train-rows', '10'],
      "--window, --train-rows: with --csv only; the simulator's models have their own channels, rows and window",
    ],
    [
      ['--model', 'pump', '--arch', 'dense', '--false-alarms-per-day', '3'],
      "--false-alarms-per-day: the simulator's dense pump models keep the shipped calibration (2 × the 99.9th percentile of held-out scores); use --arch hybrid or stats, or train --csv",
    ],
    [['--model', 'pump', '--arch', 'hybrid', '--name', ''], '--name: expected a model name, not a blank one'],
    [['--csv', CSV, '--name', ' '], '--name: expected a model name, not a blank one'],
    [
      ['--csv', CSV, '--model-version', ' '],
      '--model-version: expected a version (1.1.0, 2026-12-05), not a blank one',
    ],
    [['--model', 'press', '--train-s', 'abc'], '--train-s abc: expected a whole number from 60'],
    [['--model', 'pump', '--arch', 'hybrid', '--train-s', '59'], '--train-s 59: expected a whole number from 60'],
    [
      ['--model', 'pump', '--arch', 'hybrid', '--prune', '0.5'],
      '--prune 0.5: the hybrid detector has no hidden units or conv channels to prune; --prune is for dense and conv1d',
    ],
    [
      ['--csv', CSV, '--cycle-channel', 'Current', '--arch', 'hybrid'],
      "--arch hybrid --cycle-channel Current: hybrid scores sliding windows of rows; a part model is an autoencoder over each part's curves: --arch dense (the default with --cycle-channel) or conv1d",
    ],
    [
      ['--csv', CSV, '--cycle-channel', 'Current', '--cycle-trigger', 'edge'],
      '--cycle-trigger edge: expected flag (a part runs while the channel is non-zero) or counter (each change starts the next part)',
    ],
    [
      ['--csv', CSV, '--cycle-channel', 'Current', '--min-samples', '50', '--max-samples', '20'],
      '--max-samples 20: below --min-samples 50; a part could never be judged',
    ],
    [
      ['--csv', CSV, '--cycle-channel', 'Current', '--max-sample-age-ms', '0'],
      '--max-sample-age-ms 0: expected a whole number from 1',
    ],
    [
      ['--csv', CSV, '--cycle-channel', 'Current', '--slow-channels', 'Pressure'],
      '--slow-channels: for sliding-window detectors; a part model reads each part whole',
    ],
    [
      ['--csv', CSV, '--part-id-channel', 'Current', '--max-samples', '100'],
      '--part-id-channel, --max-samples: for part models only; give --cycle-channel too',
    ],
    [
      ['--csv', CSV, '--cycle-channel', 'Current', '--window', '200', '--max-samples', '100'],
      "--window 200: more points than a part may have rows (--max-samples 100); a part's curve holds no more",
    ],
    [
      ['--csv', CSV, '--cycle-channel', 'Current', '--parts-per-day', '0'],
      '--parts-per-day 0: expected a positive number (e.g. 14400)',
    ],
    [['--csv', CSV, '--parts-per-day', '100'], '--parts-per-day: for part models only; give --cycle-channel too'],
    [
      ['--model', 'press', '--cycle-channel', 'cycle_active'],
      "--cycle-channel: with --csv only; the simulator's models have their own channels, rows and window",
    ],
    // The press's model is a part model on the simulator's own recording: no table of part results, no warm-up of its
    // own (before, both were ignored).
    [
      ['--model', 'press', '--part-labels', 'qs.csv', '--warm-up', 'learn'],
      "--part-labels, --warm-up: with --csv only; the simulator's models have their own channels, rows and window",
    ],
    [
      ['--model', 'pump', '--arch', 'dense', '--false-rejects-ppm', '100'],
      "--false-rejects-ppm: with --csv only; the simulator's models have their own channels, rows and window",
    ],
  ])('train %j: exit 2, "%s", no model folder', async (args, message) => {
    const out = join(await mkdtemp(join(tmpdir(), 'lw-train-flags-')), 'model');
    const res = await runCli(['train', ...args, '--out', out]);
    expect([res.code, res.stderr.trim()]).toEqual([2, `linewatch: ${message}`]);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses an --out that is a file before training, leaving the file as it was', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'lw-train-out-')), 'notes.txt');
    await writeFile(file, 'keep me');
    const res = await runCli(['train', '--model', 'pump', '--arch', 'hybrid', '--out', file]);
    expect([res.code, res.stderr.trim()]).toEqual([2, `linewatch: --out ${file}: exists and is not a folder`]);
    expect(res.stderr).not.toMatch(/windows of/); // nothing was fitted
    expect(await readFile(file, 'utf8')).toBe('keep me');
  });

  it('says on the report page what the CSV held that was not learnt as it was (train_report_data_notes)', async () => {
    // A historian's 3-minute rows: a missed sample (held), a 5-row hole in one channel (its rows left out: two
    // segments) and a status column of text (left out). Before, stderr said the first two and the page nothing.
    const dir = await mkdtemp(join(tmpdir(), 'lw-train-report-notes-'));
    const t0 = Date.parse('2026-11-02T00:00:00Z');
    const lines = ['timestamp,flow,temp,level,Status'];
    for (let i = 0; i < 900; i++) {
      const flow = i === 100 || (i >= 500 && i < 505) ? '' : (10 + Math.sin(i / 7) + ((i * 7919) % 13) / 50).toFixed(3);
      const temp = (60 + Math.cos(i / 11) + ((i * 104729) % 17) / 60).toFixed(3);
      const level = (40 + Math.sin(i / 5) * 0.5 + ((i * 1299709) % 11) / 40).toFixed(3);
      lines.push(`${new Date(t0 + i * 180_000).toISOString()},${flow},${temp},${level},Running`);
    }
    const csv = join(dir, 'historian.csv');
    await writeFile(csv, `${lines.join('\n')}\n`);
    const res = await runCli(['train', '--csv', csv, '--report', join(dir, 'report'), '--out', join(dir, 'model')]);
    expect(res.code, res.stderr).toBe(0);
    const held =
      'missing readings: flow 6 missing (first on line 102): 1 held at the last reading, 5 in 1 gap(s) longer than a ' +
      'gateway holds one (the longest left open: 5 rows from line 502), not learnt from';
    const breaks = 'learnt in 2 segments: 5 row(s) without every reading left out; no window spans a break';
    expect(res.stderr).toContain(`${csv}: ${held}\n${csv}: ${breaks}\n`);
    const page = await readFile(join(dir, 'report', 'index.html'), 'utf8');
    for (const note of [held, breaks, 'left out, they hold text, not readings: Status (Running)'])
      expect(page).toContain(`<p class="note">${note}</p>`);
  });

  it('writes the report page for a hybrid trained on the simulator, as it does for one trained on a CSV', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-train-report-'));
    const res = await runCli([
      'train',
      '--model',
      'pump',
      '--arch',
      'hybrid',
      '--train-s',
      '600',
      '--report',
      join(dir, 'report'),
      '--out',
      join(dir, 'model'),
    ]);
    expect(res.code, res.stderr).toBe(0);
    const page = await readFile(join(dir, 'report', 'index.html'), 'utf8');
    expect(page).toContain('linewatch train: pump-hybrid (hybrid) on the simulator');
    expect(page).toContain('pump-hybrid: normal windows, each scored out of fold (by a fit without it)');
  });
});
