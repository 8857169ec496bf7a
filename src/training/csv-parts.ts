/**
 * Parts from a CSV of a machine's cycles (a press, a screwdriver, a welder: a historian export or the gateway's own
 * recording): the rows are cut into one window per produced part by the gateway's own cycle window (a cycle-active
 * flag or a part counter), each part resampled to `windowLength` points, as the gateway will see them. Pure: text in,
 * parts out; every problem names the file, the column and what is wrong.
 */
import { countsByOne } from '../core/counts-by-one.js';
import {
  isNotChannel,
  labelColumn,
  parseSkabCsv,
  rowMajor,
  timesInMs,
  type ColumnRenames,
  type SkabTable,
} from '../core/csv-table.js';
import { isPauseMark, pauseRows, pauseText } from '../core/csv-pauses.js';
import { MISSING_READING } from '../core/csv-cells.js';
import { median } from '../core/measure.js';
import { repeatsStamps } from '../core/csv-times.js';
import { partKey } from '../core/part-id.js';
import { HeldReadings } from './csv-failed-reads.js';
import { CycleWindow, MISSED_POLL_STEPS, type CycleTrigger } from '../windows/cycle/cycle-window.js';
import { DEFAULT_MAX_SAMPLE_AGE_MS, type Row } from '../windows/row-assembler.js';
import { placeRecording, sameValues } from '../windows/source-rows.js';
import type { TrainingSet } from './build-model.js';
import { PART_CURVE_NOISE, partNormalisation } from './normalise.js';

export interface CsvPartsOptions {
  /** The column that marks the cycle: a flag (non-zero while a part is made) or a part counter. */
  readonly cycleChannel: string;
  readonly trigger: CycleTrigger;
  /** A column holding each part's id (a part counter, a serial number); default: parts numbered from 1. */
  readonly partIdChannel?: string;
  /** The part's curves; default every column but the time, labels, the cycle and the part id. */
  readonly channels?: readonly string[];
  /** Points each part is resampled to. */
  readonly windowLength: number;
  readonly periodMs?: number;
  /** Only the first `rows` rows. */
  readonly rows?: number;
  /** As the gateway's cycle window (asset window min_samples, max_samples). */
  readonly minRows: number;
  readonly maxRows: number;
  /**
   * eval: the labels to return with the parts, read as eval reads them (0 or 1; true/false; a fault's class number as
   * 1; `anomaly` in any case): the column eval --label-column names, or `anomaly`.
   */
  readonly labels?: { readonly column?: string };
  /** Columns read under another name (--rename): the cycle, id and channel names above name them by the new name. */
  readonly rename?: ColumnRenames;
  /**
   * How long the gateway holds a reading, as the asset's window max_sample_age_ms (default: the window's default,
   * 5000): where a late row is placed, which step is a pause (a part across it unknown), what a failed poll holds.
   */
  readonly maxSampleAgeMs?: number;
}

/** A part the cycle window could not judge (a missing reading, too short, too long), with why. */
export interface LeftOutPart {
  readonly partId: string;
  readonly reason: string;
  /** The row the part started on (0-based). */
  readonly row: number;
}

