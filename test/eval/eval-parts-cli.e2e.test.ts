/** `linewatch eval --cycle-channel` refuses what a part model cannot honour, naming the flag or the file. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.js';

const VALVE = join(ROOT, 'data/skab/valve1/3.csv');

describe('linewatch eval of a part model refuses', () => {
  it.each([
    [
      ['--cycle-channel', 'Current', '--on-delay-ms', '100', '--sustain-ms', '0'],
      '--on-delay-ms, --sustain-ms: a part model judges each part on its own, with no alarm delays',
    ],
    [
      ['--cycle-channel', 'Current', '--arch', 'stats'],
      "--arch stats --cycle-channel Current: stats scores sliding windows of rows; a part model is an autoencoder over each part's curves: --arch dense (the default with --cycle-channel) or conv1d",
    ],
    [['--window', '24'], '--window: for part models (--cycle-channel) only'],
    [
      ['--model', join(ROOT, 'models/press-ae'), '--cycle-channel', 'cycle_active', '--parts-per-day', '100'],
      `--parts-per-day: for the models eval fits (--cycle-channel without --model); the model ${join(ROOT, 'models/press-ae')} keeps its calibration`,
    ],
    [['--min-samples', '3'], '--min-samples: for part models only; give --cycle-channel too'],
  ])('eval %j: exit 2, "%s"', async (args, message) => {
    const res = await runCli(['eval', '--data', VALVE, ...args]);
    expect([res.code, res.stderr.trim()]).toEqual([2, `linewatch: ${message}`]);
  });

  it('a cycle column the file does not have: the file, the flag and its columns', async () => {
    const res = await runCli(['eval', '--data', VALVE, '--cycle-channel', 'Cycle']);
    expect([res.code, res.stderr.trim()]).toEqual([
      1,
      `linewatch: ${VALVE}: --cycle-channel Cycle: no such column (columns: Accelerometer1RMS, Accelerometer2RMS, Current, Pressure, Temperature, Thermocouple, Voltage, Volume Flow RateRMS, anomaly, changepoint)`,
    ]);
  });
});
