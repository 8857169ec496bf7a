/**
 * A labelled data set of the simulated press's cycles (pure: options in, file texts out), for part models: each file
 * the press polled every 200 ms as the gateway polls it (recordPressRows), its first hour normal, then a bad press-fit
 * for ten minutes at a severity that differs from file to file, then normal parts again; labels mark the rows while the
 * fault acts. `anomaly-free.csv` is an hour of normal cycles. The same options give the same bytes.
 */
import type { FaultSpec } from '../sim/faults.js';
import { recordPressRows, type PressTicks } from './sim-recording.js';

export const PRESS_PERIOD_MS = 200;
/** Seconds of normal cycles at the start of every labelled file (the rows to fit on), and of anomaly-free.csv. */
export const PRESS_NORMAL_S = 3600;
const FILE_S = 5400;
const FAULT_S = 600;
/** The bad press-fit's severity, file after file: from barely visible to plain. */
export const PRESS_SEVERITIES = [0.15, 0.3, 0.45, 0.6] as const;
const T0 = Date.UTC(2026, 0, 5, 6);
/** The quality system's table of the labelled files' parts (file, part_id, result OK/NOK). */
export const PRESS_PART_RESULTS = 'part-results.csv';

export interface PressDatasetFile {
  readonly name: string;
  readonly text: string;
  readonly severity: number;
  readonly faultStartS: number;
  readonly anomalyRows: number;
}

export interface PressDataset {
  readonly files: readonly PressDatasetFile[];
  readonly anomalyFree: string;
  /** Rows of normal operation at the start of each labelled file: eval --train-rows. */
  readonly trainRows: number;
}

/**
 * One recording of the press polled every 200 ms as CSV text: Unix-ms times, the press's channels, and where a fault
 * is given, `anomaly` (1 while it acts, to the end where it has no duration) and `changepoint` labels. `ticks`: where
 * the simulator's ticks fall (recordPressRows; the data set's files: `cycle`).
 */
export function pressRecordingCsv(
  seed: number,
  seconds: number,
  fault?: FaultSpec,
  ticks?: PressTicks,
): { text: string; anomalyRows: number } {
  const rec = recordPressRows(seed, seconds, PRESS_PERIOD_MS, fault ? [fault] : [], ticks);
  const c = rec.channels.length;
  const lines = [`timestamp,${rec.channels.join(',')}${fault ? ',anomaly,changepoint' : ''}`];
  let previous = 0;
  let anomalyRows = 0;
  for (let t = 0; t < rec.rowCount; t++) {
    const s = rec.ts[t] / 1000;
    const cells = [Math.round(T0 + rec.ts[t]), ...rec.rows.subarray(t * c, (t + 1) * c)];
    if (fault) {
      const a = s >= fault.start_s && s < fault.start_s + (fault.duration_s ?? Infinity) ? 1 : 0;
      cells.push(a, a !== previous ? 1 : 0);
      anomalyRows += a;
      previous = a;
    }
    lines.push(cells.join(','));
  }
  return { text: lines.join('\n') + '\n', anomalyRows };
}

export function generatePressDataset(o: { readonly files: number; readonly seed: number }): PressDataset {
  const files = Array.from({ length: o.files }, (_, i) => {
    const severity = PRESS_SEVERITIES[i % PRESS_SEVERITIES.length];
    const faultStartS = PRESS_NORMAL_S + 300 + 120 * (i % 5);
    const fault: FaultSpec = {
      type: 'bad_press_fit',
      start_s: faultStartS,
      duration_s: FAULT_S,
      severity,
      ramp_s: 0,
    };
    const { text, anomalyRows } = pressRecordingCsv(o.seed * 1000 + i + 1, FILE_S, fault);
    return { name: `bad-press-fit-${i + 1}`, text, severity, faultStartS, anomalyRows };
  });
  return {
    files,
    anomalyFree: pressRecordingCsv(o.seed * 1000, PRESS_NORMAL_S).text,
    trainRows: (PRESS_NORMAL_S * 1000) / PRESS_PERIOD_MS,
  };
}

/** The data set's README: how it was made, how to fit and measure a part model on it, and each file's fault. */
export function pressDatasetReadme(ds: PressDataset, o: { readonly files: number; readonly seed: number }): string {
  const cut = '--cycle-channel cycle_active --part-id-channel part_counter';
  return [
    '# Press cycles: a labelled data set for part models',
    '',
    `Written by \`linewatch dataset --preset press\` (src/training/press-dataset.ts): seed ${o.seed}, ${o.files} labelled files.`,
    "The line simulator's press polled every 200 ms as the gateway polls it (Modbus registers decoded, polls at every phase",
    'of the cycle): `force` (kN) and `position` (mm), the curves of each pressed part; `cycle_active`, 1 while a part is',
    'pressed; `part_counter`, the part number. Times are Unix ms. The same options give the same bytes.',
    '',
    `Each labelled file lasts ${FILE_S / 60} min: its first ${PRESS_NORMAL_S / 60} min (rows 0–${ds.trainRows - 1}) are normal parts, then a bad`,
    `press-fit for ${FAULT_S / 60} min, then normal parts again. \`anomaly\` is 1 while the fault acts; a part is bad where any of its rows is.`,
    '`anomaly-free.csv` is an hour of normal parts (another seed).',
    `\`${PRESS_PART_RESULTS}\` is the same labels as a quality system exports them: each part's file, id and OK or NOK.`,
    '',
    '```sh',
    `linewatch train --csv anomaly-free.csv ${cut} --out press-model`,
    `linewatch eval --data . ${cut} --train-rows ${ds.trainRows}`,
    `linewatch eval --data . ${cut} --train-rows ${ds.trainRows} --part-labels ${PRESS_PART_RESULTS}`,
    '```',
    '',
    '| file | bad press-fit severity | fault from (s) | anomalous rows |',
    '|---|---:|---:|---:|',
    ...ds.files.map((f) => `| ${f.name}.csv | ${f.severity} | ${f.faultStartS} | ${f.anomalyRows} |`),
    '',
  ].join('\n');
}
