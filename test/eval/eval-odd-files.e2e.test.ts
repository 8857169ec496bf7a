/**
 * `linewatch eval` over a folder where some files cannot be evaluated (too short to have rows after the training rows,
 * with no channel that varies in them, or no model fitted on them) or lack SKAB's `changepoint` column: the others are
 * measured as if alone, the odd ones are named with the reason. Before, any one of them stopped the whole evaluation.
 */
import { mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { labelEdges, readLabelledCsv } from '../../src/eval/labelled-csv.js';
import { ROOT, runCli, SKAB_RENAME } from '../helpers/cli.js';
import { VALVE, VALVE_TEXT, valveWith } from '../helpers/csv-tables.js';
import { evalPartsJson, pressDataset } from '../helpers/press-data.js';

const SKAB = join(ROOT, 'data/skab');

interface Report {
  files: number;
  f1: number;
  far: number;
  nab: { standard: number };
  confusion: { tp: number; fp: number; tn: number; fn: number };
  perFile: { file: string; f1: number; far: number; changepoints_from_labels?: true }[];
  not_evaluated?: { file: string; reason: string }[];
  without_labels?: { reason: string; files: string[] };
}

describe('eval over a folder with files it cannot evaluate', () => {
  it('measures the others as if alone and names each odd file with its reason', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-eval-odd-'));
    await writeFile(join(dir, 'a-valve.csv'), await readFile(VALVE, 'utf8'));
    // 350 rows: none after the 400 training rows.
    await writeFile(join(dir, 'b-short.csv'), trimBlank(valveWith((row, c) => (row < 350 ? c : []))));
    // Every channel at one value in the rows a model learns from (the hybrid's: all 400; a recorder that lost its
    // inputs and came back): nothing to learn.
    await writeFile(
      join(dir, 'c-dead.csv'),
      valveWith((row, c) => (row < 0 || row >= 400 ? c : [c[0], ...c.slice(1, -2).map(() => '0'), ...c.slice(-2)])),
    );
    // A header and no rows; one row (no sample period to read): unreadable, not the end of the run.
    const header = (await readFile(VALVE, 'utf8')).split('\n')[0];
    await writeFile(join(dir, 'd-empty.csv'), `${header}\n`);
    await writeFile(join(dir, 'e-one-row.csv'), (await readFile(VALVE, 'utf8')).split('\n').slice(0, 2).join('\n'));
    // scikit-learn's -1/1 labels: refused, not read as normal by one part of eval and as anomalous by another.
    await writeFile(
      join(dir, 'f-minus-one.csv'),
      valveWith((row, c) => (row < 0 ? c : [...c.slice(0, -2), c.at(-2) === '1.0' ? '1' : '-1', c.at(-1)!])),
    );
    // Pressure missing for rows 50-349 of the training rows: longer than a gateway holds a reading, so those rows past
    // its first 5 s (held, as a gateway holds a reading) are left out, and the 54 rows on one side and 50 on the other
    // are too few to learn from.
    const pressure = VALVE_TEXT.split(/\r?\n/)[0].split(';').indexOf('Pressure');
    await writeFile(
      join(dir, 'g-gap.csv'),
      valveWith((row, c) => (row >= 50 && row < 350 ? c.map((v, i) => (i === pressure ? '' : v)) : c)),
    );
    // A recording of normal operation without labels: named apart, in the JSON as in the text, and not a file --strict
    // counts (nothing in it could be measured).
    await writeFile(join(dir, 'h-normal.csv'), await readFile(join(ROOT, 'data/skab/anomaly-free/anomaly-free.csv')));
    // And a quality system's table of part results, named as one.
    await writeFile(join(dir, 'i-results.csv'), 'part_id,result\n1,OK\n2,NOK\n');
    const [all, alone] = await Promise.all(
      [dir, VALVE].map((d) => runCli(['eval', '--data', d, '--train-rows', '400', '--json'])),
    );
    expect(all.stderr).toBe('');
    expect(all.code).toBe(0);
    const r = JSON.parse(all.stdout) as Report;
    const a = JSON.parse(alone.stdout) as Report;
    expect(r.files).toBe(1);
    expect(r.perFile.map((f) => f.file)).toEqual(['a-valve.csv']);
    expect(r.f1).toBe(a.f1);
    expect(r.far).toBe(a.far);
    expect(r.without_labels).toEqual({ reason: 'no "anomaly" column', files: ['h-normal.csv', 'i-results.csv'] });
    expect(a.without_labels).toBeUndefined();
    expect(r.not_evaluated).toEqual([
      { file: 'b-short.csv', reason: 'it has 350 rows, none after the first 400 (--train-rows) to measure on' },
      {
        file: 'c-dead.csv',
        reason: expect.stringMatching(
          /^every channel is constant in the first 400 rows, those a model learns from \(Accelerometer1RMS always 0, .*\): nothing to learn$/,
        ),
      },
      { file: 'd-empty.csv', reason: 'no data rows' },
      { file: 'e-one-row.csv', reason: expect.stringMatching(/^cannot tell the sample period from the time column/) },
      {
        file: 'f-minus-one.csv',
        reason:
          'line 2: column anomaly: "-1" is not a label; write 0 or 1 (false or true), ' +
          "or a fault's class number (1, 2, …) for an anomaly",
      },
      {
        file: 'g-gap.csv',
        reason:
          '104 rows of normal operation in 2 segments (no window spans a break) are too few: a window is 32 rows, and ' +
          'both the 78 training and the 26 held-out rows need at least 20 windows (they give 23 and 19); the longest ' +
          'segment has 54 rows: learn from a recording with longer runs between its pauses, or leave out (--channels) a ' +
          'channel whose missing readings break it',
      },
    ]);
    const text = await runCli(['eval', '--data', dir, '--train-rows', '400']);
    expect(text.stdout).toContain(
      'not evaluated: b-short.csv: it has 350 rows, none after the first 400 (--train-rows) to measure on\n',
    );
    expect(text.stdout).toContain(
      'not evaluated, no "anomaly" column: h-normal.csv, i-results.csv (a table of part results: --part-labels)\n',
    );
    // --strict: the same report, and exit 1 naming the files left out (a gate must not pass on them).
    const strict = await runCli(['eval', '--data', dir, '--train-rows', '400', '--json', '--strict']);
    expect(strict.code).toBe(1);
    expect(JSON.parse(strict.stdout)).toEqual(r);
    expect(strict.stderr).toBe(
      'linewatch: --strict: 6 of 7 labelled file(s) not evaluated: b-short.csv, c-dead.csv, d-empty.csv, e-one-row.csv, f-minus-one.csv, g-gap.csv\n',
    );
    const whole = await runCli(['eval', '--data', VALVE, '--train-rows', '400', '--strict']);
    expect(whole.code).toBe(0);
    // The report page names the files left out of its figures and why, as the text does.
    const reportDir = join(dir, 'report');
    expect((await runCli(['eval', '--data', dir, '--train-rows', '400', '--report', reportDir])).code).toBe(0);
    const page = await readFile(join(reportDir, 'index.html'), 'utf8');
    expect(page).toContain('<h2>Not in the figures (8 files)</h2>');
    expect(page).toContain(
      '<li><code>b-short.csv</code>: it has 350 rows, none after the first 400 (--train-rows) to measure on</li>',
    );
    expect(page).toContain('<li><code>h-normal.csv</code>: no &#34;anomaly&#34; column</li>');
  });

  it("with a model folder, names a file that lacks one of the model's channels and scores the others", async () => {
    const model = await mkdtemp(join(tmpdir(), 'lw-eval-odd-model-'));
    expect((await runCli(['train', '--csv', VALVE, '--train-rows', '400', ...SKAB_RENAME, '--out', model])).code).toBe(
      0,
    );
    const dir = await mkdtemp(join(tmpdir(), 'lw-eval-odd-missing-'));
    // The same rows at exactly one a second (SKAB's own times skip a second now and then, which moves the alarm's
    // delays), so that the sample-number copy below must score exactly alike.
    await writeFile(
      join(dir, 'a-valve.csv'),
      valveWith((row, c) => [
        row < 0 ? c[0] : new Date(Date.UTC(2020, 2, 9) + 1000 * row).toISOString(),
        ...c.slice(1),
      ]),
    );
    await writeFile(
      join(dir, 'b-no-accelerometer.csv'),
      valveWith((_, c) => [c[0], ...c.slice(2)]),
    );
    // Times as sample numbers: read at the model's period (1000 ms), no --period-ms needed.
    await writeFile(
      join(dir, 'c-sample-numbers.csv'),
      valveWith((row, c) => [row < 0 ? c[0] : String(row), ...c.slice(1)]),
    );
    // Rows every 2 s: the model's 32-row windows would span 64 s, not the 32 s it learnt.
    await writeFile(
      join(dir, 'd-every-2-s.csv'),
      valveWith((row, c) => [
        row < 0 ? c[0] : new Date(Date.UTC(2020, 2, 9) + 2000 * row).toISOString(),
        ...c.slice(1),
      ]),
    );
    const res = await runCli([
      'eval',
      '--model',
      model,
      '--data',
      dir,
      '--train-rows',
      '400',
      ...SKAB_RENAME,
      '--json',
    ]);
    expect(res.code).toBe(0);
    const r = JSON.parse(res.stdout) as Report;
    expect(r.perFile.map((f) => f.file)).toEqual(['a-valve.csv', 'c-sample-numbers.csv']);
    expect(r.perFile[1].f1).toBe(r.perFile[0].f1);
    expect(r.not_evaluated).toEqual([
      {
        file: 'b-no-accelerometer.csv',
        reason: expect.stringMatching(
          new RegExp(`^the model ${model} needs channel\\(s\\) Accelerometer1RMS; the file has Accelerometer2RMS, `),
        ),
      },
      {
        file: 'd-every-2-s.csv',
        reason: `its rows come every 2000 ms, the model ${model} takes one every 1000 ms (its windows would span another time); resample the file or fit a model at its period`,
      },
    ]);
  });

  it("keeps a single file's own error when it is the only one", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-eval-odd-one-'));
    const file = join(dir, 'empty.csv');
    await writeFile(file, `${(await readFile(VALVE, 'utf8')).split('\n')[0]}\n`);
    const res = await runCli(['eval', '--data', file, '--train-rows', '400']);
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(`linewatch: ${file}: no data rows\n`);
    // Regression: a file of no bytes at all was named "with the header []".
    const blank = join(dir, 'blank.csv');
    await writeFile(blank, '');
    const none = await runCli(['eval', '--data', blank]);
    expect([none.code, none.stderr]).toEqual([
      2,
      `linewatch: --data ${blank}: no labelled CSV files (SKAB format with an "anomaly" column; another label column is named by --label-column); 1 CSV file(s) without one, e.g. ${blank} with no header line (an empty file); a recorded fault is labelled by its start and end time with --anomaly FROM/TO\n`,
    ]);
  });

  it('stops with every reason when no file can be evaluated', async () => {
    const res = await runCli(['eval', '--data', join(SKAB, 'valve2'), '--train-rows', '5000']);
    expect(res.code).toBe(2);
    const files = (await readdir(join(SKAB, 'valve2'))).filter((f) => f.endsWith('.csv'));
    expect(res.stderr).toContain(`no file can be evaluated: `);
    for (const f of files)
      expect(res.stderr).toMatch(new RegExp(`${f.replace('.', '\\.')}: it has \\d+ rows, none after`));
  });
});