export interface CsvParts {
  readonly channels: readonly string[];
  /** Each channel's unit, from the file's units row (csv-units-row.ts: `linewatch export` writes one); absent: none. */
  readonly units?: readonly string[];
  readonly periodMs: number;
  /** Each part's window (raw values, time-major), in the order the parts were made. */
  readonly windows: readonly Float64Array[];
  readonly partIds: readonly string[];
  /** Each part's first and last row (0-based), for its labels. */
  readonly rowSpans: readonly (readonly [number, number])[];
  /** Each part's first row's time (ms). */
  readonly startTimes: readonly number[];
  /** Each part's end (ms, as placed): the time of the row that ended it (a flag's falling edge, a counter's change). */
  readonly endTimes: readonly number[];
  /**
   * Each part's longest step from one of its rows to the next (ms, as placed: source-rows.ts), from its first row to
   * the row that ended it.
   */
  readonly longestSteps: readonly number[];
  /**
   * Each part's step from the row before it (a flag's last idle row, a counter's previous part's last row) to its first
   * row (ms, as placed); NaN where there is none (the recording's first row). Over MISSED_POLL_STEPS polls: its first
   * readings were lost (the cycle window widens it at its start, its points there unread).
   */
  readonly startSteps: readonly number[];
  /** Each part's points its rows do not reach (Window.unreadPoints; empty where all read): left out of its score. */
  readonly unreadPoints: readonly (readonly number[])[];
  /**
   * The median step from one row to the next (ms): the spacing of the recording's polls; NaN where the times are
   * coarser than the rows (whole seconds at several rows a second), so that it cannot be told.
   */
  readonly pollStepMs: number;
  readonly leftOut: readonly LeftOutPart[];
  /** Parts a day at the rate the file made them while making them (the median time from a part's start to the next). */
  readonly partsPerDay: number;
  /** The label column's rows, where `labelColumn` named one the file has. */
  readonly labels?: Float64Array;
}

/** The named column of `table`, or an error naming the flag, the file and the columns it has. */
function columnOf(table: SkabTable, file: string, flag: string, name: string): string {
  if (!table.columns.has(name))
    throw new Error(
      `${file}: ${flag} ${name}: no such column (columns: ${[...table.header.slice(1), ...(table.textColumns ?? []).map((t) => t.name)].join(', ')})`,
    );
  return name;
}

const iso = (t: number): string => new Date(t).toISOString();

/** The pause a row with no reading marks: from the row before it to the row after it, with its length. */
function pauseAround(times: ArrayLike<number>, t: number, n: number): string {
  const from = times[Math.max(0, t - 1)];
  const to = times[Math.min(n - 1, t + 1)];
  return `no reading from ${iso(from)} to ${iso(to)}, ${(to - from) / 1000} s`;
}

