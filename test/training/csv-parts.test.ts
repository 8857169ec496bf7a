/**
 * A CSV of a machine's cycles cut into parts as the gateway's cycle window cuts them (a flag or a part counter), and
 * every problem named: no such column, no part at all, too few parts, a curve that never moves, a part with a gap.
 */
import { describe, expect, it } from 'vitest';
import type { Sample } from '../../src/core/types.js';
import { AssetWindows } from '../../src/windows/asset-windows.js';
import { windowSchema } from '../../src/windows/schema.js';
import {
  csvParts,
  MIN_PARTS,
  partsTrainingSet,
  pollGapText,
  refuseCounterCurves,
  withoutPollGaps,
  type CsvPartsOptions,
} from '../../src/training/csv-parts.js';
import { fitPartModel } from '../../src/training/fit-parts.js';

const T0 = Date.UTC(2026, 0, 5, 6);

/** `parts` cycles of `rows` rows each (force rising then falling), 2 idle rows between them, one row every 100 ms. */
function cyclesCsv(parts: number, rows = 8, edit?: (part: number, row: number, cells: string[]) => void): string {
  const lines = ['timestamp,force,position,cycle_active,part_counter'];
  let t = 0;
  for (let p = 0; p < parts; p++) {
    for (let i = 0; i < 2; i++) lines.push([T0 + 100 * t++, 0, 0, 0, p].join(','));
    for (let r = 0; r < rows; r++) {
      const cells = [T0 + 100 * t++, Math.sin((Math.PI * r) / (rows - 1)) * (10 + (p % 3)), r, 1, p + 1].map(String);
      edit?.(p, r, cells);
      lines.push(cells.join(','));
    }
  }
  lines.push([T0 + 100 * t, 0, 0, 0, parts].join(','));
  return lines.join('\n') + '\n';
}

const FLAG: CsvPartsOptions = {
  cycleChannel: 'cycle_active',
  trigger: 'flag',
  partIdChannel: 'part_counter',
  windowLength: 16,
  minRows: 5,
  maxRows: 100,
};

/** The training set of `parts`, `fraction` of them held out. */
const setOf = (parts: ReturnType<typeof csvParts>, fraction: number) =>
  partsTrainingSet(parts, 'press.csv', { name: 'p', validationFraction: fraction, hidden: [8] }, 'cycle_active (flag)');

describe('csvParts: a row stamped before the row before it', () => {
  it("is placed at that row's time, as the gateway's rows are (windows/row-assembler.ts rowTime)", () => {
    // Row 4 of part 2 stamped 30 ms before row 3 (a sample reported late): the part as if it came at row 3's time.
    const stamp = (ms: number) => (p: number, r: number, cells: string[]) => {
      if (p === 1 && r === 4) cells[0] = String(Number(cells[0]) - ms);
    };
    const late = csvParts(cyclesCsv(3, 8, stamp(130)), 'late.csv', FLAG);
    const placed = csvParts(cyclesCsv(3, 8, stamp(100)), 'placed.csv', FLAG);
    const onTime = csvParts(cyclesCsv(3, 8), 'on-time.csv', FLAG);
    expect(late.windows[1]).toEqual(placed.windows[1]);
    expect(late.windows[1]).not.toEqual(onTime.windows[1]);
    expect(late.leftOut).toEqual([]);
  });
});

/** The parts the gateway's own windows (AssetWindows, one batch per line, in the file's order) cut from `text`. */
function gatewayParts(text: string): { partIds: string[]; windows: number[][]; unjudged: string[] } {
  const settings = windowSchema.parse({
    type: 'cycle',
    trigger_channel: 'cycle_active',
    part_id_channel: 'part_counter',
    min_samples: FLAG.minRows,
    max_samples: FLAG.maxRows,
  });
  const w = new AssetWindows('press', ['force', 'position'], FLAG.windowLength, settings, 100);
  const out = { partIds: [] as string[], windows: [] as number[][], unjudged: [] as string[] };
  const [header, ...lines] = text.trimEnd().split('\n');
  const names = header.split(',');
  for (const line of lines) {
    const cells = line.split(',').map(Number);
    const batch = names.slice(1).map((channel, j): Sample => ({
      source: 'opcua',
      asset: 'press',
      channel,
      ts: cells[0],
      value: cells[j + 1],
      quality: 'good',
    }));
    for (const o of w.push(batch))
      if (o.kind === 'window') {
        out.partIds.push(o.window.partId!);
        out.windows.push(Array.from(o.window.data));
      } else if (o.kind === 'incomplete') out.unjudged.push(`${o.partId}: ${o.reason}`);
  }
  return out;
}

