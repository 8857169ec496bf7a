/**
 * A training set from a CSV of normal operation (a historian export, a recording, SKAB's
 * anomaly-free.csv): chosen channels, sliding windows of `windowLength` rows every `hop`, the
 * last `validationFraction` of the rows held out (an autoencoder's early stopping, the golden window; fit-detector.ts).
 * Pure: text in, training set out; every problem names the file and what is wrong.
 */
import {
  heldInFirstRows,
  heldText,
  holdShortGaps,
  isNotChannel,
  labelColumn,
  parseSkabCsv,
  refuseStepsBack,
  rowMajor,
  textColumnsText,
  timesInMs,
  type HeldReadings,
  type ColumnRenames,
  type SkabTable,
  type TextColumn,
} from '../core/csv-table.js';
import { runningRowsOf, settledRows, stoppedRowsText } from '../core/csv-running-rows.js';
import { runningConditionText, type RunningCondition } from '../core/running-condition.js';
import type { TrainingSet } from './build-model.js';
import type { NormalData } from './fit-detector.js';
import { channelStats } from './sim-recording.js';
import { autoencoderWindows, missingMostText, noCompleteRowError, segmentRows, segmentsText } from './segments.js';

export interface CsvTrainingOptions {
  readonly name: string;
  readonly channels?: readonly string[];
  readonly windowLength: number;
  readonly hop: number;
  /** Default: the median spacing of the time column. */
  readonly periodMs?: number;
  readonly validationFraction: number;
  readonly hidden: readonly number[];
  /** Columns read under another name (--rename). */
  readonly rename?: ColumnRenames;
  /** The rows the model learnt from (its training.running_when): the others are left out, as train left them. */
  readonly runningWhen?: RunningCondition;
  /** The settle time after a restart the model learnt with (0: none). */
  readonly runningSettleMs?: number;
}

/** The columns left out of the channels (those that name the run, those of text), for the model's record of its data;
 * '' where none. */
function leftOutNames(table: SkabTable): string {
  const run = table.runColumns ?? [];
  const text = table.textColumns ?? [];
  return (
    (run.length > 0 ? ` (run ${run.map((k) => `${k.name} ${k.value}`).join(', ')})` : '') +
    (text.length > 0 ? ` (text left out: ${textColumnsText(text)})` : '')
  );
}

/** The renamed columns, for the model's record of its data; '' where none. */
export function renamesText(rename: ColumnRenames | undefined): string {
  if (!rename || rename.size === 0) return '';
  return ` (renamed: ${[...rename].map(([from, to]) => `${from} → ${to}`).join(', ')})`;
}

/** Rows of normal operation from a CSV: the chosen channels (default all but labels), the first `rows` rows if given.
 * */