/** The reader's refusals of the files badExports() writes, without the file's name (eval names it beside them). */
const UTF16 =
  'the file is UTF-16 text (Excel\'s "Unicode Text"), which linewatch does not read; save it as "CSV UTF-8" (Excel: ' +
  'Save As, "CSV UTF-8 (Comma delimited)")';
const PIPES =
  'line 1: "|" separates the header\'s names (datetime|Accelerometer1RMS|Accelerometer2RMS|…), and is no separator ' +
  'linewatch reads; export the file with ",", ";" or a tab as the separator';
const UNITS =
  'line 2: the row under the header has no time, and holds a word ("g" in Accelerometer1RMS) and a reading ("0.5" in ' +
  'Accelerometer2RMS): neither a units row (a unit, or nothing, over every column of readings) nor a row of ' +
  'readings; complete it or remove it';

/** valve1/3.csv as exports the reader refuses write it, into `dir`: UTF-16 ("Unicode Text"), `|`-separated, and with
 * a row under the header of units and a reading (a units row alone is read: eval-units-row.e2e.test.ts). */
async function badExports(dir: string): Promise<void> {
  await writeFile(
    join(dir, 'c-unicode.csv'),
    Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(VALVE_TEXT, 'utf16le')]),
  );
  await writeFile(
    join(dir, 'd-pipes.csv'),
    valveWith((_, c) => c, '|'),
  );
  const [header, ...rows] = valveWith((_, c) => c).split('\n');
  const units = ['', 'g', '0.5', 'A', 'bar', 'degC', 'degC', 'V', 'l/min', '', ''];
  await writeFile(join(dir, 'e-units.csv'), [header, units.join(';'), ...rows].join('\n'));
}