/** `lines` of `text` (1-based data lines) moved to come after line `after`, as a source that sent them late. */
function deliveredLate(text: string, lines: readonly number[], after: number, held?: (cells: string[]) => string[]) {
  const [header, ...rows] = text.trimEnd().split('\n');
  const late = lines.map((l) => rows[l - 1]);
  const out: string[] = [];
  rows.forEach((row, i) => {
    if (!lines.includes(i + 1)) out.push(row);
    if (i + 1 === after) out.push(...(held ? [held(rows[lines[0] - 2].split(',')).join(',')] : []), ...late);
  });
  return [header, ...out].join('\n') + '\n';
}

describe('csvParts: rows that came late after a stall, as the gateway places them', () => {
  it("judges a part whose OPC UA publish stalled, its backlog placed at the held values' time, as the gateway does", () => {
    // Part 3's rows 4 to 6 (lines 26-28) held back by a server that stalled; its next publish delivers the held values
    // first (line 25's values, stamped just after line 28), then the backlog with its own stamps, 300 ms back: more
    // than a period and a half, which the cut took for a pause ("the rows go back in time") and left the part out.
    const text = deliveredLate(cyclesCsv(4), [26, 27, 28], 28, (cells) => [
      String(T0 + 100 * 27 + 1),
      ...cells.slice(1),
    ]);
    const parts = csvParts(text, 'press.csv', FLAG);
    const gateway = gatewayParts(text);
    expect(gateway.unjudged).toEqual([]);
    expect(parts.leftOut).toEqual([]);
    expect(parts.partIds).toEqual(gateway.partIds);
    expect(parts.windows.map((w) => Array.from(w))).toEqual(gateway.windows);
  });

  it("drops a stall's held values overtaken by its backlog where the server had stalled before, as the gateway does", () => {
    // Two stalls, as the first test's: part 2's rows 3 to 5 (lines 15-17) and part 4's (lines 35-37) held back, each
    // behind a publish of the held values. At the first the server had not come late yet: its held values stay (no
    // source that never came late waits a batch). At the second they wait, are overtaken by the backlog and dropped:
    // the part is as it was pressed.
    const stalled = (text: string, first: number) =>
      deliveredLate(text, [first, first + 1, first + 2], first + 2, (cells) => [
        String(T0 + 100 * (first + 1) + 1),
        ...cells.slice(1),
      ]);
    const text = stalled(stalled(cyclesCsv(4), 35), 15);
    const parts = csvParts(text, 'press.csv', FLAG);
    const gateway = gatewayParts(text);
    const clean = csvParts(cyclesCsv(4), 'press.csv', FLAG);
    expect(gateway.unjudged).toEqual([]);
    expect(parts.leftOut).toEqual([]);
    expect(parts.partIds).toEqual(gateway.partIds);
    expect(parts.windows.map((w) => Array.from(w))).toEqual(gateway.windows);
    expect(parts.windows[3]).toEqual(clean.windows[3]);
    expect(parts.windows[1]).not.toEqual(clean.windows[1]);
    // Each part's rows in the file, the dropped one within the last part's (a held-values row in each stalled part).
    expect(parts.rowSpans).toEqual([
      [2, 9],
      [12, 20],
      [23, 30],
      [33, 41],
    ]);
    // Steps between the rows as placed: the second stall's part has no missed poll (its backlog at its own stamps, as
    // the gateway's part), and trains; the first's held values stand 300 ms after the row before them.
    expect(parts.longestSteps.map((s) => Math.round(s))).toEqual([100, 301, 100, 100]);
    expect(withoutPollGaps(parts).gaps.map((g) => g.partId)).toEqual([parts.partIds[1]]);
  });

  it('judges a part whose Modbus poll overran (its row stamped at the poll, delivered after two later ones), as the gateway does', () => {
    // A slow poll of part 2 stamped at its start (line 15), its answer after the next two polls' (250 ms): a step back
    // of two and a half periods.
    const text = deliveredLate(cyclesCsv(4), [15], 17);
    const parts = csvParts(text, 'press.csv', FLAG);
    const gateway = gatewayParts(text);
    expect(gateway.unjudged).toEqual([]);
    expect(parts.leftOut).toEqual([]);
    expect(parts.partIds).toEqual(['1', '2', '3', '4']);
    expect(parts.windows.map((w) => Array.from(w))).toEqual(gateway.windows);
  });
});

