/**
 * A historian export whose every column is named like `FIC-101 A feed [kscmh]` (walker w2, 2026-12-07: 39 such
 * columns): train refused them and asked for one --rename per column, and eval --model and quantize asked for every
 * one again. `train --rename auto` names them all, says the names and records them in the manifest
 * (training.renames); eval --model and quantize read a file with the original columns as the model was trained to,
 * said in one line; a file with both a column the model read and a column of its channel's name is refused.
 * SKAB's files with their header replaced by such names.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadManifest } from '../../src/inference/manifest.js';
import { ROOT, runCli } from '../helpers/cli.js';

const TAGS = [
  'VI-1 Pump vibration A [g]',
  'VI-2 Pump vibration B [g]',
  'II-3 Motor current [A]',
  'PI-4 Discharge pressure [bar g]',
  'TI-5 Bearing temp [°C]',
  'TI-6 Fluid temp [°C]',
  'EI-7 Supply voltage [V]',
  'FIC-101 A feed [kscmh]',
];
const NAMES = [
  'VI-1_Pump_vibration_A_g',
  'VI-2_Pump_vibration_B_g',
  'II-3_Motor_current_A',
  'PI-4_Discharge_pressure_bar_g',
  'TI-5_Bearing_temp_C',
  'TI-6_Fluid_temp_C',
  'EI-7_Supply_voltage_V',
  'FIC-101_A_feed_kscmh',
];
const FLAGS = ['--train-rows', '1500', '--arch', 'dense', '--window', '10', '--epochs', '2'];

/** A SKAB file with its channels' header names replaced by `names`. */
async function historianCopy(from: string, to: string, names: readonly string[]): Promise<string> {
  const [header, ...rows] = (await readFile(join(ROOT, 'data/skab', from), 'utf8')).split('\n');
  const [time, ...columns] = header.split(';');
  await writeFile(to, [[time, ...names, ...columns.slice(names.length)].join(';'), ...rows].join('\n'));
  return to;
}

let dir: string;
let normal: string;
let labelled: string;
let model: string;
let trained: { code: number | null; stderr: string };
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lw-rename-auto-'));
  normal = await historianCopy('anomaly-free/anomaly-free.csv', join(dir, 'normal.csv'), TAGS);
  labelled = await historianCopy('valve1/0.csv', join(dir, 'valve.csv'), TAGS);
  model = join(dir, 'model');
  trained = await runCli(['train', '--csv', normal, ...FLAGS, '--rename', 'auto', '--out', model]);
}, 120_000);

