/**
 * Where a source's rows go, and which of them is held back (pure): the one rule by which the gateway's rows
 * (row-assembler.ts, asset-windows.ts) and a recording's parts (training/csv-parts.ts) are placed.
 *
 * A row stamped before its source's last row by up to the age limit came late: it goes at that row's time (rowTime).
 *
 * A row of held values overtaken: an OPC UA server that stalls sends, at its next publish, the values it holds (every
 * value as the row before's) stamped at the publish, and then the rows it held back, stamped before it. Placed after
 * it, they make a flat row and then a jump, and a stalled good part fails (a stalled press set: 137 false rejects of
 * about 200 stalled good parts; docs/detection-history.md). So a row whose values are all as the row before's waits
 * for the next one where its source came late in the recent past (`holdsBack`): where the next row comes stamped
 * before it (`overtakes`), it is dropped and counted, the source's last row taken back to the one before it (the
 * backlog goes by its own stamps), and it counts as lateness; otherwise it goes, before the next row. It waits for one
 * row at most (one batch in the gateway, whichever source's).
 *
 * The recent past: since the source's last late row, no longer than the longest it has gone between two late rows, and
 * at least the age limit (`max_sample_age_ms`: the furthest a late row may trail and still be placed as late). Whether
 * a source delivers late is its server's or device's own behaviour, which no constant knows: one that stalls every
 * minute is held back between its stalls, one late once (a reconnection's backlog) only for the age limit after it.
 * A stall after a longer quiet spell than any before is missed once; the span then covers it. A source never seen
 * late is never held back: its rows go as they came, with no batch's wait.
 */

/**
 * Where a source's row stamped `ts` goes after its row at `lastTs`: at `lastTs` where it came up to `maxAgeMs` late
 * (`late`: by how much), else at its stamp (on time, or a clock set back further than that).
 */
export function rowTime(lastTs: number | undefined, ts: number, maxAgeMs: number): { ts: number; late?: number } {
  const back = (lastTs ?? ts) - ts;
  return back > 0 && back <= maxAgeMs ? { ts: ts + back, late: back } : { ts };
}

/** Whether a row's values are all as the row before's (NaN as NaN): a row of held values. */
export function sameValues(values: ArrayLike<number>, before: ArrayLike<number>, width = values.length): boolean {
  for (let i = 0; i < width; i++) if (!Object.is(values[i], before[i])) return false;
  return true;
}

/** One source's rows: where each goes, and whether one of held values waits for the next. */
export class SourceRows {
  /** The time of the source's last row: its next goes no earlier, within the age limit. */
  private last: number | undefined;
  /** The time of its row before that one (where an overtaken row takes it back to). */
  private before: number | undefined;
  /** The time of its last late row (or overtaken one). */
  private lastLate: number | undefined;
  /** The longest it went between two late rows. */
  private longestQuiet = 0;

  constructor(private readonly maxAgeMs: number) {}

  /** Places the source's row stamped `stamp` (rowTime). */
  place(stamp: number): { ts: number; late?: number } {
    const placed = rowTime(this.last, stamp, this.maxAgeMs);
    this.before = this.last;
    this.last = placed.ts;
    if (placed.late !== undefined) this.cameLate(placed.ts);
    return placed;
  }

  /** Whether its last row, of values all as the row before's, waits for the next: the source came late recently. */
  holdsBack(): boolean {
    if (this.lastLate === undefined || this.last === undefined) return false;
    return this.last - this.lastLate <= Math.max(this.maxAgeMs, this.longestQuiet);
  }

  /**
   * Whether a row stamped `stamp` comes late behind the source's last row (one held back): that row is overtaken, and
   * the source's last row is taken back to the one before it, the lateness noted.
   */
  overtakes(stamp: number): boolean {
    if (rowTime(this.last, stamp, this.maxAgeMs).late === undefined) return false;
    this.cameLate(this.last!);
    this.last = this.before;
    return true;
  }

  private cameLate(ts: number): void {
    if (this.lastLate !== undefined) this.longestQuiet = Math.max(this.longestQuiet, ts - this.lastLate);
    this.lastLate = ts;
  }
}

/**
 * A recording's rows (one source, in the order they came) as the gateway places them: each row's time, and the rows
 * of held values overtaken (1), which the gateway drops. `sameAsBefore(t)`: whether row t's values (those a gateway's
 * row carries) are all as row t - 1's. A dropped row's time is its row before's, so that no pause is told at it.
 */
export function placeRecording(
  times: ArrayLike<number>,
  n: number,
  maxAgeMs: number,
  sameAsBefore: (t: number) => boolean,
): { at: Float64Array; dropped: Uint8Array } {
  const at = new Float64Array(n);
  const dropped = new Uint8Array(n);
  const source = new SourceRows(maxAgeMs);
  let held = -1;
  for (let t = 0; t < n; t++) {
    if (held >= 0 && source.overtakes(times[t])) {
      dropped[held] = 1;
      at[held] = held > 0 ? at[held - 1] : at[held];
    }
    at[t] = source.place(times[t]).ts;
    held = t > 0 && source.holdsBack() && sameAsBefore(t) ? t : -1;
  }
  return { at, dropped };
}
