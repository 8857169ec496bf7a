/**
 * `eval --anomaly FROM/TO`: a recording with no `anomaly` column, its fault given by its start and end time, is
 * measured as the same file with the column: the rows in the span (both ends included) are its anomaly, the span's
 * edges its changepoints. Each bad span is refused (exit 2), named with what is wrong.
 */
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

interface Report {
  f1: number;
  far: number;
  nab: { standard: number };
  confusion: { tp: number; fp: number; tn: number; fn: number };
  detected_spans: string;
}

const START = Date.parse('2026-12-06T08:00:00Z');
/** The fault: rows 400 to 449 of 600, one a second, flow 3 higher. */
const FAULT = (i: number) => i >= 400 && i < 450;
const SPAN = '2026-12-06T08:06:40Z/2026-12-06T08:07:29Z';

/** 600 rows of a pump's flow and pressure, one a second from `start`; `time` writes each row's time. */
function recording(time: (i: number) => string, labelled = false): string {
  const rows = Array.from({ length: 600 }, (_, i) => {
    const wobble = 0.05 * Math.sin(i * 12.9898);
    const flow = Math.sin(i / 7) + wobble + (FAULT(i) ? 3 : 0);
    const pressure = Math.cos(i / 7) - wobble;
    return `${time(i)},${flow.toFixed(4)},${pressure.toFixed(4)}${labelled ? `,${FAULT(i) ? 1 : 0}` : ''}`;
  });
  return `time,flow,pressure${labelled ? ',anomaly' : ''}\n${rows.join('\n')}\n`;
}
const iso = (start: number) => (i: number) => new Date(start + i * 1000).toISOString();