describe('eval over a folder with a file the reader refuses', () => {
  it("leaves it out with the reader's message and measures the others, with --arch and with --model", async () => {
    const good = await mkdtemp(join(tmpdir(), 'lw-eval-refused-good-'));
    await writeFile(join(good, 'a-valve.csv'), VALVE_TEXT);
    await writeFile(join(good, 'b-valve.csv'), await readFile(join(SKAB, 'valve1/4.csv')));
    const dir = await mkdtemp(join(tmpdir(), 'lw-eval-refused-'));
    await writeFile(join(dir, 'a-valve.csv'), VALVE_TEXT);
    await writeFile(join(dir, 'b-valve.csv'), await readFile(join(SKAB, 'valve1/4.csv')));
    await badExports(dir);
    const [all, alone] = await Promise.all(
      [dir, good].map((d) => runCli(['eval', '--data', d, '--train-rows', '400', '--json'])),
    );
    expect(all.stderr).toBe('');
    expect(all.code).toBe(0);
    const r = JSON.parse(all.stdout) as Report;
    const a = JSON.parse(alone.stdout) as Report;
    expect(r.files).toBe(2);
    expect(r.perFile.map((f) => f.file)).toEqual(['a-valve.csv', 'b-valve.csv']);
    expect([r.confusion, r.f1, r.far, r.nab]).toEqual([a.confusion, a.f1, a.far, a.nab]);
    // Left out with the reason, not passed over as files without labels.
    expect(r.not_evaluated).toEqual([
      { file: 'c-unicode.csv', reason: UTF16 },
      { file: 'd-pipes.csv', reason: PIPES },
      { file: 'e-units.csv', reason: UNITS },
    ]);
    expect(r.without_labels).toBeUndefined();
    const text = await runCli(['eval', '--data', dir, '--train-rows', '400']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^int8 {2}2 files {2}F1 /);
    expect(text.stdout).toContain(`\nnot evaluated: c-unicode.csv: ${UTF16}\nnot evaluated: d-pipes.csv: ${PIPES}\n`);
    // --strict: exit 1 naming them, as for any file left out.
    const strict = await runCli(['eval', '--data', dir, '--train-rows', '400', '--json', '--strict']);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toBe(
      'linewatch: --strict: 3 of 5 labelled file(s) not evaluated: c-unicode.csv, d-pipes.csv, e-units.csv\n',
    );
    // A model folder scores the same two files and names the same three.
    const model = join(await mkdtemp(join(tmpdir(), 'lw-eval-refused-model-')), 'model');
    expect((await runCli(['train', '--csv', VALVE, '--train-rows', '400', ...SKAB_RENAME, '--out', model])).code).toBe(
      0,
    );
    const [scored, scoredAlone] = await Promise.all(
      [dir, good].map((d) =>
        runCli(['eval', '--model', model, '--data', d, '--train-rows', '400', ...SKAB_RENAME, '--json']),
      ),
    );
    expect(scored.stderr).toBe('');
    expect(scored.code).toBe(0);
    const [m, mAlone] = [scored, scoredAlone].map((res) => JSON.parse(res.stdout) as Report);
    expect(m.files).toBe(2);
    expect([m.confusion, m.f1]).toEqual([mAlone.confusion, mAlone.f1]);
    expect(m.not_evaluated).toEqual(r.not_evaluated);
  });

  it("leaves it out of a part model's figures too", async () => {
    const alone = await pressDataset(1, 3);
    const dir = await pressDataset(1, 3);
    await badExports(dir);
    const args = ['--cycle-channel', 'cycle_active', '--part-id-channel', 'part_counter', '--train-rows', '18000'];
    const [a, r] = await Promise.all([alone, dir].map((d) => evalPartsJson(['--data', d, ...args])));
    expect([r.parts, r.bad_parts, r.confusion]).toEqual([a.parts, a.bad_parts, a.confusion]);
    const left = (r as { not_evaluated?: { file: string; reason: string }[] }).not_evaluated;
    expect(left?.map((n) => n.file)).toEqual(['c-unicode.csv', 'd-pipes.csv', 'e-units.csv']);
    expect(left?.slice(0, 2)).toEqual([
      { file: 'c-unicode.csv', reason: UTF16 },
      { file: 'd-pipes.csv', reason: PIPES },
    ]);
  });

  it('stops with every message when no file can be read, and with its own error for one file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-eval-refused-all-'));
    await badExports(dir);
    const res = await runCli(['eval', '--data', dir, '--train-rows', '400', '--json']);
    expect(res.code).toBe(2);
    expect(res.stdout).toBe('');
    expect(res.stderr).toBe(
      `linewatch: --data ${dir}: no file can be evaluated: c-unicode.csv: ${UTF16}; d-pipes.csv: ${PIPES}; ` +
        `e-units.csv: ${UNITS}\n`,
    );
    const file = join(dir, 'c-unicode.csv');
    const one = await runCli(['eval', '--data', file, '--train-rows', '400']);
    expect(one.code).toBe(1);
    expect(one.stderr).toBe(`linewatch: ${file}: ${UTF16}\n`);
  });
});