export function csvNormalData(
  text: string,
  file: string,
  o: {
    readonly name: string;
    readonly channels?: readonly string[];
    readonly periodMs?: number;
    readonly rows?: number;
    /** Columns read under another name (--rename). */
    readonly rename?: ColumnRenames;
    /** How long a missing reading is held, as an asset's `max_sample_age_ms` (--max-sample-age-ms; default 5 s). */
    readonly maxSampleAgeMs?: number;
    /** Learn only the rows where the machine runs (--running-when; csv-running-rows.ts): the others are left out. */
    readonly runningWhen?: RunningCondition;
    /** The settle time after a restart (--running-settle-ms); estimated from the rows' restarts where not given. */
    readonly runningSettleMs?: number;
  },
): NormalData & {
  readonly missing: readonly HeldReadings[];
  readonly textColumns?: readonly TextColumn[];
  /** Rows trained on that the file's `anomaly` column labels anomalous (learnt as normal all the same), and the
   * first of them (1-based). */
  readonly labelledAnomalous?: { readonly rows: number; readonly first: number };
  /** How the rows were learnt around pauses and missing readings, for a person (segmentsText); absent where the rows
   * run on without a break. */
  readonly breaks?: string;
  /** The file's units row (csv-units-row.ts): its line and the units it gave; `units` holds each channel's. */
  readonly unitsRow?: { readonly line: number; readonly units: readonly string[] };
  /** Rows of the first `rows` left out as not running (--running-when), and the condition; absent without it. */
  readonly stopped?: { readonly rows: number; readonly text: string };
  /** The settle time after a restart used (ms; 0 for none) and how it was found; absent without --running-when. */
  readonly settle?: { readonly ms: number; readonly how: string };
} {
  const table = parseSkabCsv(text, file, {
    ...(o.rename ? { rename: o.rename } : {}),
    ...(o.runningWhen ? { textCellsOf: [o.runningWhen.channel] } : {}),
  });
  const available = table.header.slice(1);
  // The running condition's column is no channel unless --channels names it (a RUN bit is no reading to learn).
  const channels =
    o.channels && o.channels.length > 0
      ? [...o.channels]
      : available.filter((h) => !isNotChannel(h) && h !== o.runningWhen?.channel);
  const missing = channels.filter((c) => !table.columns.has(c));
  const textual = (table.textColumns ?? []).filter((t) => missing.includes(t.name));
  if (textual.length > 0)
    throw new Error(`${file}: column ${textColumnsText(textual)} holds text, not readings: no model reads it`);
  if (missing.length > 0)
    throw new Error(`${file}: no column ${missing.map((m) => `"${m}"`).join(', ')} (columns: ${available.join(', ')})`);
  if (channels.length === 0) throw new Error(`${file}: no channel to train on`);
  const all = table.times.length;
  if (o.rows !== undefined && o.rows > all)
    throw new Error(`${file}: --train-rows ${o.rows}: the file has ${all} rows`);
  const n = o.rows ?? all;
  const { periodMs, times } = timesInMs(table, file, o.periodMs, n);
  // A gap no longer than the gateway holds a reading is held; the rows of a longer one are left out, and the rows are
  // learnt from in segments around it and around pauses, no window spanning a break (segments.ts). Rows that go back
  // in time are refused.
  // Said of the rows learnt from: the first n (--train-rows), not the whole file.
  const wholeFile = holdShortGaps(table, channels, periodMs, times, o.maxSampleAgeMs);
  const held = n < all ? heldInFirstRows(wholeFile, table.missing ?? [], n) : wholeFile;
  refuseStepsBack(times, n, file, periodMs);
  const readings = rowMajor(table, channels, n);
  const running = o.runningWhen
    ? settledRows(
        runningRowsOf(table, o.runningWhen, file, n),
        readings,
        channels.length,
        times,
        periodMs,
        o.runningSettleMs,
      )
    : undefined;
  const segmented = segmentRows(readings, channels.length, times, periodMs, n, running?.running);
  if (segmented.rowCount === 0 && running && running.stoppedRows > 0) {
    const held = (table.textColumns ?? []).filter((t) => t.name === running.condition.channel);
    throw new Error(
      `${file}: --running-when ${runningConditionText(running.condition)}: ${running.stoppedRows === n ? `none of the ${n} rows runs` : 'no row that runs has a reading of every channel'}` +
        `${held.length > 0 ? ` (the column holds ${textColumnsText(held)})` : ''}: check the condition, or learn from rows where the machine runs`,
    );
  }
  if (segmented.rowCount === 0) throw noCompleteRowError(file, readings, channels, n);
  const { rows } = segmented;
  const missingMost = missingMostText(readings, channels, n, segmented.leftOutRows);
  const breaks = [segmentsText(segmented, running?.settlingRows), missingMost].filter(Boolean).join('; ');
  const labels = labelColumn(table, 'anomaly');
  let anomalous = 0;
  let first = 0;
  // Among the rows learnt from: a row left out for lack of a reading is not learnt as normal.
  const kept = segmented.sourceRows;
  for (let k = 0; labels && k < segmented.rowCount; k++) {
    const i = kept ? kept[k] : k;
    if (labels[i] === 0 || Number.isNaN(labels[i])) continue;
    anomalous++;
    if (first === 0) first = i + 1;
  }
  return {
    name: o.name,
    source: `${o.rows !== undefined ? `${file}: first ${n} rows` : file}${renamesText(o.rename)}${leftOutNames(table)}${table.countedRows ? ' (no time column: rows counted as samples)' : ''}${o.maxSampleAgeMs !== undefined ? ` (readings held up to ${o.maxSampleAgeMs} ms: --max-sample-age-ms)` : ''}${held.length > 0 ? ` (missing readings: ${heldText(held, 'not learnt from')})` : ''}${breaks ? ` (${breaks})` : ''}${running ? ` (running when ${runningConditionText(running.condition)}: ${running.stoppedRows} row(s) not running left out${running.settle?.ms ? `, ${running.settlingRows ?? 0} settling within ${running.settle.ms} ms of a restart` : ''})` : ''}`,
    channels,
    periodMs,
    rows,
    rowCount: segmented.rowCount,
    ...(segmented.segmentStarts.length > 0 ? { segmentStarts: segmented.segmentStarts } : {}),
    ...(segmented.sourceRows ? { sourceRows: segmented.sourceRows } : {}),
    ...(breaks ? { breaks } : {}),
    missing: held,
    ...(table.unitsRow
      ? {
          units: channels.map((c) => table.unitsRow!.units.get(c) ?? ''),
          unitsRow: { line: table.unitsRow.line, units: [...table.unitsRow.units.values()] },
        }
      : {}),
    ...(table.textColumns ? { textColumns: table.textColumns } : {}),
    ...(anomalous > 0 ? { labelledAnomalous: { rows: anomalous, first } } : {}),
    ...(running ? { stopped: { rows: running.stoppedRows, text: stoppedRowsText(running, n) } } : {}),
    ...(running?.settle ? { settle: running.settle } : {}),
  };
}

export function csvTrainingSet(text: string, file: string, o: CsvTrainingOptions): TrainingSet {
  const { channels, periodMs, rows, rowCount: n, segmentStarts = [] } = csvNormalData(text, file, o);
  const split = Math.floor(n * (1 - o.validationFraction));
  const W = o.windowLength;
  const windows = autoencoderWindows(
    rows,
    channels.length,
    n,
    { length: W, split, heldOutFrom: split + W - 1, hop: o.hop },
    segmentStarts,
  );
  if (windows.train.length === 0 || windows.validation.length === 0) {
    throw new Error(
      `${file}: ${n} rows give ${split} training and ${n - split} validation rows; each needs at least one window of ${W}${segmentStarts.length > 0 ? ' rows in a row (no window spans a break)' : ''}`,
    );
  }
  const { mean, std } = channelStats({
    channels,
    periodMs,
    rows: rows.subarray(0, split * channels.length),
    rowCount: split,
  });
  return {
    name: o.name,
    description: `Dense autoencoder over ${W}-sample windows of ${channels.length} channels from ${file}, int8 QDQ; the graph normalises raw windows and outputs the score and per-channel errors.`,
    data: `${file}: ${split} rows for training, the last ${n - split} for validation, sample period ${periodMs} ms`,
    channels: channels.map((name) => ({ name, unit: '' })),
    windowLength: W,
    periodMs,
    hidden: o.hidden,
    ...windows,
    validationNote: `the last ${Math.round(o.validationFraction * 100)}% of ${file}`,
    mean,
    std,
  };
}
