/**
 * `linewatch eval`'s text report (pure): one line of metrics per precision, then what was not evaluated, what each
 * file's model could not learn or learnt from fewer rows, and how the detector was fitted and the alarm raised.
 */
import type { AlarmDelays, EvalReport } from '../eval/evaluate.js';
import { heldText, textColumnsText } from '../core/csv-table.js';
import { targetText } from '../training/alarm-calibration.js';
import { termDetectorRowsText, type DetectorArch, type DetectorOptions } from '../training/fit-detector.js';
import { spanText } from '../core/span-text.js';
import { leftOutText } from '../training/constant-channels.js';

/** A detection delay as a person reads it: to the tenth of a second under a minute (4.3 s, 59.9 s), then in minutes,
 * hours or days (10.2 min, 1.5 h: spanText). The JSON report keeps `delay_s` in seconds. */
export function delayText(seconds: number): string {
  return seconds < 59.95 ? `${seconds.toFixed(1)} s` : spanText(seconds * 1000);
}

/** One precision's metrics on one line. */
export function reportLine(r: EvalReport): string {
  const delay = r.delay_s === null ? 'n/a' : delayText(r.delay_s);
  const perDay = r.false_alarms_per_day === null ? 'n/a' : r.false_alarms_per_day.toFixed(1);
  // No labelled anomaly row: F1 and MAR measure nothing (FAR and the false alarms do).
  const labelled = r.confusion.tp + r.confusion.fn > 0;
  const f1 = labelled ? r.f1.toFixed(3) : 'n/a (no labelled anomaly)';
  const mar = labelled ? `${r.mar.toFixed(2)} %` : 'n/a';
  return (
    `${r.precision.padEnd(5)} ${r.files} files  F1 ${f1}  FAR ${r.far.toFixed(2)} %  MAR ${mar}  NAB standard ${r.nab.standard.toFixed(1)}  ` +
    `low FP ${r.nab.low_fp.toFixed(1)}  low FN ${r.nab.low_fn.toFixed(1)}  delay ${delay}  spans ${r.detected_spans}  false alarms/day ${perDay}  ` +
    `(TP ${r.confusion.tp} FP ${r.confusion.fp} TN ${r.confusion.tn} FN ${r.confusion.fn})`
  );
}

/**
 * What FAR and false alarms/day each count, said where they can disagree (some FP row): FAR every row labelled normal
 * an alarm covers, an alarm held past a labelled span's end included (how many of the FP rows were so, per
 * precision); false alarms/day only the alarms that start outside any labelled span. undefined without FP rows.
 */
export function farText(reports: readonly EvalReport[]): string | undefined {
  if (!reports.some((r) => r.confusion.fp > 0)) return undefined;
  const past = reports.map((r) => `${r.precision} ${r.alarm_rows_past_span} of ${r.confusion.fp}`).join(', ');
  return (
    `FAR counts the rows labelled normal that an alarm covers (FP), those of an alarm held past the end of a ` +
    `labelled span included (${past} FP rows); false alarms/day counts only the alarms that start outside any ` +
    'labelled span'
  );
}

/** What a fit does with a file's training rows and their last `fraction`, per architecture (fit-detector.ts). */
export function rowsUse(arch: DetectorArch, fraction: number): string {
  const last = `${Math.round(fraction * 100)} %`;
  return arch === 'dense' || arch === 'conv1d'
    ? `the last ${last} held out: early stopping and the alarm calibration`
    : termDetectorRowsText(`last ${last}`);
}

/** A file's pauses as the text report and the page say them. */
export const pausesText = (count: number, longest: string): string =>
  `${count} pause(s) in the recording, where no window is scored until it fills again, as in a gateway after an ` +
  `outage (the longest: ${longest})`;

/** A file's rows left out as not running (--running-when), as the text report and the page say them. */
export const stoppedText = (rows: number): string =>
  rows === 0
    ? 'every row after the training rows runs (--running-when): none left out'
    : `${rows} row(s) after the training rows not running (--running-when) left out: not scored, not in F1, FAR, NAB or false alarms per day`;

/** A file's rows left out as settling after a restart (a settle time), as the text report and the page say them. */
export const settlingText = (rows: number): string =>
  `${rows} row(s) after the training rows settling after a restart (the settle time after --running-when's condition turns true again) left out: not scored, not in F1, FAR, NAB or false alarms per day`;

/** A file's rows with no score, as the text report and the page say them; the whole file unscored said as such. */
export function unscoredText(unscored: number, measured: number): string {
  const why =
    'no full window ended there (a missing reading longer than the hold: 5000 ms, or --max-sample-age-ms; a pause ' +
    "and the window's refill after it), so no alarm could be raised there and they count as predicted normal";
  return unscored >= measured
    ? `no row was scored: ${why}; its F1, FAR and false alarms say nothing of the model`
    : `${unscored} of the ${measured} measured rows have no score: ${why}`;
}

