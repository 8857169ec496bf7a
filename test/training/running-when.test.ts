/**
 * A plant stop inside the normal span (w1's historian walk, 2026-12-07: the historian kept writing rows through it,
 * every channel was judged slow and the restart's score set the alarm). Without --running-when the stop is learnt;
 * with it the stopped rows are left out as a pause is, and the model is the one fitted on the running rows alone.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadManifest } from '../../src/inference/manifest.js';
import { runCli } from '../helpers/cli.js';
import { csvNormalData } from '../../src/training/csv-dataset.js';
import { DEFAULT_TARGET, fitDetector, type NormalData } from '../../src/training/fit-detector.js';
import { parseRunningCondition } from '../../src/core/running-condition.js';

const T0 = Date.parse('2026-10-24T20:00:00Z');
const ROWS = 900;
/** Rows 400–599 stopped: the flow and the temperature fall to their idle levels. */
const stopped = (i: number) => i >= 400 && i < 600;

/** A historian export: a row a second, the mode written where it changes (blank between); `keep` picks the rows. */
function export_(keep: (i: number) => boolean = () => true): string {
  let s = 11;
  const noise = () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1;
  const lines = ['Timestamp,flow,temp,mode'];
  for (let i = 0; i < ROWS; i++) {
    const [flow, temp] = stopped(i) ? [2 + noise(), 30 + noise()] : [400 + 4 * noise(), 245 + noise()];
    const mode = i === 0 || stopped(i) !== stopped(i - 1) ? (stopped(i) ? 'STOP' : 'RUN') : '';
    if (keep(i)) lines.push(`${new Date(T0 + i * 1000).toISOString()},${flow},${temp},${mode}`);
  }
  return `${lines.join('\n')}\n`;
}

const fit = (data: NormalData) =>
  fitDetector(data, {
    arch: 'hybrid',
    seed: 1,
    epochs: 2,
    validationFraction: 0.25,
    target: DEFAULT_TARGET,
    command: 'test',
    log: () => undefined,
  });

describe('train --running-when on a recording with a plant stop in it', () => {
  const runningWhen = parseRunningCondition('mode=RUN');

  it('without it, learns the stop: every channel slow; with it, leaves the stop out and judges none slow', async () => {
    const all = csvNormalData(export_(), 'e101.csv', { name: 'e101' });
    const running = csvNormalData(export_(), 'e101.csv', { name: 'e101', runningWhen });
    // The mode column is text, no channel; the stop's 200 rows are left out and start a segment.
    expect([all.channels, all.rowCount, running.rowCount]).toEqual([['flow', 'temp'], 900, 700]);
    expect(running.segmentStarts).toEqual([400]);
    expect(running.stopped).toEqual({
      rows: 200,
      text:
        '200 of the 900 rows not running (not mode=RUN, or no reading of mode) left out: neither learnt nor scored, ' +
        'no window spans them (--running-when)',
    });
    expect(running.breaks).toBe(
      'learnt in 2 segments: 200 row(s) not running left out (--running-when); no window spans a break',
    );
    const [withStop, withoutStop] = await Promise.all([fit(all), fit(running)]);
    expect(withStop.manifest.training.slow_channels).toBe(
      'found from the training rows (level spread across the span > within a window): flow, temp',
    );
    expect(withoutStop.manifest.training.slow_channels).toBe(
      'found from the training rows (level spread across the span > within a window): none',
    );
    expect(withoutStop.manifest.score.threshold).toBeLessThan(withStop.manifest.score.threshold);
  }, 60_000);

  it('fits the model that the running rows alone give (the stop cut out of the file: a pause there)', async () => {
    const running = csvNormalData(export_(), 'e101.csv', { name: 'e101', runningWhen });
    const alone = csvNormalData(
      export_((i) => !stopped(i)),
      'e101.csv',
      { name: 'e101' },
    );
    expect([...running.rows]).toEqual([...alone.rows]);
    expect([running.segmentStarts, running.sourceRows?.[400]]).toEqual([alone.segmentStarts, 600]);
    const [a, b] = await Promise.all([fit(running), fit(alone)]);
    // The same but for the words of training.data and the largest normal score's row, named as each file has it.
    const details = (m: typeof a.manifest) => m.score.details as Record<string, unknown>;
    expect([details(a.manifest).largest_score_row, details(b.manifest).largest_score_row]).toEqual([674, 474]);
    const same = (m: typeof a.manifest) => ({
      ...m,
      training: { ...m.training, data: '' },
      score: { ...m.score, details: { ...details(m), largest_score_row: 0 } },
    });
    expect(same(a.manifest)).toEqual(same(b.manifest));
  }, 60_000);

  it('refuses a condition under which no row runs, naming the condition and what the column holds', () => {
    expect(() =>
      csvNormalData(export_(), 'e101.csv', { name: 'e101', runningWhen: parseRunningCondition('mode=RUNNING') }),
    ).toThrow(
      'e101.csv: --running-when mode=RUNNING: none of the 900 rows runs (the column holds mode (2 values: RUN, STOP)): ' +
        'check the condition, or learn from rows where the machine runs',
    );
  });
});

describe('linewatch train --csv --running-when', () => {
  it('records the condition in the manifest and says how many rows it left out, on stderr and in training.data', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-train-running-'));
    const csv = join(dir, 'e101.csv');
    await writeFile(csv, export_());
    const out = join(dir, 'model');
    const run = await runCli(['train', '--csv', csv, '--running-when', 'mode=RUN', '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    const stopped =
      '200 of the 900 rows not running (not mode=RUN, or no reading of mode) left out: neither learnt nor scored, ' +
      'no window spans them (--running-when)';
    expect(run.stderr).toContain(`${csv}: ${stopped}\n`);
    const { manifest } = await loadManifest(out);
    // The stop's restart has no ramp here: the settle time estimated from it is 0, said how.
    expect(manifest.training.running_when).toEqual({ channel: 'mode', equals: 'RUN', settle_ms: 0 });
    expect(manifest.training.running_settle).toBe(
      '0 ms, estimated from 1 restart(s) in the rows: the time until every channel is back within the spread of the ' +
        'long-running rows (the second half of each run), 0 s; the upper quartile',
    );
    expect(manifest.training.data).toContain(' (running when mode=RUN: 200 row(s) not running left out)');
    expect(manifest.input.channels.map((c) => c.name)).toEqual(['flow', 'temp']);
  }, 60_000);

  it('refuses it with the simulator and with a part model', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-train-running-'));
    const csv = join(dir, 'e101.csv');
    await writeFile(csv, export_());
    const out = join(dir, 'model');
    const [sim, parts] = await Promise.all([
      runCli(['train', '--running-when', 'mode=RUN', '--out', out]),
      runCli(['train', '--csv', csv, '--cycle-channel', 'flow', '--running-when', 'mode=RUN', '--out', out]),
    ]);
    expect([sim.code, parts.code]).toEqual([2, 2]);
    expect(sim.stderr).toContain('--running-when');
    expect(sim.stderr).toContain("with --csv only; the simulator's models have their own channels, rows and window");
    expect(parts.stderr).toBe(
      'linewatch: --running-when with --cycle-channel: a part model learns whole parts; leave out the rows of a ' +
        'stopped machine from its recording\n',
    );
  }, 60_000);
});
