/**
 * Normal operation as `linewatch eval` reads it: a label-free CSV (the synthetic plant's anomaly-free run, SKAB's
 * anomaly-free.csv format) given all-zero `anomaly` and `changepoint` columns and read by readLabelledCsv, optionally
 * without some channels; and the rows of a series from a given row on, for streaming only rows the model never saw.
 * Pure: no I/O.
 */
import { readLabelledCsv, type LabelledSeries } from '../../src/eval/labelled-csv.js';

/** The CSV's rows labelled normal (anomaly 0, changepoint 0), minus the channels in `drop`. */
export function normalSeries(csv: string, file: string, drop: readonly string[] = []): LabelledSeries {
  const lines = csv.trimEnd().split('\n');
  const labelled = [`${lines[0]};anomaly;changepoint`, ...lines.slice(1).map((l) => `${l};0;0`)].join('\n');
  const all = readLabelledCsv(file, labelled);
  const unknown = drop.filter((ch) => !all.channels.includes(ch));
  if (unknown.length > 0) throw new Error(`normalSeries: ${file} has no channel(s) ${unknown.join(', ')}`);
  const keep = all.channels.map((ch, j) => j).filter((j) => !drop.includes(all.channels[j]));
  const c = all.channels.length;
  const rows = new Float64Array(all.rowCount * keep.length);
  for (let i = 0; i < all.rowCount; i++) keep.forEach((j, k) => (rows[i * keep.length + k] = all.rows[i * c + j]));
  return { ...all, channels: keep.map((j) => all.channels[j]), rows };
}

/** The rows of `series` from row `from` on (times, values and labels alike). */
export function rowsFrom(series: LabelledSeries, from: number): LabelledSeries {
  const c = series.channels.length;
  if (!(from >= 0 && from < series.rowCount))
    throw new Error(`rowsFrom: row ${from} is outside the ${series.rowCount} rows of ${series.file}`);
  return {
    ...series,
    times: series.times.subarray(from),
    rows: series.rows.subarray(from * c),
    rowCount: series.rowCount - from,
    anomaly: series.anomaly.subarray(from),
    changepoint: series.changepoint.subarray(from),
  };
}
