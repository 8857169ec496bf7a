/**
 * `train --cycle-channel` on a recording whose first parts are a machine's warm-up: it names them and the channel that
 * drifts, leaves them out of what is learnt by default (--warm-up skip), so that the model rejects a later warm-up's
 * parts as start-up scrap, learns them with --warm-up learn, and records either in the model's
 * training.parts.warm_up; a recording without one gets no such line. A bad --warm-up is refused, named.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { warmUpRecordingCsv, welder } from '../helpers/warm-up-recording.js';

let dir: string;
const cut = ['--cycle-channel', 'cycle_active', '--part-id-channel', 'part_counter', '--epochs', '3'];
const partsRecord = async (out: string) =>
  (JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as { training: { parts: Record<string, unknown> } })
    .training.parts;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lw-train-warmup-'));
  // A welder's 160 parts, the first 12 a warm-up (the tip 40 °C cold on the first); and the same without one.
  await writeFile(join(dir, 'warm.csv'), warmUpRecordingCsv(welder(7, 12)));
  await writeFile(join(dir, 'steady.csv'), warmUpRecordingCsv(welder(7, 0)));
});

describe('train --cycle-channel on a recording that starts with a warm-up', () => {
  it('names the parts and the drifting channel, leaves them out by default (--warm-up learn learns them), recorded', async () => {
    const csv = join(dir, 'warm.csv');
    const out = join(dir, 'skip-model');
    const res = await runCli(['train', '--csv', csv, ...cut, '--out', out]);
    expect(res.code).toBe(0);
    const line = res.stderr.split('\n').find((l) => l.includes('a warm-up ('));
    expect(line).toMatch(
      new RegExp(
        `^${csv}: parts [12] to 1[01] \\(\\d+, from the recording's start\\) trend from outside the ` +
          "spread of the later parts into it, a warm-up \\(the first part's channel means against the later parts' " +
          'median: tip_temp_c -3\\d(\\.\\d+)? \\(-\\d+(\\.\\d+)? sd\\), .*\\); left out of what is learnt ' +
          '\\(--warm-up skip, the default\\), so that the model rejects the parts of a later warm-up as start-up ' +
          'scrap; to learn them as good parts, give --warm-up learn$',
      ),
    );
    const skipped = await partsRecord(out);
    const warmUp = skipped.warm_up as { choice: string; parts: number; runs: { part_ids: string[] }[] };
    expect(warmUp.choice).toBe('skip');
    expect(warmUp.runs[0].part_ids).toHaveLength(warmUp.parts);
    expect(warmUp.parts).toBeGreaterThanOrEqual(9);

    const learnt = join(dir, 'learn-model');
    const learn = await runCli(['train', '--csv', csv, ...cut, '--warm-up', 'learn', '--out', learnt]);
    expect(learn.code).toBe(0);
    expect(learn.stderr).toContain(
      'learnt as good parts (--warm-up learn): the model will pass the parts of a later warm-up; to leave them out, ' +
        'give --warm-up skip (the default) or mark them NOK in a --part-labels table',
    );
    const record = await partsRecord(learnt);
    expect((record.warm_up as { choice: string }).choice).toBe('learn');
    // The warm-up's parts learnt from with learn, not with skip.
    expect(record.parts).toBe((skipped.parts as number) + warmUp.parts);
  });

  it('a recording without a warm-up: no warm-up line, none recorded', async () => {
    const out = join(dir, 'steady-model');
    const res = await runCli(['train', '--csv', join(dir, 'steady.csv'), ...cut, '--out', out]);
    expect(res.code).toBe(0);
    expect(res.stderr).not.toContain('warm-up');
    const record = await partsRecord(out);
    expect(record.warm_up).toMatchObject({ choice: 'skip', parts: 0, runs: [] });
    // All 160 parts but the last, which the file ends in before the flag falls, learnt from.
    expect(record.parts).toBe(159);
  });

  it('a --warm-up other than skip or learn, and --warm-up without --cycle-channel, are refused', async () => {
    const csv = join(dir, 'warm.csv');
    const bad = await runCli(['train', '--csv', csv, ...cut, '--warm-up', 'keep', '--out', join(dir, 'bad')]);
    expect([bad.code, bad.stderr]).toEqual([
      2,
      "linewatch: --warm-up keep: expected skip (leave a warm-up's parts out of what is learnt, the default) or learn (learn them as good parts)\n",
    ]);
    const alone = await runCli(['train', '--csv', csv, '--warm-up', 'learn', '--out', join(dir, 'alone')]);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain('--warm-up');
    expect(alone.stderr).toContain('for part models only; give --cycle-channel too');
  });
});
