/** `linewatch eval` on the real SKAB data: one code path with `train`, causality, and bad inputs. */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fitOnSeries, inMemoryModel, streamSeries } from '../../src/eval/evaluate.js';
import { readLabelledCsv } from '../../src/eval/labelled-csv.js';
import { alarmSettingsSchema } from '../../src/alarms/schema.js';
import { DEFAULT_TARGET, type DetectorOptions } from '../../src/training/fit-detector.js';
import { ROOT, runCli, SKAB_RENAME } from '../helpers/cli.js';

const SKAB = join(ROOT, 'data/skab');
const OPTIONS: DetectorOptions = {
  arch: 'hybrid',
  seed: 7,
  epochs: 60,
  validationFraction: 0.25,
  target: DEFAULT_TARGET,
  command: 'test',
  log: () => {},
};

interface Report {
  precision: string;
  files: number;
  f1: number;
  far: number;
  nab: { standard: number };
  false_alarms_per_day: number;
  perFile: {
    file: string;
    f1: number;
    far: number;
    delay_s: number | null;
    false_alarms: number;
    false_alarms_per_day: number | null;
  }[];
}

describe('linewatch eval on SKAB (34 labelled files, N = 400, causal, hybrid)', () => {
  it('says F1 and MAR measure nothing where no row is labelled anomalous (not F1 0.000)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-eval-normal-'));
    const rows = (await readFile(join(SKAB, 'valve1/1.csv'), 'utf8')).split(/\r?\n/).slice(0, 601);
    const normal = [rows[0], ...rows.slice(1).map((r) => r.replace(/;[\d.]+;[\d.]+$/, ';0.0;0.0'))];
    await writeFile(join(dir, 'normal.csv'), normal.join('\n'));
    const res = await runCli(['eval', '--data', join(dir, 'normal.csv'), '--train-rows', '400']);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^int8 {2}1 files {2}F1 n\/a \(no labelled anomaly\) {2}FAR [\d.]+ % {2}MAR n\/a {2}/m);
    // The alarm rule in words, with the settings that change it.
    expect(res.stdout).toContain(
      "alarm, as a gateway raises it: raised when the score stays above the model's alarm threshold for 1000 ms " +
        "(alarm.on_delay_ms), or above its clear level for a window's span (alarm.sustain_ms); cleared when it stays " +
        "below the clear level, or the model's largest normal score where that is lower, for 5000 ms " +
        '(alarm.off_delay_ms); that lower level holds it for at most the sustain time\n',
    );
  }, 120_000);

  it('reports pointwise, NAB and operator figures for int8 and fp32, int8 within 0.01 F1 of fp32', async () => {
    const res = await runCli(['eval', '--data', SKAB, '--train-rows', '400', '--precision', 'both', '--json']);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const out = JSON.parse(res.stdout) as { reports: Report[]; f1_difference: number };
    const int8 = out.reports.find((r) => r.precision === 'int8')!;
    process.stdout.write(
      `eval: ${out.reports.map((r) => `${r.precision} F1 ${r.f1.toFixed(3)} FAR ${r.far.toFixed(2)} NAB ${r.nab.standard.toFixed(1)}`).join('; ')}\n`,
    );
    expect(int8.files).toBe(34);
    expect(int8.perFile).toHaveLength(34);
    expect(out.f1_difference).toBeLessThanOrEqual(0.01);
    // Regression floors under the measured figures (docs/detection.md, 2026-12-04, the hybrid with the left-out
    // channels' residual change: F1 0.601, FAR 3.24 %, 24 of 34 spans, 31.3 false alarms a day (4 in the 34 files'
    // normal rows: one more than before it, after other/5's fault ends and the accelerometers step back) at the
    // default budget and alarm delays; 2026-12-03: F1 0.597, FAR 2.94 %, 21 spans); the issue's target F1 0.82 is
    // not met. 2026-12-06, a quantised channel still for 8 training rows scored on a rise of its variability only:
    // F1 0.725, FAR 5.35 %, 27 of 34 spans, 47.0 false alarms a day (6 in the 34 files' normal rows). Later that day,
    // a raised alarm cleared only below the largest normal score where `off` lies above it (every SKAB file): F1
    // 0.767, FAR 8.76 % (alarms held after a fault's end), 27 spans, 31.3 false alarms a day (4), NAB 28.9 -> 26.7.
    // Then that hold bounded by the sustain time: F1 0.759, FAR 8.23 %, 27 spans, 39.2 false alarms a day (5).
    expect(int8.far).toBeLessThanOrEqual(9.5);
    expect(int8.f1).toBeGreaterThan(0.74);
    expect(int8.false_alarms_per_day).toBeLessThan(40);
    const detected = int8.perFile.filter((f) => f.delay_s !== null);
    expect(detected.length).toBeGreaterThan(24);
    // A detection comes after the fault starts, unless a false alarm raised before it was still on (delay 0).
    for (const f of detected) if (f.false_alarms === 0) expect(f.delay_s).toBeGreaterThan(0);
  });

  it('a model that train fits on the first N rows, scored by eval --model, gives exactly what eval --arch reports', async () => {
    const file = join(SKAB, 'valve1/3.csv');
    const out = await mkdtemp(join(tmpdir(), 'lw-eval-model-'));
    const trained = await runCli(['train', '--csv', file, '--train-rows', '400', ...SKAB_RENAME, '--out', out]);
    expect(trained.code, trained.stderr).toBe(0);
    const byArch = await runCli(['eval', '--data', file, '--train-rows', '400', ...SKAB_RENAME, '--json']);
    const byModel = await runCli([
      'eval',
      '--model',
      out,
      '--data',
      file,
      '--train-rows',
      '400',
      ...SKAB_RENAME,
      '--json',
    ]);
    expect(byModel.code).toBe(0);
    const a = JSON.parse(byArch.stdout) as Report;
    const b = JSON.parse(byModel.stdout) as Report;
    expect(b.perFile).toEqual(a.perFile);
    expect(b.f1).toBe(a.f1);
    expect(a.f1).toBeGreaterThan(0.5);
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.score.function).toBe('max_term_z');
    expect(manifest.score.off_threshold).toBeLessThan(manifest.score.threshold);
    // Off lies above every normal score here: a raised alarm clears below the largest of them.
    expect(manifest.score.clear_threshold).toBeLessThan(manifest.score.off_threshold);
    expect(manifest.score.clear_threshold).toBe(manifest.score.details.largest_score);
    expect(manifest.output.terms.kinds).toEqual(['residual', 'level', 'variability']);
    // A column called `label` (here a copy of the anomaly labels) is no channel for train's default nor for eval, so
    // the two still fit one model (and eval does not report it as a constant channel left out).
    const labelled = join(out, 'labelled.csv');
    const [header, ...rows] = (await readFile(file, 'utf8')).trimEnd().split(/\r?\n/);
    await writeFile(labelled, [`${header};label`, ...rows.map((r) => `${r};${r.split(';').at(-2)}`)].join('\n'));
    const out2 = await mkdtemp(join(tmpdir(), 'lw-eval-model-'));
    expect(
      (await runCli(['train', '--csv', labelled, '--train-rows', '400', ...SKAB_RENAME, '--out', out2])).code,
    ).toBe(0);
    const channels = JSON.parse(await readFile(join(out2, 'manifest.json'), 'utf8')).input.channels;
    expect(channels.map((c: { name: string }) => c.name)).not.toContain('label');
    const arch2 = JSON.parse(
      (await runCli(['eval', '--data', labelled, '--train-rows', '400', ...SKAB_RENAME, '--json'])).stdout,
    );
    const model2 = await runCli([
      'eval',
      '--model',
      out2,
      '--data',
      labelled,
      '--train-rows',
      '400',
      ...SKAB_RENAME,
      '--json',
    ]);
    expect(JSON.parse(model2.stdout).perFile).toEqual(arch2.perFile);
    expect(arch2.perFile[0].f1).toBe(a.perFile[0].f1);
    // Asked for by name, a column called `label` is a channel: train --channels takes it, eval --model scores it.
    const reading = join(out, 'reading.csv');
    await writeFile(reading, [`${header};label`, ...rows.map((r, i) => `${r};${(i * 37) % 11}`)].join('\n'));
    const out3 = await mkdtemp(join(tmpdir(), 'lw-eval-model-'));
    const taken = await runCli([
      ...['train', '--csv', reading, '--train-rows', '400', '--out', out3],
      ...['--channels', 'Accelerometer1RMS,Current,Pressure,label'],
    ]);
    expect(taken.code, taken.stderr).toBe(0);
    const scored = await runCli(['eval', '--model', out3, '--data', reading, '--train-rows', '400', '--json']);
    expect(scored.code, scored.stderr).toBe(0);
    expect(JSON.parse(scored.stdout).files).toBe(1);
  });

  it("raises and clears with the daemon's default alarm delays unless told other ones", async () => {
    // valve1/8: its fault's score stays between off and on (valve1/3 until 2026-12-06, whose fault now crosses on).
    const file = join(SKAB, 'valve1/8.csv');
    const run = async (extra: string[]) => {
      const res = await runCli(['eval', '--data', file, '--train-rows', '400', '--json', ...extra]);
      expect(res.code).toBe(0);
      return JSON.parse(res.stdout) as Report & {
        detector: { alarm: { on_delay_ms: number; off_delay_ms: number; sustain_ms: number | string } };
        confusion: { tp: number; fp: number };
      };
    };
    const byDefault = await run([]);
    // The delays an asset's alarm gets when its config names none.
    const asset = alarmSettingsSchema.parse({});
    expect(byDefault.detector.alarm).toEqual({
      on_delay_ms: asset.on_delay_ms,
      off_delay_ms: asset.off_delay_ms,
      sustain_ms: "the model's window span",
    });
    const none = await run(['--on-delay-ms', '0', '--off-delay-ms', '0', '--sustain-ms', '0']);
    expect(none.detector.alarm).toEqual({ on_delay_ms: 0, off_delay_ms: 0, sustain_ms: 0 });
    // A ten-minute off delay holds every alarm that cleared before the file's end: more rows alarmed.
    const held = await run(['--off-delay-ms', '600000']);
    const alarmed = (r: typeof held) => r.confusion.tp + r.confusion.fp;
    expect(alarmed(held)).toBeGreaterThan(alarmed(byDefault));
    // The defaults are applied, not only reported: on this file they change which rows alarm.
    expect(alarmed(byDefault)).not.toBe(alarmed(none));
    const bad = await runCli(['eval', '--data', file, '--off-delay-ms', '-5']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('linewatch: --off-delay-ms -5: expected a whole number from 0\n');
    const badSustain = await runCli(['eval', '--data', file, '--sustain-ms', '1.5']);
    expect(badSustain.stderr).toBe('linewatch: --sustain-ms 1.5: expected a whole number from 0\n');
    // The sustain rule is applied: on this file a score that stays above off without reaching on raises it (its only
    // alarm: the fault's span is missed without the rule).
    const sustained = JSON.parse(
      (await runCli(['eval', '--data', file, '--train-rows', '400', '--json'])).stdout,
    ) as typeof held;
    const plain = JSON.parse(
      (await runCli(['eval', '--data', file, '--train-rows', '400', '--json', '--sustain-ms', '0'])).stdout,
    ) as typeof held;
    expect(alarmed(sustained)).toBeGreaterThan(alarmed(plain));
  });

  it('is causal: changing the future does not change any earlier prediction', async () => {
    const file = join(SKAB, 'valve1/3.csv');
    const text = await readFile(file, 'utf8');
    const lines = text.trimEnd().split('\n');
    const cut = 700;
    // Replace every row after the cut with a wild value in every channel.
    const changed = lines.map((l, i) =>
      i <= cut
        ? l
        : l
            .split(';')
            .map((v, j, all) => (j === 0 || j >= all.length - 2 ? v : String(Number(v) * 3 + 1)))
            .join(';'),
    );
    const dir = await mkdtemp(join(tmpdir(), 'lw-causal-'));
    await writeFile(join(dir, 'changed.csv'), changed.join('\n'));
    const run = async (f: string) => {
      const series = readLabelledCsv(f);
      return streamSeries(series, inMemoryModel(await fitOnSeries(series, 400, OPTIONS), 'int8', f), 400);
    };
    const a = await run(file);
    const b = await run(join(dir, 'changed.csv'));
    expect(Array.from(b.predictions.subarray(0, cut))).toEqual(Array.from(a.predictions.subarray(0, cut)));
    expect(Array.from(b.predictions)).not.toEqual(Array.from(a.predictions));
  });

  it('scores no window over a pause in the recording: the window fills again after it, as after an outage', async () => {
    // valve2/1.csv: its rows 837 and 838 (0-based) are 64 s apart, no row marks the pause, every cell has a reading.
    const file = join(SKAB, 'valve2/1.csv');
    const series = readLabelledCsv(file);
    expect(series.times[838] - series.times[837]).toBe(64_000);
    const model = inMemoryModel(await fitOnSeries(series, 400, OPTIONS), 'int8', file);
    const length = model.manifest.input.window_length;
    const r = await streamSeries(series, model, 400);
    expect(Number.isFinite(r.scores[837])).toBe(true);
    expect(Array.from(r.scores.subarray(838, 838 + length - 1)).every(Number.isNaN)).toBe(true);
    expect(Number.isFinite(r.scores[838 + length - 1])).toBe(true);
    expect(Array.from(r.scores.subarray(500, 837)).every(Number.isFinite)).toBe(true);
    // Said in the text report (and --json, and the page).
    const text = await runCli(['eval', '--data', file, '--train-rows', '400']);
    expect(text.stdout).toContain(
      'valve2/1.csv: 1 pause(s) in the recording, where no window is scored until it fills again, as in a gateway ' +
        'after an outage (the longest: no row from 2020-03-09T16:31:28.000Z to 2020-03-09T16:32:32.000Z (64 s))\n',
    );
  });

  it('reads a time column of plain numbers at the --period-ms given, with the figures of the same file in dates', async () => {
    // valve1/3.csv with its times written as seconds since the start: the file no longer says its unit.
    const file = join(SKAB, 'valve1/3.csv');
    const [header, ...rows] = (await readFile(file, 'utf8')).trimEnd().split('\n');
    const start = Date.parse(`${rows[0].split(';')[0].replace(' ', 'T')}Z`);
    const seconds = rows.map((r) => {
      const [time, ...rest] = r.split(';');
      return [(Date.parse(`${time.replace(' ', 'T')}Z`) - start) / 1000, ...rest].join(';');
    });
    const dir = await mkdtemp(join(tmpdir(), 'lw-eval-seconds-'));
    const numbered = join(dir, 'seconds.csv');
    await writeFile(numbered, [header.replace(/^datetime/, 'time'), ...seconds].join('\n'));
    const unknown = await runCli(['eval', '--data', numbered, '--arch', 'stats']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe(
      `linewatch: ${numbered}: the time column holds plain numbers (0, 1, 2, …), not dates or Unix times (ms; s, µs or ns under a time's name), so the sample period is unknown; give --period-ms, or write the times as dates (2024-01-23 00:03:00)\n`,
    );
    const figures = async (args: string[]) => {
      const res = await runCli(['eval', '--arch', 'stats', '--json', ...args]);
      expect(res.stderr).toBe('');
      const r = JSON.parse(res.stdout) as Report & { confusion: unknown };
      return { f1: r.f1, far: r.far, confusion: r.confusion, perDay: r.false_alarms_per_day };
    };
    const dated = await figures(['--data', file]);
    expect(await figures(['--data', numbered, '--period-ms', '1000'])).toEqual(dated);
    expect(dated.f1).toBeGreaterThan(0.5);
    // Unix seconds under the name `time` (a Python or historian export) are the same dates: no --period-ms needed.
    const unix = join(dir, 'unix-seconds.csv');
    await writeFile(
      unix,
      [
        header.replace(/^datetime/, 'time'),
        ...seconds.map((r) => r.replace(/^[\d.]+/, (t) => String(start / 1000 + Number(t)))),
      ].join('\n'),
    );
    expect(await figures(['--data', unix])).toEqual(dated);
    // A file with dates gives its own period: one that disagrees is refused, not mixed into the figures.
    expect(await figures(['--data', file, '--period-ms', '1000'])).toEqual(dated);
    const disagrees = await runCli(['eval', '--data', file, '--period-ms', '500']);
    expect(disagrees.code).toBe(1);
    expect(disagrees.stderr).toBe(
      `linewatch: ${file}: its time column gives a sample period of 1000 ms, not the 500 of --period-ms (which is for times written as plain numbers, files with no time column, and dates polled every --period-ms that the poll spaced up to 10 % wider)\n`,
    );
    const badPeriod = await runCli(['eval', '--data', numbered, '--period-ms', '0']);
    expect(badPeriod.code).toBe(2);
    expect(badPeriod.stderr).toMatch(/^linewatch: --period-ms 0: expected a whole number from 1/);
  });

  it('reads the labels from the column --label-column names, with the figures of the same file labelled "anomaly"', async () => {
    // valve1/3.csv with its anomaly column named "attack" (as a security data set names it).
    const file = join(SKAB, 'valve1/3.csv');
    const text = await readFile(file, 'utf8');
    const dir = await mkdtemp(join(tmpdir(), 'lw-eval-label-'));
    const renamed = join(dir, 'attack.csv');
    await writeFile(renamed, text.replace(';anomaly;', ';attack;'));
    const figures = async (args: string[]) => {
      const res = await runCli(['eval', '--arch', 'stats', '--json', ...args]);
      expect(res.stderr).toBe('');
      const r = JSON.parse(res.stdout) as Report & { confusion: unknown };
      return { f1: r.f1, far: r.far, confusion: r.confusion, files: r.perFile.length };
    };
    const named = await figures(['--data', renamed, '--label-column', 'attack']);
    expect(named).toEqual(await figures(['--data', file]));
    expect(named.f1).toBeGreaterThan(0.5);
    // Without the flag the file has no labels; with a name no file has, that is said.
    const unnamed = await runCli(['eval', '--data', renamed, '--arch', 'stats']);
    expect(unnamed.code).toBe(2);
    expect(unnamed.stderr).toContain('another label column is named by --label-column');
    const wrong = await runCli(['eval', '--data', renamed, '--label-column', 'Attack']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain(`no labelled CSV files (SKAB format with a "Attack" column (--label-column))`);
    const label = await runCli(['eval', '--data', renamed, '--label-column', 'changepoint']);
    expect(label.code).toBe(2);
    expect(label.stderr).toBe(
      'linewatch: --label-column "changepoint": name the column that labels anomalies when it is not "anomaly"\n',
    );
  });

  it('names the problem when there is nothing to evaluate', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-eval-empty-'));
    const none = await runCli(['eval', '--data', dir]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain(
      `--data ${dir}: no labelled CSV files (SKAB format with an "anomaly" column; another label column is named by --label-column)`,
    );
    // Excel's tab-delimited text saved as .txt: named, with the fix, not passed over in silence.
    await writeFile(join(dir, 'export.txt'), 'datetime\tx\tanomaly\n');
    const txt = await runCli(['eval', '--data', dir]);
    expect(txt.code).toBe(2);
    expect(txt.stderr).toContain(
      '; 1 .txt file(s) there (Excel saves "Text (Tab delimited)" as .txt): eval reads .csv and .tsv files under a ' +
        'folder; rename them, or give one with --data FILE\n',
    );
    // A file whose labels are called otherwise: the message shows the header it read (here tab-separated).
    const valve = (await readFile(join(SKAB, 'valve1/3.csv'), 'utf8'))
      .replaceAll(';', '\t')
      .replace('anomaly', 'attack');
    await writeFile(join(dir, 'export.csv'), valve);
    const unlabelled = await runCli(['eval', '--data', dir]);
    expect(unlabelled.code).toBe(2);
    expect(unlabelled.stderr).toContain(
      `no labelled CSV files (SKAB format with an "anomaly" column; another label column is named by --label-column); 1 CSV file(s) without one, e.g. export.csv with the header ["datetime","Accelerometer1RMS",`,
    );
    // Its header has 11 names: the list shows 6 and says it is cut.
    expect(unlabelled.stderr).toContain('"Pressure","Temperature", … 5 more of 11]');
    // An upper-case extension is a CSV too; the unlabelled file beside it is named, not silently passed over.
    await writeFile(join(dir, 'RUN.CSV'), await readFile(join(SKAB, 'valve1/3.csv'), 'utf8'));
    const upper = await runCli(['eval', '--data', dir, '--train-rows', '400']);
    expect(upper.code).toBe(0);
    expect(upper.stdout).toMatch(/^int8 {2}1 files /);
    expect(upper.stdout).toContain('alarm calibrated for 1 false alarm a day of normal operation;');
    expect(upper.stdout).toContain('not evaluated, no "anomaly" column: export.csv\n');
    const missing = await runCli(['eval', '--data', join(dir, 'nope')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`linewatch: --data ${join(dir, 'nope')}: no such file or folder\n`);
    const badPrecision = await runCli(['eval', '--data', SKAB, '--precision', 'int4']);
    expect(badPrecision.stderr).toBe(
      'linewatch: --precision int4: expected one of int8, fp32, both; did you mean int8?\n', // a message, not a stack trace
    );
    const badArch = await runCli(['eval', '--data', SKAB, '--arch', 'lstm']);
    expect(badArch.stderr).toBe('linewatch: --arch lstm: expected one of hybrid, stats, dense, conv1d\n');
    const typoArch = await runCli(['eval', '--data', SKAB, '--arch', 'hybird']);
    expect(typoArch.stderr).toBe(
      'linewatch: --arch hybird: expected one of hybrid, stats, dense, conv1d; did you mean hybrid?\n',
    );
    const twoTargets = await runCli(['eval', '--data', SKAB, '--quantile', '0.99', '--false-alarms-per-day', '2']);
    expect(twoTargets.stderr).toBe('linewatch: --false-alarms-per-day and --quantile: give one target, not both\n');
    const badBudget = await runCli(['eval', '--data', SKAB, '--false-alarms-per-day', '-1']);
    expect(badBudget.stderr).toBe('linewatch: --false-alarms-per-day -1: expected a positive number (e.g. 1)\n');
    // A budget the sample rate cannot give: the file, the cause and the largest budget that can be calibrated.
    const flood = await runCli(['eval', '--data', join(SKAB, 'valve1/3.csv'), '--false-alarms-per-day', '100000']);
    expect(flood.code).toBe(1);
    expect(flood.stderr).toMatch(
      /^linewatch: .*valve1\/3\.csv: first 400 rows: calibrateAlarm: 100000 false alarms\/day at 86400 rows\/day .*; at most \d+(\.\d+)? false alarms\/day can be calibrated at this sample rate\n$/,
    );
    const typo = await runCli(['eval', '--data', SKAB, '--slow-channels', 'Temperature,Thermocuple']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(
      /^linewatch: --slow-channels: Thermocuple: no such column in the files under .*skab \(columns: Accelerometer1RMS/,
    );
  });
});