/** What the text report says besides the reports' figures. */
export interface EvalTextContext {
  /** The CSVs under --data without labels, as named there, and as the report lists them. */
  readonly unlabelled: readonly string[];
  readonly unlabelledText: string;
  readonly labelName: string | undefined;
  /** The files --anomaly labelled, with the rows it marked. */
  readonly labelledBySpans: readonly string[];
  readonly trainRows: number;
  /** --model: a model folder scored, not fitted. */
  readonly model: string | undefined;
  /** The detector fitted on each file (none with --model). */
  readonly detector: Pick<DetectorOptions, 'arch' | 'validationFraction' | 'target'> | undefined;
  readonly delays: AlarmDelays;
}

/** The text report's lines, without their line ends. */
export function evalTextLines(reports: readonly EvalReport[], c: EvalTextContext): string[] {
  const out: string[] = reports.map(reportLine);
  const far = farText(reports);
  if (far) out.push(far);
  const { trainRows, delays } = c;
  if (c.unlabelled.length > 0) out.push(`not evaluated, no "${c.labelName ?? 'anomaly'}" column: ${c.unlabelledText}`);
  for (const n of reports[0].not_evaluated ?? []) out.push(`not evaluated: ${n.file}: ${n.reason}`);
  out.push(...c.labelledBySpans);
  // What each file's model could not learn, or learnt from fewer rows.
  for (const f of reports[0].perFile) {
    if (f.left_out)
      out.push(`${f.file}: ${leftOutText(f.left_out.map((k) => ({ name: k.channel, value: k.constant })))}`);
    if (f.anomalous_training_rows)
      out.push(
        `${f.file}: ${f.anomalous_training_rows} of the ${trainRows} rows its model was fitted on are labelled anomalous and were learnt as normal (the rows before them could not be fitted on: ${f.fit_before_fault_failed ?? 'unknown'})`,
      );
    if (f.unscored_rows) out.push(`${f.file}: ${unscoredText(f.unscored_rows, f.measured_rows ?? f.unscored_rows)}`);
    if (f.stopped_rows !== undefined) out.push(`${f.file}: ${stoppedText(f.stopped_rows)}`);
    if (f.settling_rows) out.push(`${f.file}: ${settlingText(f.settling_rows)}`);
    if (f.pauses) out.push(`${f.file}: ${pausesText(f.pauses.count, f.pauses.longest)}`);
    if (f.missing_readings)
      out.push(
        `${f.file}: missing readings: ${heldText(
          f.missing_readings.map((m) => ({
            column: m.channel,
            cells: m.cells,
            firstLine: m.first_line,
            held: m.held,
            open: m.gaps_not_scored.map((g) => ({ row: 0, rows: g.rows, line: g.line })),
          })),
        )}`,
      );
    if (f.run_columns)
      out.push(
        `${f.file}: left out, they name the run (one value in every row): ${f.run_columns.map((k) => `${k.column} (${k.value})`).join(', ')}`,
      );
    if (f.text_columns)
      out.push(
        `${f.file}: left out, they hold text, not readings: ${textColumnsText(f.text_columns.map((t) => ({ ...t, name: t.column })))}`,
      );
    if (f.rows_counted_as_samples)
      out.push(`${f.file}: no time column; its rows are counted as samples one sample period apart`);
    if (f.changepoints_from_labels)
      out.push(
        `${f.file}: no changepoint column; NAB's changepoints are its anomaly labels' edges (each span's first row and the first normal row after it)`,
      );
    if (f.fitted_rows !== undefined)
      out.push(
        `${f.file}: fitted on its first ${f.fitted_rows} rows, those before its first labelled anomaly (metrics on the rows after the first ${trainRows}, as for every file)`,
      );
  }
  out.push(
    c.model
      ? `model ${c.model}, scored on every row; metrics on ${trainRows > 0 ? `the rows after the first ${trainRows}` : 'every row'}; causal`
      : `detector: ${c.detector!.arch}, fitted on the first ${trainRows} rows of each file (${rowsUse(c.detector!.arch, c.detector!.validationFraction)}), alarm calibrated for ${targetText(c.detector!.target)}; one configuration for every file; causal`,
  );
  out.push(
    `alarm, as a gateway raises it: raised when the score stays above the model's alarm threshold for ${delays.onDelayMs} ms (alarm.on_delay_ms), or above its clear level for ${delays.sustainMs === undefined ? "a window's span" : `${delays.sustainMs} ms`} (alarm.sustain_ms); cleared when it stays below the clear level, or the model's largest normal score where that is lower, for ${delays.offDelayMs} ms (alarm.off_delay_ms); that lower level holds it for at most the sustain time`,
  );
  return out;
}