describe('parts from a CSV of cycles', () => {
  it('cuts one part per cycle of the flag, named by the part counter, its curves the other columns', () => {
    const parts = csvParts(cyclesCsv(5), 'press.csv', FLAG);
    expect(parts.channels).toEqual(['force', 'position']);
    expect(parts.partIds).toEqual(['1', '2', '3', '4', '5']);
    // Each part is its 8 flagged rows (after 2 idle ones), resampled to 16 points of 2 channels.
    expect(parts.rowSpans).toEqual([0, 1, 2, 3, 4].map((p) => [10 * p + 2, 10 * p + 9]));
    expect(parts.windows.map((w) => w.length)).toEqual([32, 32, 32, 32, 32]);
    expect(parts.windows[1][2 * 15 + 1]).toBe(7); // position at the last point of part 2: its last row's
    // Parts start every 10 rows of 100 ms: one a second.
    expect(parts.partsPerDay).toBe(86_400);
  });

  it('cuts by a part counter as well: each change starts the next part', () => {
    const parts = csvParts(cyclesCsv(5), 'press.csv', {
      ...FLAG,
      cycleChannel: 'part_counter',
      trigger: 'counter',
      partIdChannel: undefined,
      channels: ['force', 'position'],
    });
    // The counter changes at each part's first flagged row; the last part has no change after it, so it is not
    // complete; every part but the last runs from its first row to the row before the next part's (10 rows).
    expect(parts.rowSpans).toEqual([1, 2, 3, 4].map((p) => [10 * p - 8, 10 * p + 1]));
    expect(parts.partIds).toEqual(['1', '2', '3', '4']);
  });

  it('leaves out a part with a missing reading, naming it, and keeps the others', () => {
    const text = cyclesCsv(4, 8, (p, r, cells) => {
      if (p === 2 && r === 3) cells[1] = '';
    });
    const parts = csvParts(text, 'press.csv', FLAG);
    expect(parts.partIds).toEqual(['1', '2', '4']);
    expect(parts.leftOut).toEqual([
      { partId: '3', reason: 'a sample was missing, stale or bad during the cycle', row: 22 },
    ]);
  });

  it('leaves out a part that spans a pause in the recording (its rows jump a minute), naming the pause', () => {
    // From part 3's fourth row (line 26) on, every row a minute later: the recording stopped during that cycle.
    const lines = cyclesCsv(4).trimEnd().split('\n');
    const paused = lines.map((l, i) => {
      if (i < 26) return l;
      const [t, ...rest] = l.split(',');
      return [Number(t) + 60_000, ...rest].join(',');
    });
    const parts = csvParts(`${paused.join('\n')}\n`, 'press.csv', FLAG);
    expect(parts.partIds).toEqual(['1', '2', '4']);
    expect(parts.leftOut).toEqual([
      {
        partId: '3',
        reason:
          'the recording pauses during the cycle: no row from 2026-01-05T06:00:02.400Z to 2026-01-05T06:01:02.500Z (60.1 s)',
        row: 22,
      },
    ]);
  });

  it('keeps a part whose polls missed a few rows in the cut, as the gateway judges it, and leaves it out of learning', () => {
    // Part 3 lost its third to fifth rows (lines 25 to 27): a 400 ms step, as an event loop stalled for 300 ms at
    // 100 ms polls would leave; far short of a pause (5 s), so the gateway judges the part. Part 2's fifth row (line
    // 17) comes 40 ms late, the next on time: a late poll, not a missing one (1.4 periods).
    const lines = cyclesCsv(5).trimEnd().split('\n');
    const late = lines.map((l, i) => {
      if (i !== 17) return l;
      const [t, ...rest] = l.split(',');
      return [Number(t) + 40, ...rest].join(',');
    });
    const text = `${late.filter((_, i) => i < 25 || i > 27).join('\n')}\n`;
    const parts = csvParts(text, 'press.csv', FLAG);
    expect(parts.partIds).toEqual(['1', '2', '3', '4', '5']);
    expect(parts.leftOut).toEqual([]);
    expect(parts.pollStepMs).toBe(100);
    expect(parts.longestSteps.map((s) => Math.round(s))).toEqual([100, 140, 400, 100, 100]);
    const { parts: kept, gaps, limitMs } = withoutPollGaps(parts);
    expect(kept.partIds).toEqual(['1', '2', '4', '5']);
    expect(kept.windows).toEqual([0, 1, 3, 4].map((i) => parts.windows[i]));
    expect([gaps, limitMs]).toEqual([[{ partId: '3', stepMs: 400 }], 150]);
    expect(pollGapText(gaps, parts.pollStepMs)).toBe(
      "1 part not learned from, a poll missed in its rows (a step over 1.5× the recording's median of 100 ms): " +
        '3 (no row for 0.4 s)',
    );
    // Times coarser than the rows (whole seconds, read --period-ms apart) say nothing of the polls: none is left out.
    const coarse = cyclesCsv(5).replace(/^(\d+)(\d{3}),/gm, (_m, s: string) => `${s}000,`);
    const spread = csvParts(coarse, 'press.csv', { ...FLAG, periodMs: 100 });
    expect(spread.pollStepMs).toBeNaN();
    expect(withoutPollGaps(spread).gaps).toEqual([]);
  });

  it('finds each part by the row it opened on, where a part starts on the same time as the row before it', () => {
    const text = cyclesCsv(5, 8, (_p, r, cells) => {
      if (r === 0) cells[0] = String(Number(cells[0]) - 100);
    });
    expect(csvParts(text, 'press.csv', FLAG).rowSpans).toEqual([0, 1, 2, 3, 4].map((p) => [10 * p + 2, 10 * p + 9]));
  });

  it('names the parts by a part id column of text (serial numbers), its cell where each part starts, as the gateway', () => {
    const text = cyclesCsv(3)
      .replace('part_counter', 'serial')
      .replace(/,(\d+)\n/g, (_m, n: string) => `,PRS-${n}\n`);
    const parts = csvParts(text, 'press.csv', { ...FLAG, partIdChannel: 'serial' });
    expect(parts.channels).toEqual(['force', 'position']);
    expect(parts.partIds).toEqual(['PRS-1', 'PRS-2', 'PRS-3']);
    // A part whose serial number was not read where it started is numbered, as the gateway numbers it.
    const lines = text.split('\n');
    lines[13] = lines[13].replace('PRS-2', '');
    expect(csvParts(lines.join('\n'), 'press.csv', { ...FLAG, partIdChannel: 'serial' }).partIds).toEqual([
      'PRS-1',
      '(no id, part 2)',
      'PRS-3',
    ]);
  });

  it('reads the labels as eval does: "anomaly" in any case, 0/1 or true/false, and refuses -1/1', () => {
    const labelled = (label: (part: number) => string, header = 'Anomaly') =>
      cyclesCsv(3, 8, (p, _r, cells) => cells.push(label(p)))
        .replace('part_counter\n', `part_counter,${header}\n`)
        .replace(/\n(\d+,0,0,0,\d+)(?=\n|$)/g, `\n$1,${label(-1)}`);
    const parts = csvParts(
      labelled((p) => (p === 1 ? 'true' : 'false')),
      'press.csv',
      { ...FLAG, labels: {} },
    );
    expect(Array.from(parts.labels!.subarray(10, 22))).toEqual([0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0]);
    expect(() =>
      csvParts(
        labelled((p) => (p === 1 ? '1' : '-1')),
        'press.csv',
        { ...FLAG, labels: {} },
      ),
    ).toThrow(/^press\.csv:2: column Anomaly: "-1" is not a label; write 0 or 1/);
  });

  it('names the file, the flag and the columns where the cycle column is not there', () => {
    expect(() => csvParts(cyclesCsv(3), 'press.csv', { ...FLAG, cycleChannel: 'cycle' })).toThrow(
      new Error(
        'press.csv: --cycle-channel cycle: no such column (columns: force, position, cycle_active, part_counter)',
      ),
    );
  });

  it('says how a counter differs from a flag where the flag never marks a part', () => {
    // The part counter read as a flag rises once and never falls back to 0: no part ends.
    const counter = { ...FLAG, cycleChannel: 'part_counter', partIdChannel: undefined };
    expect(() => csvParts(cyclesCsv(3), 'press.csv', counter)).toThrow(
      new Error(
        'press.csv: --cycle-channel part_counter (flag): no part in 31 rows (it reads 0 to 3): a flag marks a part by going from 0 to non-zero and back; a part counter needs --cycle-trigger counter',
      ),
    );
  });

  it('says to give more --train-rows where the parts of the first rows are too few', () => {
    const parts = csvParts(cyclesCsv(30), 'press.csv', { ...FLAG, rows: 200 });
    expect(() =>
      partsTrainingSet(parts, 'press.csv', { name: 'p', validationFraction: 0.25, hidden: [8], rows: 200 }, 'c (flag)'),
    ).toThrow(
      new Error(
        'press.csv: 19 parts give 15 to learn from and 4 held out; each needs at least 20 (cycles cut by c (flag)); those are the parts in the first 200 rows: give more with --train-rows',
      ),
    );
  });

  it(`refuses to fit on fewer than ${MIN_PARTS} parts each side of the split, with the counts`, () => {
    const parts = csvParts(cyclesCsv(30), 'press.csv', FLAG);
    expect(() => setOf(parts, 0.25)).toThrow(
      new Error(
        'press.csv: 30 parts give 23 to learn from and 7 held out; each needs at least 20 (cycles cut by cycle_active (flag))',
      ),
    );
  });

  it('refuses a curve that reads the same in every part', () => {
    const text = cyclesCsv(50, 8, (_p, _r, cells) => (cells[2] = '3'));
    const parts = csvParts(text.replace(/\n(\d+),0,0,0,/g, '\n$1,0,3,0,'), 'press.csv', FLAG);
    expect(() => setOf(parts, 0.4)).toThrow(
      new Error(
        'press.csv: position reads 3 throughout every part: it cannot tell one part from another; leave it out (--channels)',
      ),
    );
  });

  it('refuses a part counter among the curves, also where it starts again, and a clock', () => {
    const counted = (text: string) =>
      refuseCounterCurves(csvParts(text, 'press.csv', { ...FLAG, partIdChannel: undefined }), 'press.csv');
    const message = (name: string, how: string) =>
      new Error(
        `press.csv: ${name} ${how} a model that learned it would fail every later part: name it with --part-id-channel, or leave it out (--channels)`,
      );
    expect(csvParts(cyclesCsv(50), 'press.csv', { ...FLAG, partIdChannel: undefined }).channels).toEqual([
      'force',
      'position',
      'part_counter',
    ]);
    expect(() => counted(cyclesCsv(50))).toThrow(
      message(
        'part_counter',
        'holds one whole number through each part and counts up by 1 from part to part (49 times in 49): a part counter, not a curve;',
      ),
    );
    // Two runs of a gateway's recording: the counter starts again from 1 at part 26.
    const twoRuns = cyclesCsv(50, 8, (p, _r, cells) => (cells[4] = String(p < 25 ? p + 1 : p - 24)));
    expect(() => counted(twoRuns)).toThrow(
      message(
        'part_counter',
        'holds one whole number through each part and counts up by 1 from part to part (48 times in 49): a part counter, not a curve;',
      ),
    );
    // A clock: seconds since the start, rising within each part and from part to part.
    const clock = cyclesCsv(50, 8, (p, r, cells) => (cells[4] = String(p * 10 + r + 0.5)));
    expect(() => counted(clock)).toThrow(
      message('part_counter', 'rises from part to part every time (50 parts): a counter or a clock, not a curve;'),
    );
  });

  it('refuses a part counter among the curves before anything reads them: no warm-up is said of it', async () => {
    // Regression (qiwalk-s39): `train --part-id-channel serial` on an export with part_counter said first that parts
    // 7 to 78 were a warm-up, part_counter drifting most (-4.18 sd), then refused part_counter as a counter.
    const lines: string[] = [];
    const fit = fitPartModel(cyclesCsv(120), 'press.csv', {
      cut: { cycleChannel: 'cycle_active', trigger: 'flag', minRows: 5, maxRows: 100 },
      name: 'p',
      windowLength: 16,
      arch: 'dense',
      hidden: [8],
      validationFraction: 0.25,
      seed: 1,
      epochs: 1,
      target: { falseAlarmsPerDay: 1 },
      command: 'test',
      log: (line) => lines.push(line),
    });
    await expect(fit).rejects.toThrow(
      'press.csv: part_counter holds one whole number through each part and counts up by 1 from part to part',
    );
    expect(lines).toEqual([]);
  });

  it('holds out the last parts, in the order they were made', () => {
    const parts = csvParts(cyclesCsv(50), 'press.csv', FLAG);
    const set = setOf(parts, 0.4);
    expect([set.train.length, set.validation.length, set.windowLength]).toEqual([30, 20, 16]);
    expect(set.validation[0]).toBe(parts.windows[30]);
  });
});

describe('csvParts: a units row under the header (linewatch export writes one)', () => {
  it("gives the part model's channels their units, as a sliding model's; none without it", () => {
    // Regression (qiwalk-s39): a part model trained on an export's CSV had `unit: ""` for force (kN) and position (mm).
    const lines = cyclesCsv(90).split('\n');
    const withUnits = [lines[0], ',kN,mm,,', ...lines.slice(1)].join('\n');
    const channels = (text: string) => setOf(csvParts(text, 'press.csv', FLAG), 0.25).channels;
    expect(channels(withUnits)).toEqual([
      { name: 'force', unit: 'kN' },
      { name: 'position', unit: 'mm' },
    ]);
    expect(channels(cyclesCsv(90))).toEqual([
      { name: 'force', unit: '' },
      { name: 'position', unit: '' },
    ]);
  });
});
