/**
 * eval's settle time after a restart (--running-when; restart-settle.ts): the one given (--running-settle-ms), else
 * the model's own (`--model`: its training.running_when.settle_ms, as a gateway that follows validate's warning
 * scores), else one estimated from the file's training rows' restarts, as `train` estimates it (settle-estimate.ts).
 */
import { settledRows, withSettle, type RunningRows } from '../core/csv-running-rows.js';
import type { LabelledSeries } from './labelled-csv.js';

/** The series' running rows with the settle time; the series as it is without --running-when. */
export function withEvalSettle(
  series: LabelledSeries,
  trainRows: number,
  givenMs: number | undefined,
  /** The model's own (`--model`: its training.running_when.settle_ms, read by running-when.ts learntRunningWhen). */
  modelSettleMs?: number,
): LabelledSeries {
  const r = series.running;
  if (!r) return series;
  const own = givenMs === undefined ? modelSettleMs : undefined;
  let running: RunningRows;
  if (own !== undefined)
    running = withSettle(r, series.times, { ms: own, how: `${own} ms, the model's (training.running_when.settle_ms)` });
  else {
    // Estimated on the training rows only (as train does), applied to every row.
    const c = series.channels.length;
    const n = Math.min(trainRows, series.rowCount);
    const head = { ...r, states: r.states.slice(0, n) };
    const estimated = settledRows(head, series.rows.subarray(0, n * c), c, series.times, series.periodMs, givenMs);
    running = withSettle(r, series.times, estimated.settle!);
  }
  return { ...series, running };
}
