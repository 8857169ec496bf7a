/**
 * `linewatch eval` over SKAB's valve1/3.csv as other exports write it: day-first dotted dates (German Excel, SCADA
 * historians), true/false labels, a pandas index column (pandas' to_csv), label columns in capitals and separate
 * Date and Time columns, a historian's text columns (a quality flag, a machine state), a German Excel's tab-delimited
 * text.
 * Each gives the figures of the file as SKAB writes it; slash dates whose day/month order the
 * file leaves open stop eval with the fix.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { VALVE_TEXT, valveDayFirst, valveWith } from '../helpers/csv-tables.js';

interface Report {
  files: number;
  perFile: { file: string; f1: number; text_columns?: unknown }[];
}

const word = (v: string) => (Number(v) ? 'True' : 'False');

describe('eval of export variants of one file', () => {
  it('gives each the figures of the file as SKAB writes it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-eval-exports-'));
    await writeFile(join(dir, 'a-skab.csv'), VALVE_TEXT);
    await writeFile(join(dir, 'b-dotted.csv'), valveDayFirst('.'));
    await writeFile(
      join(dir, 'c-words.csv'),
      valveWith((row, c) => (row < 0 ? c : [...c.slice(0, -2), ...c.slice(-2).map(word)])),
    );
    // pandas' df.to_csv(): the index first under an empty name, `,`-separated, booleans as True/False.
    const pandas = valveWith(
      (row, c) => (row < 0 ? ['', ...c] : [String(row), ...c.slice(0, -2), ...c.slice(-2).map(word)]),
      ',',
    );
    expect(pandas).toMatch(/^,datetime,Accelerometer1RMS,.*\n0,2020-03-09 11:14:34,.*,False,False\n/);
    await writeFile(join(dir, 'd-pandas.csv'), pandas);
    // The date and the time of day in columns of their own (a SCADA layout).
    await writeFile(
      join(dir, 'f-date-time.csv'),
      valveWith((row, c) => (row < 0 ? ['Date', 'Time', ...c.slice(1)] : [...c[0].split(' '), ...c.slice(1)])),
    );
    // Label columns named in another case by the tool that wrote them.
    await writeFile(
      join(dir, 'e-capitals.csv'),
      valveWith((row, c) => (row < 0 ? [...c.slice(0, -2), 'Anomaly', 'CHANGEPOINT'] : c)),
    );
    // A historian's text next to the readings: a quality flag and a machine state, left out of the channels.
    const states = ['Running', 'Running', 'Idle', 'Running'];
    await writeFile(
      join(dir, 'g-historian.csv'),
      valveWith((row, c) =>
        row < 0
          ? [c[0], 'Quality', ...c.slice(1, 3), 'State', ...c.slice(3)]
          : [c[0], 'Good', ...c.slice(1, 3), states[row % 4], ...c.slice(3)],
      ),
    );
    // Excel's "Text (Tab delimited)" as a German Excel writes it: tabs, decimal commas, a .tsv name.
    await writeFile(
      join(dir, 'h-tabs.tsv'),
      valveWith((_, c) => c.map((cell) => cell.replace(/^(-?\d+)\.(\d+)$/, '$1,$2')), '\t'),
    );
    const res = await runCli(['eval', '--data', dir, '--train-rows', '400', '--json']);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const r = JSON.parse(res.stdout) as Report;
    expect(r.files).toBe(8);
    const historian = r.perFile.find((f) => f.file === 'g-historian.csv')!;
    expect(historian.text_columns).toEqual([
      { column: 'Quality', values: ['Good'], distinct: 1 },
      { column: 'State', values: ['Running', 'Idle'], distinct: 2 },
    ]);
    delete historian.text_columns;
    const [skab, ...others] = r.perFile.map(({ file, ...figures }) => ({ file, figures }));
    expect(others.map((o) => o.file)).toEqual([
      'b-dotted.csv',
      'c-words.csv',
      'd-pandas.csv',
      'e-capitals.csv',
      'f-date-time.csv',
      'g-historian.csv',
      'h-tabs.tsv',
    ]);
    expect(skab.figures.f1).toBeGreaterThan(0.5);
    for (const o of others) expect(o.figures, o.file).toEqual(skab.figures);
  });

  it('says a column holds text where a flag names it, and where a label column sits among the run columns', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-eval-text-'));
    await writeFile(
      join(dir, 'historian.csv'),
      valveWith((row, c) =>
        row < 0 ? [...c.slice(0, 3), 'State', ...c.slice(3)] : [...c.slice(0, 3), 'Idle', ...c.slice(3)],
      ),
    );
    // Evaluated, the text report and the page above the file's charts name the column left out.
    const report = join(dir, 'report');
    const ok = await runCli(['eval', '--data', join(dir, 'historian.csv'), '--train-rows', '400', '--report', report]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('historian.csv: left out, they hold text, not readings: State (Idle)\n');
    expect(await readFile(join(report, 'index.html'), 'utf8')).toContain(
      '<p class="note">left out, they hold text, not readings: State (Idle)</p>',
    );
    const slow = await runCli(['eval', '--data', dir, '--train-rows', '400', '--slow-channels', 'State']);
    expect(slow.code).toBe(2);
    expect(slow.stderr).toBe(
      `linewatch: --data ${dir}: no file can be evaluated: historian.csv: --slow-channels State: State (Idle) holds text, not readings\n`,
    );
    // Tennessee Eastman as Rieth et al. publish it: faultNumber names the run (one value per file), before `sample`.
    const rieth = await mkdtemp(join(tmpdir(), 'lw-eval-rieth-'));
    const rows = Array.from({ length: 20 }, (_, i) => `1,1,${i + 1},${(i * 7) % 5},${(i * 3) % 4}`);
    await writeFile(join(rieth, 'run.csv'), ['faultNumber,simulationRun,sample,a,b', ...rows].join('\n'));
    const label = await runCli(['eval', '--data', rieth, '--label-column', 'faultNumber', '--period-ms', '180000']);
    expect(label.code).toBe(2);
    expect(label.stderr).toContain(
      '; column faultNumber comes before the time column, where columns name the run (one value in every row); a label ' +
        'column comes after it, one label per row\n',
    );
  });

  it('stops on slash dates whose day/month order the file leaves open, saying how to fix it', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'lw-eval-slash-')), 'slash.csv');
    await writeFile(file, valveDayFirst('/'));
    const res = await runCli(['eval', '--data', file, '--train-rows', '400']);
    expect(res.code).not.toBe(0);
    expect(res.stdout).toBe('');
    expect(res.stderr).toContain(
      `${file}:2: column datetime: the order of the slash date "09/03/2020 11:14:34" is ambiguous: it reads as 2020-03-09 11:14:34 day first (day/month/year) and as 2020-09-03 11:14:34 month first (month/day/year), and no date in the file has a day over 12 to tell which; write the dates as ISO dates (2020-03-09 11:14:34 or 2020-09-03 11:14:34)\n`,
    );
  });
});
