/**
 * A recording of one asset as CSV, from the batches of samples the gateway's local store kept (pure: batches in,
 * lines out): the rows the gateway formed from them, one per batch that touched the asset, each channel's newest
 * value held (the gateway's RowAssembler), a cell left empty where that value was bad or older than the window's
 * max_sample_age_ms (a missing reading, as `train` and `eval` read it), or where the channel's read failed (a timeout,
 * an exception answer, a connection down): the gateway holds its last good reading over it, so its value is no
 * reading of the plant but a frozen one; an empty cell is the missing reading `train` and `eval` hold at the last
 * reading up to their hold (a short gap, as the gateway held it) and leave out past it, and a part with one is left
 * out, never learned as a normal curve (before 2026-12-08 the held value was written, told from a reading by nothing).
 * Held channels (a part's serial number or
 * counter, text channels) are written beside the rows, their newest reading held. The time column is Unix ms; the
 * channels' units, where given, are a units row under the header. This is the CSV `linewatch train --csv` and `eval`
 * read.
 */
import { isPause } from '../core/csv-pauses.js';
import { unitCell } from '../core/csv-units-row.js';
import type { Sample } from '../core/types.js';
import { PartIdTracker } from '../windows/asset-windows.js';
import { RowAssembler } from '../windows/row-assembler.js';

export interface RecordingSummary {
  readonly rows: number;
  /** Rows with at least one empty cell (a channel's read failed, bad or stale there). */
  readonly incompleteRows: number;
  /**
   * Steps from a row to the next longer than the age limit (the gateway stopped, or the source was down), each marked
   * by a row with no reading (not counted in `rows`).
   */
  readonly pauses: number;
  readonly from?: number;
  readonly to?: number;
}

/** What a spreadsheet takes for the start of a formula (OWASP's CSV injection list). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A cell of text as CSV writes it: quoted where it holds a separator, a quote or a line break; after a `'` where a
 * spreadsheet would take it for a formula (a text reading comes from the plant network: `=HYPERLINK(...)` as a serial
 * number would run in the spreadsheet the export is opened in), unless it is a number (`-5`).
 */
export function csvCell(text: string): string {
  const cell = FORMULA_START.test(text) && !Number.isFinite(Number(text)) ? `'${text}` : text;
  return /[",;\t\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

/**
 * A reading as a CSV cell: the shortest decimal that reads back as the same number (JavaScript's String), so that what
 * train and eval read is what the gateway stored: an int64 register's -9007199254740992 stays that, not the
 * -9007199254740990 of 15 significant digits (regression). A register scaled by 0.0001 reads 0.0289, not
 * 0.028900000000000002: the scaling makes that decimal's own double (toEngineering, sources/modbus/encoding.ts).
 */
export function readingCell(value: number): string {
  return String(value);
}

/**
 * Writes the recording's header and rows through `line` (one CSV line each, without its line break): `channels` form
 * the rows, `heldChannels` are written beside them.
 */
export function writeRecording(
  batches: Iterable<readonly Sample[]>,
  o: {
    readonly asset: string;
    /** The channels rows are formed of (the gateway's row channels: the model's, and a cycle's trigger). */
    readonly channels: readonly string[];
    /** Channels written beside them, each newest reading held (a part id, text or a number). */
    readonly heldChannels: readonly string[];
    readonly maxAgeMs: number;
    /** The asset's model's sample period: a pause is the gateway's (csv-pauses.ts isPause), not maxAgeMs alone. */
    readonly periodMs?: number;
    /** Each channel's unit (the configuration's `unit:`): written as a units row under the header, which train and
     * eval read as the channels' units (core/csv-units-row.ts); none where no channel has one. */
    readonly units?: ReadonlyMap<string, string>;
  },
  line: (text: string) => void,
): RecordingSummary {
  const rows = new RowAssembler(o.asset, o.channels, o.maxAgeMs);
  // Each held channel as the gateway holds a cycle's part id: its newest good reading, no older than the age limit.
  const held = o.heldChannels.map((c) => new PartIdTracker(o.asset, c, o.maxAgeMs));
  line(['timestamp', ...o.channels, ...o.heldChannels].map(csvCell).join(','));
  const units = [...o.channels, ...o.heldChannels].map((c) => unitCell(o.units?.get(c) ?? ''));
  if (units.some((u) => u !== undefined)) line(['', ...units.map((u) => csvCell(u ?? ''))].join(','));
  let count = 0;
  let incomplete = 0;
  let pauses = 0;
  let from: number | undefined;
  let to: number | undefined;
  for (const batch of batches) {
    for (const tracker of held) tracker.push(batch);
    const row = rows.push(batch);
    if (!row) continue;
    const cells = o.channels.map((_, i) =>
      rows.usable(i, row.ts) && !rows.heldOverFailedRead(i) ? readingCell(row.values[i]) : '',
    );
    const heldCells = held.map((tracker) => csvCell(tracker.at(row.ts) ?? ''));
    if (cells.includes('') || heldCells.includes('')) incomplete++;
    // A pause (the gateway stopped, the source down) is marked by a row with no reading just after the last row
    // before it: no part and no window spans it, as none did in the gateway, whose rule it is (longer than
    // max_sample_age_ms and 1.5x the model's period: a late poll is no pause).
    if (to !== undefined && isPause(row.ts - to, o.periodMs ?? 0, o.maxAgeMs)) {
      pauses++;
      line([String(to + 1), ...cells.map(() => ''), ...heldCells.map(() => '')].join(','));
    }
    line([String(row.ts), ...cells, ...heldCells].join(','));
    count++;
    from ??= row.ts;
    to = row.ts;
  }
  return { rows: count, incompleteRows: incomplete, pauses, ...(from !== undefined ? { from, to } : {}) };
}