describe('train on a historian export of columns no configuration can name', () => {
  it('refuses without --rename, asking for --rename auto, not one flag per column', async () => {
    const out = join(dir, 'refused');
    const res = await runCli(['train', '--csv', normal, ...FLAGS, '--out', out]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(
      'nothing was fitted: add --rename auto to read those columns under names a configuration takes ' +
        '("VI-1 Pump vibration A [g]" as VI-1_Pump_vibration_A_g, "VI-2 Pump vibration B [g]" as ' +
        'VI-2_Pump_vibration_B_g, "II-3 Motor current [A]" as II-3_Motor_current_A, and 5 more), or --rename ' +
        'COLUMN=NAME for each to choose the names, or leave them out with --channels\n',
    );
    expect(res.stderr).not.toContain("--rename 'VI-1");
    expect(existsSync(out)).toBe(false);
  }, 60_000);

  it('--rename auto names them, says each name and records them in the manifest', async () => {
    expect(trained.code, trained.stderr).toBe(0);
    expect(trained.stderr).toContain(
      `--csv ${normal}: --rename auto read 8 column(s) under names a gateway configuration takes (the model's ` +
        'manifest records them as training.renames; eval --model and quantize read a file with these columns the ' +
        'same way; name the channels so in the gateway configuration):\n' +
        TAGS.map((t, i) => `  ${JSON.stringify(t)} -> ${NAMES[i]}\n`).join(''),
    );
    const m = (await loadManifest(model)).manifest;
    expect(m.input.channels.map((c) => c.name)).toEqual(NAMES);
    expect(m.training.renames).toEqual(Object.fromEntries(TAGS.map((t, i) => [t, NAMES[i]])));
    const validated = await runCli(['validate', '--model', model]);
    expect([validated.code, validated.stderr]).toEqual([0, '']);
  });
});

describe("eval --model and quantize on a file with the model's original columns", () => {
  const said = (where: string) =>
    `${where}: columns read as the model was trained to read them (8 rename(s) its manifest records): ` +
    '"VI-1 Pump vibration A [g]" as VI-1_Pump_vibration_A_g, "VI-2 Pump vibration B [g]" as ' +
    'VI-2_Pump_vibration_B_g, "II-3 Motor current [A]" as II-3_Motor_current_A, and 5 more\n';

  it('eval --model reads it with the renames the model records, said once, scored as with the flags given', async () => {
    const own = await runCli(['eval', '--model', model, '--data', labelled, '--json']);
    expect(own.code, own.stderr).toBe(0);
    expect(own.stderr.split(said(`--data ${labelled}`)).length).toBe(2);
    const flags = TAGS.flatMap((t, i) => ['--rename', `${t}=${NAMES[i]}`]);
    const given = await runCli(['eval', '--model', model, '--data', labelled, ...flags, '--json']);
    expect(given.code, given.stderr).toBe(0);
    expect(given.stderr).not.toContain('columns read as the model was trained');
    expect(JSON.parse(own.stdout)).toEqual(JSON.parse(given.stdout));
  }, 60_000);

  it('quantize reads it so too', async () => {
    const out = join(dir, 'quantized');
    const res = await runCli(['quantize', '--model', model, '--csv', normal, '--out', out]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr.split(said(`--csv ${normal}`)).length).toBe(2);
    expect((await loadManifest(out)).manifest.input.channels.map((c) => c.name)).toEqual(NAMES);
  }, 60_000);

  it('refuses a file with both a column the model read and a column named as its channel', async () => {
    // The labelled file with a column more: VI-1_Pump_vibration_A_g, the channel its first column is read as.
    const lines = (await readFile(labelled, 'utf8')).split('\n');
    const both = join(dir, 'both.csv');
    await writeFile(both, lines.map((l, i) => (i === 0 ? `${l};${NAMES[0]}` : l && `${l};0.5`)).join('\n'));
    const res = await runCli(['eval', '--model', model, '--data', both]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(
      `--data ${both}: the model was trained reading column "VI-1 Pump vibration A [g]" as channel ` +
        'VI-1_Pump_vibration_A_g, and the file has a column "VI-1_Pump_vibration_A_g" too; say which holds ' +
        "VI-1_Pump_vibration_A_g: --rename 'VI-1 Pump vibration A [g]=VI-1_Pump_vibration_A_g' or --rename " +
        "'VI-1 Pump vibration A [g]=other_name'",
    );
  }, 60_000);
});

describe('eval --arch --rename auto: each file read as train --rename auto reads it', () => {
  const EVAL = ['--arch', 'dense', '--epochs', '2', '--train-rows', '400', '--json'];

  it('names the columns as train does, said once, scored as with the flags written out', async () => {
    const auto = await runCli(['eval', '--data', labelled, ...EVAL, '--rename', 'auto']);
    expect(auto.code, auto.stderr).toBe(0);
    const said =
      `--data ${labelled}: --rename auto read 8 column(s) under names a gateway configuration takes: ` +
      '"VI-1 Pump vibration A [g]" as VI-1_Pump_vibration_A_g, "VI-2 Pump vibration B [g]" as ' +
      'VI-2_Pump_vibration_B_g, "II-3 Motor current [A]" as II-3_Motor_current_A, and 5 more\n';
    expect(auto.stderr.split(said).length).toBe(2);
    const flags = TAGS.flatMap((t, i) => ['--rename', `${t}=${NAMES[i]}`]);
    const given = await runCli(['eval', '--data', labelled, ...EVAL, ...flags]);
    expect(given.code, given.stderr).toBe(0);
    expect(JSON.parse(auto.stdout)).toEqual(JSON.parse(given.stdout));
  }, 60_000);

  it('takes --slow-channels by the names it gives', async () => {
    const res = await runCli(['eval', '--data', labelled, ...EVAL, '--rename', 'auto', '--slow-channels', NAMES[4]]);
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout).detector.slow_channels).toEqual([NAMES[4]]);
  }, 60_000);

  it('is refused with --model, whose manifest records the names its file is read with', async () => {
    const res = await runCli(['eval', '--model', model, '--data', labelled, '--rename', 'auto']);
    expect([res.code, res.stdout]).toEqual([2, '']);
    expect(res.stderr).toBe(
      'linewatch: --rename auto: for train --csv and eval --arch without --cycle-channel, which name the columns a ' +
        'model is made from; eval --model and quantize read a file with those columns as the model records ' +
        '(training.renames)\n',
    );
  }, 60_000);
});