/** Cuts a CSV's rows into parts with the gateway's cycle window. */
export function csvParts(text: string, file: string, o: CsvPartsOptions): CsvParts {
  const table = parseSkabCsv(text, file, {
    ...(o.labels ? { binaryLabels: true } : {}),
    ...(o.labels?.column ? { labelColumn: o.labels.column } : {}),
    // The part id column as text: serial numbers, also those that start with a digit, and ids beyond a double's
    // precision; unless it is the cycle's own counter, which is read as numbers.
    ...(o.partIdChannel !== undefined && o.partIdChannel !== o.cycleChannel ? { keepText: [o.partIdChannel] } : {}),
    ...(o.rename ? { rename: o.rename } : {}),
  });
  const cycle = columnOf(table, file, '--cycle-channel', o.cycleChannel);
  // A part id column names each part by its cell on the row the part starts on, as the gateway names it by the tag's
  // value then (a whole number in one form, partKey); an empty cell or a missing reading leaves the part numbered.
  const textIds = o.partIdChannel === undefined ? undefined : table.texts?.get(o.partIdChannel);
  const idAt = (t: number) => {
    const cell = textIds?.[t];
    return cell === undefined || MISSING_READING.test(cell) ? undefined : partKey(cell);
  };
  const id =
    o.partIdChannel === undefined || textIds ? undefined : columnOf(table, file, '--part-id-channel', o.partIdChannel);
  const marks = [cycle, ...(id !== undefined ? [id] : [])];
  const channels =
    o.channels && o.channels.length > 0
      ? [...o.channels]
      : table.header
          .slice(1)
          .filter(
            (h) =>
              !isNotChannel(h, o.labels?.column) && !marks.includes(h) && table.columns.has(h) && h !== o.partIdChannel,
          );
  for (const ch of channels) {
    if (marks.includes(ch) || ch === o.partIdChannel)
      throw new Error(`${file}: ${ch} marks the cycle or the part: it cannot also be one of the part's curves`);
    columnOf(table, file, 'channel', ch);
  }
  if (channels.length === 0)
    throw new Error(`${file}: no column besides the time, ${marks.join(' and ')} and labels: no curve to learn`);
  const all = table.times.length;
  if (o.rows !== undefined && o.rows > all)
    throw new Error(`${file}: --train-rows ${o.rows}: the file has ${all} rows`);
  const n = o.rows ?? all;
  const { times, periodMs } = timesInMs(table, file, o.periodMs, n);
  const c = channels.length;
  const rows = rowMajor(table, [...channels, ...marks], n);
  const width = c + marks.length;
  // The spacing of the polls: the median step from a row to the next; NaN where the times are coarser than the rows
  // (whole seconds at several rows a second), so that it cannot be told.
  const rowSteps = Array.from({ length: Math.max(0, n - 1) }, (_, i) => times[i + 1] - times[i]);
  const pollStepMs = rowSteps.length > 0 && !repeatsStamps(table.times.subarray(0, n)) ? median(rowSteps) : Number.NaN;
  const cycles = new CycleWindow({
    asset: file,
    channels,
    triggerIndex: c,
    trigger: o.trigger,
    ...(id !== undefined ? { partIdIndex: c + 1 } : {}),
    length: o.windowLength,
    minRows: o.minRows,
    maxRows: o.maxRows,
    // A part whose last readings a missed poll lost is resampled over the span it would have had, as the gateway
    // resamples it (its model's sample period, this recording's median step).
    pollMs: pollStepMs,
  });
  const windows: Float64Array[] = [];
  const partIds: string[] = [];
  const rowSpans: [number, number][] = [];
  const startTimes: number[] = [];
  const endTimes: number[] = [];
  const longestSteps: number[] = [];
  const startSteps: number[] = [];
  const unreadPoints: (readonly number[])[] = [];
  const leftOut: LeftOutPart[] = [];
  // A part whose id was not read where it started is numbered by the gateway; here it is marked so, so that its
  // number is never taken for a real id (a quality system's result for part 12).
  const named = (partId: string, opened: number) =>
    textIds && idAt(opened) === undefined ? `(no id, part ${partId})` : partId;
  // The row the running part opened on: a flag's rising edge, a counter's change (which also closes the one before).
  let openedAt = 0;
  const gap = new Float64Array(width).fill(Number.NaN);
  let pausedIn: string | undefined;
  const hold = o.maxSampleAgeMs ?? DEFAULT_MAX_SAMPLE_AGE_MS;
  const { at, dropped } = placedAsGateway(times, rows, n, width, c + 1, hold);
  // A part that spans a pause in the recording is left out, as the gateway leaves it unjudged (csv-pauses.ts): a pause
  // between the rows as placed, as the gateway tells one (a backlog that came late after a stall, stamped more than a
  // period and a half back, is placed, not a pause: before, its part was left out as "the rows go back in time").
  const pauses = new Set(pauseRows(at, periodMs, at.length, hold));
  const readings = new HeldReadings(width, hold);
  for (let t = 0; t < n; t++) {
    if (dropped[t] === 1) continue;
    if (pauses.has(t) && cycles.running) {
      cycles.push({ ts: at[t - 1], values: gap, complete: false }, idAt(t - 1));
      pausedIn ??= `the recording pauses during the cycle: ${pauseText(times, t)}`;
    } else if (pauses.has(t)) {
      // A part starting just after a pause was not seen from its start, as the gateway's pause row says
      // (asset-windows.ts afterPause): not widened over the pause as a part whose first polls were missed.
      const why = `a pause in the recording (${pauseText(times, t)})`;
      cycles.push({ ts: at[t - 1], values: gap, complete: false, why, pause: true }, idAt(t - 1));
    }
    const values = rows.subarray(t * width, (t + 1) * width);
    let complete = true;
    for (let j = 0; j < c; j++) if (!Number.isFinite(values[j])) complete = false;
    // A row with no reading of its curves and trigger: how `linewatch export` marks a pause of the gateway's
    // (store-recording.ts; its part id empty too, just after the row before), where the trigger was read on both sides
    // of it, so a part cut short or not seen from its start is so by the pause; or a poll whose every read failed, over
    // which the gateway held the readings, its trigger's too (csv-failed-reads.ts).
    const unread = !complete && values.subarray(0, c + 1).every((v) => !Number.isFinite(v));
    const pause =
      unread &&
      idAt(t) === undefined &&
      values.every((v) => !Number.isFinite(v)) &&
      (t === 0 || isPauseMark(at[t] - at[t - 1], pollStepMs));
    const why = pause ? `a pause in the recording (a row with no reading: ${pauseAround(times, t, n)})` : undefined;
    if (why !== undefined && cycles.running) pausedIn ??= `the recording pauses during the cycle: ${why}`;
    const wasRunning = cycles.running;
    const opened = openedAt;
    let row: Row = { ts: at[t], values, complete };
    if (why !== undefined) row = { ...row, why, pause: true };
    else if (unread) row = readings.failedRow(at[t], values);
    else readings.read(at[t], values);
    const outcome = cycles.push(row, idAt(t));
    if (outcome?.kind === 'window') {
      windows.push(Float64Array.from(outcome.window.data));
      partIds.push(named(outcome.window.partId!, opened));
      rowSpans.push([opened, rowAfter(dropped, opened, outcome.rows - 1)]);
      startTimes.push(times[opened]);
      endTimes.push(at[t]);
      let longest = 0;
      // Between the rows as placed (a dropped row at its row before's time): a stall's backlog that went by its own
      // stamps is no missed poll, as the gateway's part has none.
      for (let r = opened + 1; r <= t; r++) longest = Math.max(longest, at[r] - at[r - 1]);
      longestSteps.push(longest);
      startSteps.push(opened > 0 ? at[opened] - at[opened - 1] : Number.NaN);
      unreadPoints.push(outcome.window.unreadPoints ?? []);
    } else if (outcome?.kind === 'incomplete')
      leftOut.push({ partId: named(outcome.partId, opened), reason: pausedIn ?? outcome.reason, row: opened });
    if (outcome !== undefined) pausedIn = undefined;
    if (cycles.running && (!wasRunning || outcome !== undefined)) openedAt = t;
  }
  if (windows.length === 0 && leftOut.length === 0) {
    const trig = table.columns.get(cycle)!.subarray(0, n);
    const [lo, hi] = trig.reduce(([a, b], v) => [Math.min(a, v), Math.max(b, v)], [Infinity, -Infinity]);
    throw new Error(
      `${file}: --cycle-channel ${cycle} (${o.trigger}): no part in ${n} rows (it reads ${lo} to ${hi}): ` +
        (o.trigger === 'flag'
          ? 'a flag marks a part by going from 0 to non-zero and back; a part counter needs --cycle-trigger counter'
          : 'a counter marks a part by changing at its start and at the next one'),
    );
  }
  // The labels as eval reads them: the column --label-column names, else `anomaly` in any case.
  const labels = o.labels && (o.labels.column ? table.columns.get(o.labels.column) : labelColumn(table, 'anomaly'));
  // The rate the line makes parts while it runs: the median time from a part's start to the next one's, so that a
  // pause in the recording (a break, the gateway stopped) does not count as time the line was making parts.
  const steps = startTimes.slice(1).map((t, i) => t - startTimes[i]);
  const step = steps.length > 0 ? median(steps) : 0;
  return {
    channels,
    ...(table.unitsRow ? { units: channels.map((ch) => table.unitsRow!.units.get(ch) ?? '') } : {}),
    periodMs,
    windows,
    partIds,
    rowSpans,
    startTimes,
    endTimes,
    longestSteps,
    startSteps,
    unreadPoints,
    pollStepMs,
    leftOut,
    ...(labels ? { labels: labels.subarray(0, n) } : {}),
    partsPerDay: step > 0 ? Number((86_400_000 / step).toPrecision(4)) : NaN,
  };
}