describe('eval of a file without a changepoint column', () => {
  it("takes the anomaly labels' edges as changepoints, which SKAB's own changepoints include", async () => {
    expect(Array.from(labelEdges([1, 1, 0, 0, 1, 0, 1]))).toEqual([1, 0, 1, 0, 1, 1, 1]);
    for (const folder of ['valve1', 'valve2', 'other']) {
      for (const f of (await readdir(join(SKAB, folder))).filter((n) => n.endsWith('.csv'))) {
        const s = readLabelledCsv(join(SKAB, folder, f));
        const edges = labelEdges(s.anomaly);
        expect(edges.some((v) => v === 1)).toBe(true);
        edges.forEach((v, i) => v === 1 && expect(s.changepoint[i], `${folder}/${f} row ${i}`).toBe(1));
      }
    }
  });

  it('scores it as a file whose changepoint column holds those edges, and says where its changepoints came from', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-eval-nocp-'));
    const file = join(dir, 'no-changepoint.csv');
    await writeFile(
      file,
      valveWith((_, c) => c.slice(0, -1)),
    );
    const edges = labelEdges(readLabelledCsv(VALVE).anomaly);
    const filled = join(dir, 'edges', 'edges.csv');
    await mkdir(join(dir, 'edges'));
    await writeFile(
      filled,
      valveWith((row, c) => [...c.slice(0, -1), row < 0 ? c.at(-1)! : String(edges[row])]),
    );
    const [plain, bare, edged] = await Promise.all(
      [VALVE, file, filled].map((f) => runCli(['eval', '--data', f, '--train-rows', '400', '--json'])),
    );
    expect(bare.code).toBe(0);
    const [a, b, e] = [plain, bare, edged].map((r) => JSON.parse(r.stdout) as Report);
    expect(b.f1).toBe(a.f1);
    expect(b.far).toBe(a.far);
    expect(b.nab).toEqual(e.nab);
    expect(b.nab.standard).not.toBe(a.nab.standard); // SKAB marks changepoints inside the span too
    expect(b.perFile[0].changepoints_from_labels).toBe(true);
    expect(e.perFile[0].changepoints_from_labels).toBeUndefined();
    const text = await runCli(['eval', '--data', file, '--train-rows', '400']);
    expect(text.stdout).toContain(
      `${file}: no changepoint column; NAB's changepoints are its anomaly labels' edges (each span's first row and the first normal row after it)\n`,
    );
  });
});