const evalJson = async (args: string[]): Promise<Report> => {
  const r = await runCli(['eval', '--arch', 'stats', '--train-rows', '300', '--json', ...args]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as Report;
};

describe('eval --anomaly', () => {
  it('labels the rows of a span as the anomaly column would, in dates and in plain numbers', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-eval-spans-'));
    await writeFile(join(dir, 'rec.csv'), recording(iso(START)));
    await writeFile(join(dir, 'labelled.csv'), recording(iso(START), true));
    await writeFile(
      join(dir, 'numbers.csv'),
      recording((i) => String(i)),
    );
    const spans = await evalJson(['--data', join(dir, 'rec.csv'), '--anomaly', SPAN]);
    const column = await evalJson(['--data', join(dir, 'labelled.csv')]);
    // 08:06:40 to 08:07:29, both included: 50 rows of the 300 measured (after the 300 fitted on).
    expect(spans.confusion.tp + spans.confusion.fn).toBe(50);
    expect(spans.confusion.tn + spans.confusion.fp).toBe(250);
    expect(spans.confusion).toEqual(column.confusion);
    expect([spans.f1, spans.far, spans.nab.standard]).toEqual([column.f1, column.far, column.nab.standard]);
    // Regression: two faults, the second starting as the first ends (a maintenance log's), were refused as overlapping.
    // The row at 08:07:00 lies in both and is anomalous once: the same 50 rows, one run of labels, the same scores.
    const touching = await evalJson([
      '--data',
      join(dir, 'rec.csv'),
      '--anomaly',
      '2026-12-06T08:07:00Z/2026-12-06T08:07:29Z',
      '--anomaly',
      '2026-12-06T08:06:40Z/2026-12-06T08:07:00Z',
    ]);
    expect(touching.confusion).toEqual(column.confusion);
    expect([touching.f1, touching.far, touching.nab.standard]).toEqual([column.f1, column.far, column.nab.standard]);
    // The file's own plain numbers (seconds since the start here), with --period-ms: the same rows.
    const numbers = await evalJson(['--data', join(dir, 'numbers.csv'), '--period-ms', '1000', '--anomaly', '400/449']);
    expect(numbers.confusion).toEqual(column.confusion);
    // Unix ms, as `export` writes its timestamp column: an ISO span reads them as the dates they are.
    await writeFile(
      join(dir, 'export.csv'),
      recording((i) => String(START + i * 1000)),
    );
    const exported = await evalJson(['--data', join(dir, 'export.csv'), '--anomaly', SPAN]);
    expect(exported.confusion).toEqual(column.confusion);
    // Without the flag, the file is refused as unlabelled, and the message says how to label it.
    const unlabelled = await runCli(['eval', '--data', join(dir, 'rec.csv')]);
    expect(unlabelled.code).toBe(2);
    expect(unlabelled.stderr).toContain(
      'with the header ["time","flow","pressure"]; a recorded fault is labelled by its start and end time with --anomaly FROM/TO\n',
    );
    // The text report says where NAB's changepoints come from.
    const text = await runCli([
      'eval',
      '--arch',
      'stats',
      '--train-rows',
      '300',
      '--data',
      join(dir, 'rec.csv'),
      '--anomaly',
      SPAN,
    ]);
    expect(text.stdout).toContain(`${join(dir, 'rec.csv')}: labelled by --anomaly: 50 row(s) in 1 span(s)\n`);
    expect(text.stdout).toContain("no changepoint column; NAB's changepoints are its anomaly labels' edges");
  });

  it('labels the file under a folder that has rows in the span, and names the others as unlabelled', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-eval-spans-dir-'));
    await writeFile(join(dir, 'monday.csv'), recording(iso(START - 86_400_000)));
    await writeFile(join(dir, 'tuesday.csv'), recording(iso(START)));
    const r = await runCli(['eval', '--arch', 'stats', '--train-rows', '300', '--data', dir, '--anomaly', SPAN]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^int8 {2}1 files /);
    expect(r.stdout).toContain('not evaluated, no "anomaly" column: monday.csv\n');
    expect(r.stdout).toMatch(/\(TP (\d+) FP \d+ TN \d+ FN (\d+)\)/);
    const [, tp, fn] = /\(TP (\d+) FP \d+ TN \d+ FN (\d+)\)/.exec(r.stdout)!;
    expect(Number(tp) + Number(fn)).toBe(50);
    // A span in neither file names both files' ranges.
    const none = await runCli(['eval', '--data', dir, '--anomaly', '2026-12-07T08:00:00Z/2026-12-07T08:01:00Z']);
    expect(none.code).toBe(2);
    expect(none.stderr).toBe(
      'linewatch: --anomaly 2026-12-07T08:00:00Z/2026-12-07T08:01:00Z: no row of the 2 files lies in it (monday.csv ' +
        'runs from 2026-12-05T08:00:00.000Z to 2026-12-05T08:09:59.000Z; tuesday.csv runs from ' +
        '2026-12-06T08:00:00.000Z to 2026-12-06T08:09:59.000Z)\n',
    );
    // Plain numbers are each file's own clock: in a folder they could be any file's.
    await mkdir(join(dir, 'counted'));
    await writeFile(
      join(dir, 'counted/a.csv'),
      recording((i) => String(i)),
    );
    await writeFile(
      join(dir, 'counted/b.csv'),
      recording((i) => String(i)),
    );
    const numbers = await runCli(['eval', '--data', join(dir, 'counted'), '--anomaly', '400/449']);
    expect(numbers.code).toBe(2);
    expect(numbers.stderr).toBe(
      "linewatch: --anomaly 400/449: plain-number times are each file's own clock, and a.csv, b.csv all have rows in it: give one file with --data FILE\n",
    );
  });

  it('refuses a bad span, naming it and what is wrong', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-eval-spans-bad-'));
    const rec = join(dir, 'rec.csv');
    await writeFile(rec, recording(iso(START)));
    await writeFile(join(dir, 'labelled.csv'), recording(iso(START), true));
    const refused = async (data: string, ...spans: string[]) => {
      const r = await runCli(['eval', '--data', data, ...spans.flatMap((s) => ['--anomaly', s])]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      return r.stderr;
    };
    expect(await refused(rec, '2026-12-06T08:07:29Z/2026-12-06T08:06:40Z')).toBe(
      'linewatch: --anomaly 2026-12-06T08:07:29Z/2026-12-06T08:06:40Z: its end 2026-12-06T08:06:40Z is before its start 2026-12-06T08:07:29Z\n',
    );
    expect(await refused(rec, SPAN, '08:10/2026-12-06T08:09:00Z')).toContain(
      'linewatch: --anomaly 08:10/2026-12-06T08:09:00Z (#2 of 2): "08:10" is not a time: expected an ISO 8601 date and time with its offset or Z',
    );
    expect(await refused(rec, '2026-12-06T09:06:40Z/2026-12-06T09:07:29Z')).toBe(
      `linewatch: --anomaly 2026-12-06T09:06:40Z/2026-12-06T09:07:29Z: no row of ${rec} lies in it (${rec} runs from 2026-12-06T08:00:00.000Z to 2026-12-06T08:09:59.000Z)\n`,
    );
    expect(await refused(rec, SPAN, '2026-12-06T08:07:28Z/2026-12-06T08:08:00Z')).toBe(
      `linewatch: --anomaly ${SPAN} and --anomaly 2026-12-06T08:07:28Z/2026-12-06T08:08:00Z overlap: a stretch of time lies in both (two faults at once, or one given twice); give one span from the first start to the last end, or spans that touch (one's end the next one's start)\n`,
    );
    expect(await refused(rec, '400/449')).toBe(
      `linewatch: --anomaly 400/449: no row of ${rec} lies in it; its times are plain numbers, ${rec}'s are dates with their offset or Z: write them as the file's time column does\n`,
    );
    // Two sources of truth: the file's own column and the flag.
    expect(await refused(join(dir, 'labelled.csv'), SPAN)).toBe(
      `linewatch: --anomaly ${SPAN}: ${join(dir, 'labelled.csv')} has an "anomaly" column, which labels its rows already: give its faults there or by --anomaly, not both\n`,
    );
    // A part model is measured on parts, labelled by a table of part results.
    const parts = await runCli(['eval', '--data', rec, '--cycle-channel', 'flow', '--anomaly', SPAN]);
    expect(parts.code).toBe(2);
    expect(parts.stderr).toBe(
      "linewatch: --anomaly: labels rows, and a part model is measured on parts: its labels are a quality system's table (--part-labels)\n",
    );
    // Under a folder, a span in a file with its column is refused too.
    expect(await refused(dir, SPAN)).toBe(
      `linewatch: --anomaly ${SPAN}: labelled.csv has an "anomaly" column, which labels its rows already: give its faults there or by --anomaly, not both\n`,
    );
  });
});