/**
 * Each row's time where the gateway's row would be, and the rows it would drop (1), by the gateway's own rule
 * (windows/source-rows.ts, at the asset's max_sample_age_ms, `holdMs`): a row stamped a little before the row before
 * it (a sample reported late) goes at that row's time; a row of held values (the part's curves and its cycle mark as
 * the row before's), where the recording came late in the recent past and the next row comes stamped before it (a
 * stalled OPC UA server's publish of held values, then its backlog), is dropped.
 */
function placedAsGateway(
  times: Float64Array,
  rows: Float64Array,
  n: number,
  width: number,
  rowWidth: number,
  holdMs: number,
) {
  const row = (t: number) => rows.subarray(t * width, t * width + rowWidth);
  return placeRecording(times, n, holdMs, (t) => sameValues(row(t), row(t - 1)));
}

/** The row `count` rows after row `from`, not counting the rows dropped (placedAsGateway). */
function rowAfter(dropped: Uint8Array, from: number, count: number): number {
  let r = from;
  for (let k = 0; k < count; k++) {
    r++;
    while (dropped[r] === 1) r++;
  }
  return r;
}

/** The parts but those `leave` names (parts a quality system rejected, not to be learned as good ones). */
export function withoutParts(parts: CsvParts, leave: (partId: string) => boolean): CsvParts {
  const keep = parts.partIds.flatMap((id, i) => (leave(id) ? [] : [i]));
  return {
    ...parts,
    windows: keep.map((i) => parts.windows[i]),
    partIds: keep.map((i) => parts.partIds[i]),
    rowSpans: keep.map((i) => parts.rowSpans[i]),
    startTimes: keep.map((i) => parts.startTimes[i]),
    endTimes: keep.map((i) => parts.endTimes[i]),
    longestSteps: keep.map((i) => parts.longestSteps[i]),
    startSteps: keep.map((i) => parts.startSteps[i]),
    unreadPoints: keep.map((i) => parts.unreadPoints[i]),
  };
}

