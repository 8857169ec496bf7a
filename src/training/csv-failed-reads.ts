/**
 * A recording's row with no reading but its time (pure): `linewatch export`'s mark of a pause (a row written just after
 * the row before it, store-recording.ts), or a poll whose every read failed (a timeout, an exception answer, the
 * connection down: a row of its own, a poll after the one before). The gateway held each channel's last reading over
 * the failed reads (row-assembler.ts), its trigger's too: no part ends or starts at such a row, and a part that starts
 * right after it was not seen from its start (cycle-window.ts TRIGGER_READ_FAILED). Before 2026-12-08 csv-parts read
 * both as a pause in the recording.
 */
import { readingStands } from '../core/reading-age.js';
import { DEFAULT_MAX_SAMPLE_AGE_MS, type Row } from '../windows/row-assembler.js';

/** Each reading of a recording's row channels (the curves and the trigger), newest, as the gateway holds them. */
export class HeldReadings {
  private readonly values: Float64Array;
  private readonly times: Float64Array;

  constructor(
    /** The cells held: the row's (its curves, the trigger, a part id column). */
    width: number,
    /** How long a reading is held either side of a row (the asset's window max_sample_age_ms, as csv-parts's). */
    private readonly maxAgeMs = DEFAULT_MAX_SAMPLE_AGE_MS,
  ) {
    this.values = new Float64Array(width).fill(Number.NaN);
    this.times = new Float64Array(width).fill(Number.NaN);
  }

  /** A row's readings at `ts` (its cells with a number; the first `width` of `values`). */
  read(ts: number, values: ArrayLike<number>): void {
    for (let j = 0; j < this.values.length; j++)
      if (Number.isFinite(values[j])) [this.values[j], this.times[j]] = [values[j], ts];
  }

  /**
   * The gateway's row for a poll whose every read failed at `ts` (`row`: its cells, a part id column's held by export):
   * each reading without a cell held where it stands for the row (readingStands: within the hold either side of it;
   * Row.held names those), else none (stale);
   * incomplete, so that the part it falls in is not learned from.
   */
  failedRow(ts: number, row: ArrayLike<number>): Row {
    const values = Float64Array.from(row);
    const held: number[] = [];
    for (let j = 0; j < this.values.length; j++)
      if (!Number.isFinite(values[j]) && readingStands(this.times[j], ts, this.maxAgeMs)) {
        values[j] = this.values[j];
        held.push(j);
      }
    const why =
      `every read failed at ${new Date(ts).toISOString()} (a row with no reading but its time, a poll's: ` +
      'the gateway held the last readings over it)';
    return { ts, values, complete: false, why, ...(held.length > 0 ? { held } : {}) };
  }
}
