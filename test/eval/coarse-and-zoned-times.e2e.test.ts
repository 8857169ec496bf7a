/**
 * `linewatch train` and `eval` end to end on two kinds of time column: whole seconds since the start at 4 rows a
 * second (plain numbers coarser than the rows, read --period-ms apart: scored exactly as the same rows with dates
 * 250 ms apart), and dates written in UTC (`Z`) that step back an hour (a pause, where the same dates in local time
 * are the clocks going back).
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, SKAB_RENAME } from '../helpers/cli.js';
import { valveWith } from '../helpers/csv-tables.js';

interface Report {
  perFile: { file: string; pauses?: { count: number; longest_at_row: number; longest: string } }[];
}

const T0 = Date.UTC(2020, 2, 9);

/** valve1/3.csv with its time column rewritten by row (0-based). */
const timed = (time: (row: number) => string) => valveWith((row, c) => [row < 0 ? c[0] : time(row), ...c.slice(1)]);

/** What a report says of its one file, without the file's name. */
const figures = (stdout: string) => {
  const { file: _file, ...rest } = (JSON.parse(stdout) as Report).perFile[0];
  return rest;
};

describe('time columns read end to end', () => {
  it('reads whole seconds at 4 rows a second --period-ms apart: scored as dates 250 ms apart, trained at 250 ms', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-coarse-'));
    const [seconds, dates] = [join(dir, 'seconds.csv'), join(dir, 'dates.csv')];
    await writeFile(
      seconds,
      timed((row) => String(Math.floor(row / 4))),
    );
    await writeFile(
      dates,
      timed((row) => new Date(T0 + 250 * row).toISOString()),
    );
    const args = ['--train-rows', '400', '--period-ms', '250', '--json'];
    const [coarse, fine] = await Promise.all([seconds, dates].map((d) => runCli(['eval', '--data', d, ...args])));
    expect(coarse.code, coarse.stderr).toBe(0);
    expect(fine.code, fine.stderr).toBe(0);
    expect(figures(coarse.stdout)).toEqual(figures(fine.stdout));
    expect(figures(coarse.stdout).pauses).toBeUndefined();

    const out = join(dir, 'model');
    const refused = await runCli(['train', '--csv', seconds, '--out', out]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      'seconds.csv: the time column holds plain numbers (0, 0, 0, …), not dates or Unix times (ms; s, µs or ns ' +
        "under a time's name), so the sample period is unknown; give --period-ms (the rows that share a number are " +
        'then read that far apart)',
    );
    // The first 400 rows, as eval fits on: the file's labelled fault comes later (train refuses to fit on it).
    const trained = await runCli([
      'train',
      '--csv',
      seconds,
      '--period-ms',
      '250',
      '--train-rows',
      '400',
      ...SKAB_RENAME,
      '--out',
      out,
    ]);
    expect(trained.code, trained.stderr).toBe(0);
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as {
      input: { sample_period_ms: number };
    };
    expect(manifest.input.sample_period_ms).toBe(250);
  }, 120_000);

  it('takes a step back of an hour in UTC dates as a pause, and in local dates as the clocks going back', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-zoned-'));
    // From row 600 on the rows are stamped an hour earlier.
    const at = (row: number) => new Date(T0 + 1000 * row - (row >= 600 ? 3_600_000 : 0)).toISOString();
    const [utc, local] = [join(dir, 'utc.csv'), join(dir, 'local.csv')];
    await writeFile(utc, timed(at));
    await writeFile(
      local,
      timed((row) => at(row).slice(0, 19).replace('T', ' ')),
    );
    const args = ['--train-rows', '400', '--json'];
    const [zoned, clock] = await Promise.all([utc, local].map((d) => runCli(['eval', '--data', d, ...args])));
    expect(zoned.code, zoned.stderr).toBe(0);
    expect(clock.code, clock.stderr).toBe(0);
    expect(figures(zoned.stdout).pauses).toEqual({
      count: 1,
      longest_at_row: 601,
      longest:
        'the rows go back in time from 2020-03-09T00:09:59.000Z to 2020-03-08T23:10:00.000Z (3599 s back: ' +
        'recordings joined out of order, or rows repeated)',
    });
    expect(figures(clock.stdout).pauses).toBeUndefined();

    const refused = await runCli(['train', '--csv', utc, '--train-rows', '700', '--out', join(dir, 'model')]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      'utc.csv: the rows go back in time from 2020-03-09T00:09:59.000Z to 2020-03-08T23:10:00.000Z (3599 s back: ' +
        'recordings joined out of order, or rows repeated), data rows 600 and 601; the rows a model learns from ' +
        'must run forward in time: sort them, remove the repeated rows, fit on the rows before it (--train-rows 600)',
    );
  }, 120_000);
});