/** A step from one row of a part to the next longer than this many times the recording's median step: a missed poll. */
export { MISSED_POLL_STEPS };

/** A part cut whole, but with a poll missing from its rows, or just before its first (its first readings lost). */
export interface PollGapPart {
  readonly partId: string;
  /** Its longest step from one row to the next (ms); `beforeFirst`: the step from the row before it to its first. */
  readonly stepMs: number;
  /** The missed poll is only before its first row (CsvParts.startSteps). */
  readonly beforeFirst?: true;
}

/**
 * The parts but those with a missed poll among their rows or just before their first (a step longer than
 * MISSED_POLL_STEPS × the recording's median step: an event loop stalled, a source slow to answer), and those. The
 * gateway judges such a part, as a pause shorter than max_sample_age_ms ends no part; but its curve has a hole the
 * resampling bridges with a straight line, or a stretch at its start or end that holds its first or last reading, so it
 * is not a normal part to learn from or to calibrate the threshold on. None where the spacing cannot be told.
 */
export function withoutPollGaps(parts: CsvParts): { parts: CsvParts; gaps: PollGapPart[]; limitMs: number } {
  const limitMs = MISSED_POLL_STEPS * parts.pollStepMs;
  if (!(limitMs > 0)) return { parts, gaps: [], limitMs };
  const gaps = parts.partIds.flatMap((partId, i): PollGapPart[] => {
    if (parts.longestSteps[i] > limitMs) return [{ partId, stepMs: parts.longestSteps[i] }];
    return parts.startSteps[i] > limitMs ? [{ partId, stepMs: parts.startSteps[i], beforeFirst: true }] : [];
  });
  if (gaps.length === 0) return { parts, gaps, limitMs };
  const ids = new Set(gaps.map((g) => g.partId));
  return { parts: withoutParts(parts, (id) => ids.has(id)), gaps, limitMs };
}

const seconds = (ms: number) => `${Number((ms / 1000).toPrecision(3))} s`;