/** Drops the blank lines left by rows mapped to no cells. */
function trimBlank(text: string): string {
  return `${text
    .split('\n')
    .filter((l) => l !== '')
    .join('\n')}\n`;
}

/** valve1/3.csv with every channel constant before row 200 and rows 200–209 labelled anomalous; `after` maps the
 * rows from 210 on. */
const lateStart = (after: (row: number, c: string[]) => string[] = (_, c) => c): string =>
  valveWith((row, c) =>
    row < 0
      ? c
      : row < 200
        ? [c[0], ...c.slice(1, -2).map(() => '0'), ...c.slice(-2)]
        : row < 210
          ? [...c.slice(0, -2), '1', row === 200 ? '1' : '0']
          : after(row, c),
  );

describe('eval of a file whose rows before its first fault cannot be fitted on', () => {
  it('fits on the training rows, counts their anomalous rows and says why', async () => {
    // Every channel constant before row 200, a labelled anomaly from row 200: the 200 rows before it hold nothing to
    // learn, so the model is fitted on the first 400 rows, 10 of them labelled anomalous.
    const dir = await mkdtemp(join(tmpdir(), 'lw-eval-odd-before-'));
    const file = join(dir, 'late-start.csv');
    await writeFile(file, lateStart());
    const res = await runCli(['eval', '--data', file, '--train-rows', '400', '--json']);
    expect(res.code).toBe(0);
    const f = (JSON.parse(res.stdout) as { perFile: Record<string, unknown>[] }).perFile[0];
    expect(f.anomalous_training_rows).toBe(10);
    expect(f.fit_before_fault_failed).toMatch(
      /every channel \(Accelerometer1RMS always 0, .*\) is constant in the rows a model learns from; nothing to fit$/,
    );
    const text = await runCli(['eval', '--data', file, '--train-rows', '400']);
    expect(text.stdout).toMatch(
      /late-start\.csv: 10 of the 400 rows its model was fitted on are labelled anomalous and were learnt as normal \(the rows before them could not be fitted on: .*every channel/,
    );
  });

  it('fits on its first training rows around a pause in them, as train does', async () => {
    // As above, and the rig stopped recording for a minute after row 300 (its rows jump 61 s, no row marks it): the
    // first 400 rows are learnt from in two segments, no window spanning the stop.
    const dir = await mkdtemp(join(tmpdir(), 'lw-eval-odd-before-'));
    const later = (date: string) =>
      new Date(Date.parse(`${date.replace(' ', 'T')}Z`) + 60_000).toISOString().replace('T', ' ').slice(0, 19);
    await writeFile(
      join(dir, 'late-start.csv'),
      lateStart((row, c) => (row < 300 ? c : [later(c[0]), ...c.slice(1)])),
    );
    const res = await runCli(['eval', '--data', dir, '--train-rows', '400', '--json']);
    expect(res.code, res.stderr).toBe(0);
    const f = (JSON.parse(res.stdout) as { perFile: Record<string, unknown>[] }).perFile[0];
    expect(f.anomalous_training_rows).toBe(10);
    expect(f.pauses).toMatchObject({ count: 1, longest_at_row: 301 });
    // Pressure missing on the first 8 labelled rows (longer than a gateway holds a reading): those rows past 5 s after
    // its last reading are left out (the first 4 held: the file's rows step 2 s once there), so the model learns 6
    // labelled rows as normal, not 10 (2 until 2026-12-08, when the whole gap was left out).
    const lines = lateStart().split('\n');
    const pressure = lines[0].split(';').indexOf('Pressure');
    const gapped = lines.map((l, i) =>
      i >= 201 && i <= 208
        ? l
            .split(';')
            .map((v, k) => (k === pressure ? '' : v))
            .join(';')
        : l,
    );
    await writeFile(join(dir, 'late-start.csv'), gapped.join('\n'));
    const gap = await runCli(['eval', '--data', dir, '--train-rows', '400', '--json']);
    expect(gap.code, gap.stderr).toBe(0);
    expect((JSON.parse(gap.stdout) as { perFile: Record<string, unknown>[] }).perFile[0].anomalous_training_rows).toBe(
      6,
    );
  });

  it('holds a missing reading as a gateway would, says where, and leaves a longer gap unscored', async () => {
    // Every 17th row of valve1/3.csv misses its Pressure reading (written as NaN, a blank or NA in turn), and rows
    // 800-829 miss it too: one row is held (a gateway holds a reading 5 s, 5 rows at 1 s), and of the 30 the first 5,
    // the other 25 not (until 2026-12-08 none of the 30: eval scored no window the gateway scored over their start).
    const dir = await mkdtemp(join(tmpdir(), 'lw-eval-gaps-'));
    const pressure = VALVE_TEXT.split(/\r?\n/)[0].split(';').indexOf('Pressure');
    const marks = ['NaN', '', 'NA'];
    let single = 0;
    const short = (row: number) => row >= 0 && row % 17 === 5 && !(row >= 790 && row < 840);
    const long = (row: number) => row >= 800 && row < 830;
    const gappy = valveWith((row, c) =>
      short(row)
        ? c.map((v, k) => (k === pressure ? marks[single++ % 3] : v))
        : long(row)
          ? c.map((v, k) => (k === pressure ? '' : v))
          : c,
    );
    let last = '';
    const held = valveWith((row, c) => {
      if (short(row)) return c.map((v, k) => (k === pressure ? last : v));
      if (row >= 0) last = c[pressure];
      return c;
    });
    await writeFile(join(dir, 'gaps.csv'), gappy);
    await writeFile(join(dir, 'held.csv'), held);
    const run = async (file: string) => {
      const res = await runCli(['eval', '--data', join(dir, file), '--train-rows', '400', '--json']);
      expect(res.code, res.stderr).toBe(0);
      return JSON.parse(res.stdout) as Report & {
        confusion: Record<string, number>;
        perFile: { missing_readings?: unknown }[];
      };
    };
    const [a, b] = [await run('gaps.csv'), await run('held.csv')];
    expect(a.perFile[0].missing_readings).toEqual([
      {
        channel: 'Pressure',
        cells: single + 30,
        first_line: 7,
        held: single + 5,
        gaps_not_scored: [{ line: 807, rows: 25 }],
      },
    ]);
    expect(b.perFile[0].missing_readings).toBeUndefined();
    // The held readings score as if written; the 30-row gap's last 25 rows score nothing: no alarm there, as on a
    // gateway.
    expect(a.confusion.tp + a.confusion.fn).toBe(b.confusion.tp + b.confusion.fn);
    const text = await runCli(['eval', '--data', join(dir, 'gaps.csv'), '--train-rows', '400']);
    expect(text.stdout).toContain(
      `gaps.csv: missing readings: Pressure ${single + 30} missing (first on line 7): ${single + 5} held at the last reading, 25 in 1 gap(s) longer than a gateway holds one (the longest left open: 25 rows from line 807), not scored\n`,
    );
    // train holds the short ones and says so; the long gap lies outside the 400 rows it learns from.
    const out = join(dir, 'model');
    const channels = 'Accelerometer1RMS,Accelerometer2RMS,Current,Pressure';
    const trained = await runCli([
      'train',
      '--csv',
      join(dir, 'gaps.csv'),
      '--train-rows',
      '400',
      '--channels',
      channels,
      '--out',
      out,
    ]);
    expect(trained.code, trained.stderr).toBe(0);
    // Counted in the 400 rows it learns from (w1's historian walk: the whole file's count was said), all held there.
    const inTraining = Array.from({ length: 400 }, (_, row) => row).filter(short).length;
    expect(trained.stderr).toContain(
      `gaps.csv: missing readings: Pressure ${inTraining} missing (first on line 7): ${inTraining} held at the last reading\n`,
    );
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as { training: { data: string } };
    expect(manifest.training.data).toContain('(missing readings: Pressure ');
    // Over the long gap a model has nothing to learn from: its rows are left out, and the rows either side learnt
    // (the whole file, its labelled fault too: --labels ignore, as the gap lies beyond the fault's first row).
    const around = await runCli([
      'train',
      '--csv',
      join(dir, 'gaps.csv'),
      '--labels',
      'ignore',
      '--channels',
      channels,
      '--out',
      join(dir, 'm2'),
    ]);
    expect(around.code, around.stderr).toBe(0);
    expect(around.stderr).toContain(
      'gaps.csv: learnt in 2 segments: 25 row(s) without every reading left out; no window spans a break\n',
    );
    // Scored by a model folder, a file's missing readings are reported in the channels that model reads only.
    const noPressure = join(dir, 'no-pressure');
    const fit = ['train', '--csv', join(dir, 'gaps.csv'), '--train-rows', '400', '--out', noPressure];
    expect((await runCli([...fit, '--channels', 'Accelerometer1RMS,Accelerometer2RMS,Current'])).code).toBe(0);
    const scored = async (model: string) => {
      const res = await runCli(['eval', '--model', model, '--data', join(dir, 'gaps.csv'), '--json']);
      expect(res.code, res.stderr).toBe(0);
      return (JSON.parse(res.stdout) as { perFile: { missing_readings?: { channel: string }[] }[] }).perFile[0];
    };
    expect((await scored(noPressure)).missing_readings).toBeUndefined();
    expect((await scored(out)).missing_readings?.map((m) => m.channel)).toEqual(['Pressure']);
    // The report's section for the file says it too, above the charts where the 30-row gap shows as a break.
    const reportDir = join(dir, 'report');
    const reported = await runCli(['eval', '--model', out, '--data', join(dir, 'gaps.csv'), '--report', reportDir]);
    expect(reported.code, reported.stderr).toBe(0);
    expect(await readFile(join(reportDir, 'index.html'), 'utf8')).toContain(
      `<p class="note">missing readings: Pressure ${single + 30} missing (first on line 7): ${single + 5} held`,
    );
  });
});
