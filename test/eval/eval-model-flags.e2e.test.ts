/**
 * eval --model scores a model folder as it was fitted: `eval --arch stats --model DIR` scored DIR's model and ignored
 * --arch. The flags that choose or fit a model are refused beside --model, naming them; and --json's per-file entries
 * carry MAR and NAB as the totals do.
 */
import { copyFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EvalReport } from '../../src/eval/evaluate.js';
import { ROOT, runCli } from '../helpers/cli.js';

const SKAB = join(ROOT, 'data/skab');
const FILE = join(SKAB, 'valve1/1.csv');
const MODEL = join(ROOT, 'models/pump-hybrid');
const WHY =
  `for the models eval fits (without --model); --model ${MODEL} is scored as it was fitted and calibrated (its ` +
  'architecture, shape and alarm levels are in its manifest)';

type FileFigures = EvalReport['perFile'][number];

describe('eval --model and the flags that fit a model', () => {
  it.each([
    [['--arch', 'stats'], '--arch'],
    [['--quantile', '0.999', '--false-alarms-per-day', '2'], '--false-alarms-per-day, --quantile'],
    [['--seed=3', '--epochs', '5', '--validation-fraction', '0.3'], '--validation-fraction, --seed, --epochs'],
    [['--hidden', '8,2,8', '--filters', '4,2', '--slow-channels', 'flow'], '--slow-channels, --hidden, --filters'],
  ])('refuses %j beside --model, naming both', async (flags, named) => {
    const res = await runCli(['eval', '--model', MODEL, '--data', FILE, ...flags]);
    expect([res.code, res.stdout, res.stderr]).toEqual([2, '', `linewatch: ${named}: ${WHY}\n`]);
  });

  it('refuses --hidden and --filters without --cycle-channel, which the sliding-window fit does not read', async () => {
    const res = await runCli(['eval', '--data', FILE, '--arch', 'dense', '--hidden', '8,2,8']);
    expect([res.code, res.stderr]).toEqual([2, 'linewatch: --hidden: for part models (--cycle-channel) only\n']);
  });

  it('gives each file its MAR and NAB scores in --json, the totals of one file the same', async () => {
    const one = await runCli(['eval', '--data', FILE, '--arch', 'stats', '--train-rows', '400', '--json']);
    expect(one.code, one.stderr).toBe(0);
    const r = JSON.parse(one.stdout) as { mar: number; nab: FileFigures['nab']; perFile: FileFigures[] };
    expect(r.perFile).toHaveLength(1);
    expect(r.perFile[0].mar).toBe(r.mar);
    expect(r.perFile[0].nab).toEqual(r.nab);
    expect(Object.keys(r.nab)).toEqual(['standard', 'low_fp', 'low_fn']);
    // Two files: each its own figures, the existing fields still there.
    const dir = await mkdtemp(join(tmpdir(), 'lw-eval-perfile-'));
    await copyFile(FILE, join(dir, 'a.csv'));
    await copyFile(join(SKAB, 'other/1.csv'), join(dir, 'b.csv'));
    const two = await runCli(['eval', '--data', dir, '--arch', 'stats', '--train-rows', '400', '--json']);
    expect(two.code, two.stderr).toBe(0);
    const files = (JSON.parse(two.stdout) as { perFile: FileFigures[] }).perFile;
    expect(files.map((f) => f.file)).toEqual(['a.csv', 'b.csv']);
    for (const f of files) {
      expect(Object.keys(f).slice(0, 9)).toEqual([
        'file',
        'f1',
        'far',
        'mar',
        'nab',
        'delay_s',
        'detected_spans',
        'false_alarms',
        'false_alarms_per_day',
      ]);
    }
    // Each file gives among two what it gives alone.
    expect(files[0].mar).toBe(r.mar);
    expect(files[0].nab).toEqual(r.nab);
    const b = await runCli(['eval', '--data', join(dir, 'b.csv'), '--arch', 'stats', '--train-rows', '400', '--json']);
    expect(b.code, b.stderr).toBe(0);
    const alone = JSON.parse(b.stdout) as { mar: number; nab: FileFigures['nab'] };
    expect(files[1].mar).toBe(alone.mar);
    expect(files[1].nab).toEqual(alone.nab);
  }, 120_000);
});