/**
 * "2 parts not learned from, a poll missed in their rows (a step over 1.5× the recording's median of 100 ms): 150 (no
 * row for 0.55 s), 163 (…)", the first `shown` named; '' where none was. Where some lost their first readings, "… in
 * their rows or just before them (…): 150 (no row for 0.55 s), 171 (no row for 0.2 s before its first)".
 */
export function pollGapText(gaps: readonly PollGapPart[], pollStepMs: number, shown = 20): string {
  if (gaps.length === 0) return '';
  const list = gaps
    .slice(0, shown)
    .map((g) => `${g.partId} (no row for ${seconds(g.stepMs)}${g.beforeFirst ? ' before its first' : ''})`);
  if (gaps.length > shown) list.push(`… (${gaps.length - shown} more)`);
  const its = gaps.length === 1 ? 'its' : 'their';
  const before = gaps.some((g) => g.beforeFirst) ? ` or just before ${gaps.length === 1 ? 'it' : 'them'}` : '';
  return (
    `${gaps.length} part${gaps.length === 1 ? '' : 's'} not learned from, a poll missed in ${its} rows${before} ` +
    `(a step over ${MISSED_POLL_STEPS}× the recording's median of ${Number(pollStepMs.toPrecision(3))} ms): ${list.join(', ')}`
  );
}

/** "3 parts left out: 12 (the cycle had 2 samples, fewer than 5), …" or '' where none was. */
export function leftOutText(leftOut: readonly LeftOutPart[], shown = 5): string {
  if (leftOut.length === 0) return '';
  const list = leftOut.slice(0, shown).map((p) => `${p.partId} (${p.reason})`);
  return `${leftOut.length} part${leftOut.length === 1 ? '' : 's'} left out: ${list.join(', ')}${leftOut.length > shown ? ', …' : ''}`;
}

/**
 * The share, at least, that makes a column a counter or a clock among the curves: of the part-to-part steps its mean
 * rises at, or of the parts it holds one whole number through.
 */
const COUNTER_SHARE = 0.95;

/** The fewest parts each side of the split (training and held out) that a part model is fitted and calibrated on. */
export const MIN_PARTS = 20;

/**
 * Refuses a curve that is a part counter or a clock (a column that rises from every part to the next): a model that
 * learned it would fail every later part. Checked before anything else reads the curves (the warm-up's trend: before,
 * a part counter left among them was first taken for a warm-up of 72 parts, qiwalk-s39).
 */
export function refuseCounterCurves(parts: CsvParts, file: string): void {
  // Too few parts to see a count (none left where a table rejected them all): partsTrainingSet says how many it needs.
  if (parts.windows.length < 3) return;
  const c = parts.channels.length;
  parts.channels.forEach((name, j) => {
    const means = parts.windows.map((w) => w.reduce((a, v, k) => (k % c === j ? a + v : a), 0));
    // A counter rises at every step but where it starts again (a recording of several runs, a wrap-around); a curve's
    // mean rises at about half of them.
    const rises = means.filter((m, i) => i > 0 && m > means[i - 1]).length;
    // A part counter holds one whole number through each part and counts up by 1 from a part to the next, but where
    // it starts again (a recording of many runs) or a part spans a pause.
    const held = parts.windows.map((w) => {
      const v = w[j];
      return Number.isInteger(v) && w.every((x, k) => k % c !== j || x === v) ? v : undefined;
    });
    const byOne = held.filter((v, i) => i > 0 && v !== undefined && v - (held[i - 1] ?? Number.NaN) === 1);
    if (
      held.filter((v) => v !== undefined).length >= COUNTER_SHARE * held.length &&
      countsByOne(byOne.length, held.length - 1)
    )
      throw new Error(
        `${file}: ${name} holds one whole number through each part and counts up by 1 from part to part ` +
          `(${byOne.length} times in ${held.length - 1}): a part counter, not a curve; a model that learned it would ` +
          'fail every later part: name it with --part-id-channel, or leave it out (--channels)',
      );
    if (rises >= COUNTER_SHARE * (means.length - 1))
      throw new Error(
        `${file}: ${name} rises from part to part ${rises === means.length - 1 ? 'every time' : `${rises} times in ${means.length - 1}`} (${means.length} parts): a counter or a clock, not a curve; a model that learned it would fail every later part: name it with --part-id-channel, or leave it out (--channels)`,
      );
  });
}

