/**
 * eval --running-when: a labelled recording with a plant stop in its training rows and another after them. The rows
 * not running are left out of the fit (as a pause is), not scored, and in no metric; each file says how many.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const T0 = Date.parse('2026-10-24T20:00:00Z');
/** Stopped: rows 150–249 (among the 400 training rows) and 600–799 (among the 600 measured). */
const stopped = (i: number) => (i >= 150 && i < 250) || (i >= 600 && i < 800);

/** 1000 rows a second apart, every row labelled normal; the mode written where it changes, blank between; a setpoint
 * `sp` that moves only while stopped. */
function recording(): string {
  let s = 5;
  const noise = () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1;
  const lines = ['Timestamp,flow,temp,sp,XS-100 Unit mode,anomaly'];
  for (let i = 0; i < 1000; i++) {
    const [flow, temp] = stopped(i) ? [2 + noise(), 30 + noise()] : [400 + 4 * noise(), 245 + noise()];
    const mode = i === 0 || stopped(i) !== stopped(i - 1) ? (stopped(i) ? 'STOP' : 'RUN') : '';
    lines.push(`${new Date(T0 + i * 1000).toISOString()},${flow},${temp},${stopped(i) ? 0 : 245},${mode},0`);
  }
  return `${lines.join('\n')}\n`;
}

interface Report {
  confusion: { tp: number; fp: number; tn: number; fn: number };
  false_alarms: number;
  perFile: { stopped_rows?: number; false_alarms: number; left_out?: { channel: string; constant: number }[] }[];
}
const rowsMeasured = (r: Report) => r.confusion.tp + r.confusion.fp + r.confusion.tn + r.confusion.fn;

describe('eval --running-when', () => {
  it('leaves the stopped rows out of the fit, the scores and the metrics, and says how many per file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-running-when-'));
    const file = join(dir, 'e101.csv');
    await writeFile(file, recording());
    const flag = ['--running-when', 'XS-100 Unit mode=RUN'];
    const [plain, running, text] = await Promise.all([
      runCli(['eval', '--data', file, '--train-rows', '400', '--json']),
      runCli(['eval', '--data', file, '--train-rows', '400', '--json', ...flag]),
      runCli(['eval', '--data', file, '--train-rows', '400', ...flag]),
    ]);
    expect([plain.code, running.code, text.code], plain.stderr + running.stderr + text.stderr).toEqual([0, 0, 0]);
    const [without, withFlag] = [plain, running].map((r) => JSON.parse(r.stdout) as Report);
    // Without the flag the stop after the training rows is measured (and, learnt from the stop among them, raises
    // no alarm: the walk's finding). With it, only the 400 running rows after the training rows are measured.
    expect(rowsMeasured(without)).toBe(600);
    expect(without.perFile[0].stopped_rows).toBeUndefined();
    expect([rowsMeasured(withFlag), withFlag.perFile[0].stopped_rows, withFlag.false_alarms]).toEqual([400, 200, 0]);
    // A setpoint that moves only while stopped is constant in the running rows the model learns from: left out.
    expect([without.perFile[0].left_out, withFlag.perFile[0].left_out]).toEqual([
      undefined,
      [{ channel: 'sp', constant: 245 }],
    ]);
    expect(text.stdout).toContain(
      `${file}: 200 row(s) after the training rows not running (--running-when) left out: not scored, not in F1, FAR, ` +
        'NAB or false alarms per day',
    );
  }, 120_000);

  it('refuses a condition it cannot read, and one naming no column, with the columns', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-running-when-'));
    const file = join(dir, 'e101.csv');
    await writeFile(file, recording());
    const [form, column] = await Promise.all([
      runCli(['eval', '--data', file, '--running-when', 'XS-100']),
      runCli(['eval', '--data', file, '--running-when', 'XS-100=RUN']),
    ]);
    expect([form.code, form.stderr]).toEqual([
      2,
      'linewatch: --running-when "XS-100": expected CHANNEL=VALUE, CHANNEL!=VALUE, CHANNEL>NUMBER or CHANNEL<NUMBER ' +
        '(e.g. Mode=RUN, Speed>100)\n',
    ]);
    expect(column.code).toBe(1);
    expect(column.stderr).toContain(
      `${file}: --running-when XS-100=RUN: no column "XS-100" (did you mean "XS-100 Unit mode"?); columns: ` +
        '["flow","temp","sp","anomaly","XS-100 Unit mode"]',
    );
  }, 60_000);
});