/**
 * A training set of parts: the first parts to learn from, the last `validationFraction` of them held out (early
 * stopping, the threshold's calibration, the golden window).
 */
export function partsTrainingSet(
  parts: CsvParts,
  file: string,
  o: {
    readonly name: string;
    readonly validationFraction: number;
    readonly hidden: readonly number[];
    /** The parts came from the first `rows` rows only (train and eval --train-rows). */
    readonly rows?: number;
    /** Parts a quality system rejected, already left out, and where it said so. */
    readonly rejected?: { readonly parts: number; readonly source: string };
    /** Parts with a missed poll, already left out (withoutPollGaps), as pollGapText says it. */
    readonly pollGaps?: string;
    /** Warm-up parts, already left out (warm-up-parts.ts), counted. */
    readonly warmUp?: number;
  },
  cut: string,
): TrainingSet {
  const n = parts.windows.length;
  const held = Math.floor(n * o.validationFraction);
  if (n - held < MIN_PARTS || held < MIN_PARTS)
    throw new Error(
      `${file}: ${n} parts give ${n - held} to learn from and ${held} held out; each needs at least ${MIN_PARTS}` +
        (parts.leftOut.length > 0 ? ` (${leftOutText(parts.leftOut)})` : ` (cycles cut by ${cut})`) +
        (o.rejected && o.rejected.parts > 0
          ? `; ${o.rejected.parts} more were rejected in ${o.rejected.source} and left out`
          : '') +
        (o.pollGaps ? `; ${o.pollGaps}` : '') +
        (o.warmUp ? `; ${o.warmUp} more were a warm-up and left out (--warm-up learn learns them)` : '') +
        (o.rows !== undefined ? `; those are the parts in the first ${o.rows} rows: give more with --train-rows` : ''),
    );
  const first = parts.windows[0];
  if (parts.windows.every((w) => w.every((v, k) => v === first[k])))
    throw new Error(
      `${file}: all ${n} parts have the same curves (${parts.channels.join(', ')}), reading for reading: a replay or ` +
        "a copy, not a recording of production; a part model learns the spread of good parts and needs parts that vary as production's do",
    );
  const train = parts.windows.slice(0, n - held);
  const validation = parts.windows.slice(n - held);
  const c = parts.channels.length;
  parts.channels.forEach((name, j) => {
    const first = train[0][j];
    if (train.every((w) => w.every((v, k) => k % c !== j || v === first)))
      throw new Error(
        `${file}: ${name} reads ${first} throughout every part: it cannot tell one part from another; leave it out (--channels)`,
      );
  });
  const { method, mean, std } = partNormalisation(train, c);
  const L = parts.windows[0].length / c;
  return {
    name: o.name,
    description: `Autoencoder over each part's curves (${parts.channels.join(', ')}, resampled to ${L} points per cycle), int8 QDQ; a part passes when its score is below the threshold.`,
    data: `${file}: ${n} parts (cycles cut by ${cut}, each resampled to ${L} points by the gateway's cycle window), the first ${n - held} to learn from, the last ${held} held out, sample period ${parts.periodMs} ms${parts.leftOut.length > 0 ? `; ${leftOutText(parts.leftOut)}` : ''}${o.pollGaps ? `; ${o.pollGaps}` : ''}${o.warmUp ? `; ${o.warmUp} warm-up parts left out` : ''}`,
    channels: parts.channels.map((name, j) => ({ name, unit: parts.units?.[j] ?? '' })),
    windowLength: L,
    periodMs: parts.periodMs,
    hidden: o.hidden,
    train,
    validation,
    validationNote: `the last ${held} parts of ${file}`,
    method,
    inputNoise: PART_CURVE_NOISE,
    mean,
    std,
  };
}
