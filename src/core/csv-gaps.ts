/**
 * A channel's missing readings in a CSV (blank, NaN, NA, null cells): where they are, and which of them a gateway
 * would hold at the last reading (a gap no longer than it holds one) and which it would leave unscored.
 */
import { HOLD_MS, isPause, isPauseMark } from './csv-pauses.js';
import { readingStands } from './reading-age.js';

export { HOLD_MS };

/** A channel's missing readings: how many, the first one's line, and each run of them (its first row, length, line). */
export interface MissingCells {
  readonly column: string;
  readonly cells: number;
  readonly firstLine: number;
  readonly gaps: readonly { readonly row: number; readonly rows: number; readonly line: number }[];
}

/** The runs of NaN in a column: first row, length, and the line of the first. */
export function gapsOf(values: Float64Array, lineOf: (row: number) => number): MissingCells['gaps'] {
  const gaps: { row: number; rows: number; line: number }[] = [];
  for (let i = 0; i < values.length; i++) {
    if (!Number.isNaN(values[i])) continue;
    const start = i;
    while (i + 1 < values.length && Number.isNaN(values[i + 1])) i++;
    gaps.push({ row: start, rows: i - start + 1, line: lineOf(start) });
  }
  return gaps;
}

/**
 * Rows a missing reading is held for at a sample period: as long as the gateway holds one (`holdMs`, an asset's
 * `max_sample_age_ms`: by default 5 s, or `--max-sample-age-ms`), and at least one row.
 */
export const holdRows = (periodMs: number, holdMs = HOLD_MS): number => Math.max(1, Math.floor(holdMs / periodMs));

/** A channel's missing readings once gaps are held: how many were held, and the rows left open (past the hold). */
export interface HeldReadings {
  readonly column: string;
  readonly cells: number;
  readonly firstLine: number;
  readonly held: number;
  /**
   * The rows of gaps left NaN, each run from its first row not held: those past the hold of a gap longer than it (its
   * first rows held, as the gateway holds a reading), or a whole gap at a pause or (longer than the hold) before the
   * first reading. The gateway would not score windows over them.
   */
  readonly open: MissingCells['gaps'];
}

/**
 * Whether a gap spans a pause: a step from the reading before it, through its rows, to the next reading, that is itself
 * a pause (isPause: longer than pauseAfterMs at the hold `holdMs`, or back in time; `times` in ms). That is how
 * `linewatch export` marks a pause (the gateway stopped, its source down): a row with no reading just after the last
 * row before it, the next row long after, so that no window spans the pause, as none did in the gateway. Rows that
 * keep their period are no pause, however slow it is: one missed sample of a historian's 3-minute rows is held
 * (holdRows), not a pause (until 2026-12-07 the next reading's coming 6 minutes after the last made it one, contrary to
 * "at least one row").
 */
function pauseIn(
  g: MissingCells['gaps'][number],
  times: Float64Array | undefined,
  periodMs: number,
  holdMs: number,
): number | undefined {
  if (!times || g.row === 0 || g.row + g.rows >= times.length) return undefined;
  for (let i = g.row; i <= g.row + g.rows; i++) if (isPause(times[i] - times[i - 1], periodMs, holdMs)) return i;
  return undefined;
}

/**
 * The rows of a gap before the pause it spans (pauseIn's row `pause`), those the gateway held the reading over before
 * it stopped: up to the pause, or up to export's mark of it (a row with no reading of any of `columns`, just after the
 * row before it: no row of the gateway's), so that only the rows from the pause on stay open.
 */
function beforePause(
  g: MissingCells['gaps'][number],
  pause: number,
  times: Float64Array,
  periodMs: number,
  unread: (row: number) => boolean,
): MissingCells['gaps'][number] {
  const last = pause - 1;
  const mark = last >= g.row && unread(last) && isPauseMark(times[last] - times[last - 1], periodMs);
  return { ...g, rows: (mark ? last : pause) - g.row };
}

/**
 * The rows at the start of a gap (after a reading) that hold that reading: those whose time is within `holdMs` of the
 * reading's (readingStands, the gateway's rule: row-assembler.ts), or `holdMs / periodMs` of them where no times are
 * given. A gap of rows slower than the hold gets none, but one no longer than holdRows (one row: a single missed
 * sample of a historian's 3-minute rows) is held whole, as train and eval held it before.
 */
function heldAtStart(
  g: MissingCells['gaps'][number],
  times: Float64Array | undefined,
  periodMs: number,
  holdMs: number,
): number {
  let within = 0;
  if (!times) within = Math.min(g.rows, Math.floor(holdMs / periodMs));
  else while (within < g.rows && readingStands(times[g.row - 1], times[g.row + within], holdMs)) within++;
  return within === 0 && g.rows <= holdRows(periodMs, holdMs) ? g.rows : within;
}

/**
 * Holds each of `columns`' missing readings at the last reading before them, as the gateway holds a channel's last
 * sample for `max_sample_age_ms` (`holdMs`) over failed reads: each row of a gap whose time is within the hold of that
 * reading (heldAtStart). A gap longer than that has its first rows held
 * and the rest left NaN, as the gateway scored the windows that end in its first `max_sample_age_ms` and then none
 * (until 2026-12-08 the whole gap was left NaN: eval did not score windows the gateway scored, train did not learn
 * rows the gateway scored). A gap before the first reading takes that one where it is at most holdRows long; a gap that
 * spans a pause (pauseIn) is held so up to the pause (beforePause: export's mark of it, a row with no reading, not
 * held) and NaN from it on (until 2026-12-08 NaN whole, though the gateway held and scored its first rows). What stays
 * NaN is returned as open.
 * A historian's wide export writes a tag sampled every 10 s (or 60 s) on one row in ten (or sixty) of a 1 s tag's
 * rows, blank between: a hold as long as its sampling (`--max-sample-age-ms`) reads it as the gateway configured so
 * would; the default hold leaves the rows past 5 s open, and the rows without every reading out of a model's fit.
 */
export function holdShortGaps(
  table: {
    readonly columns: ReadonlyMap<string, Float64Array>;
    readonly missing?: readonly MissingCells[];
    /** A row's line (where the open rows of a gap start; else a gap's rows are taken as a line each). */
    readonly rowLine?: (row: number) => number;
  },
  columns: readonly string[],
  periodMs: number,
  times?: Float64Array,
  holdMs = HOLD_MS,
): HeldReadings[] {
  const limit = holdRows(periodMs, holdMs);
  const read = columns.map((c) => table.columns.get(c)).filter((v) => v !== undefined);
  const unread = (row: number) => read.every((v) => Number.isNaN(v[row]));
  return (table.missing ?? [])
    .filter((m) => columns.includes(m.column))
    .map((m) => {
      const values = table.columns.get(m.column)!;
      let held = 0;
      const open: MissingCells['gaps'][number][] = [];
      for (const g of m.gaps) {
        const pause = pauseIn(g, times, periodMs, holdMs);
        const hold =
          pause !== undefined
            ? heldAtStart(beforePause(g, pause, times!, periodMs, unread), times, periodMs, holdMs)
            : g.row === 0
              ? g.rows > limit
                ? 0
                : g.rows
              : heldAtStart(g, times, periodMs, holdMs);
        values.fill(g.row > 0 ? values[g.row - 1] : values[g.row + g.rows], g.row, g.row + hold);
        held += hold;
        if (hold < g.rows)
          open.push({ row: g.row + hold, rows: g.rows - hold, line: table.rowLine?.(g.row + hold) ?? g.line + hold });
      }
      return { column: m.column, cells: m.cells, firstLine: m.firstLine, held, open };
    });
}

/**
 * `readings` (holdShortGaps over a whole file) counted in its first `n` rows only: `train --train-rows N` learns from
 * those, and said the whole file's missing readings (a 30 h export's counts under "first 50400 rows", gaps from lines
 * it never read) until 2026-12-07. A gap that runs past row `n` is cut there; a channel with none before it is left
 * out.
 */
export function heldInFirstRows(
  readings: readonly HeldReadings[],
  missing: readonly MissingCells[],
  n: number,
): HeldReadings[] {
  const cut = (g: MissingCells['gaps'][number]) => ({ ...g, rows: Math.min(g.rows, n - g.row) });
  const cells = (gaps: readonly { readonly rows: number }[]) => gaps.reduce((a, g) => a + g.rows, 0);
  return readings.flatMap((r) => {
    const gaps = (missing.find((m) => m.column === r.column)?.gaps ?? []).filter((g) => g.row < n).map(cut);
    if (gaps.length === 0) return [];
    const open = r.open.filter((g) => g.row < n).map(cut);
    const all = cells(gaps);
    return [{ column: r.column, cells: all, firstLine: gaps[0].line, held: all - cells(open), open }];
  });
}

/** The channels whose missing readings heldText names one by one (those missing the most); the rest it sums up. */
export const HELD_LISTED = 3;

type Gap = MissingCells['gaps'][number];

/** The longest of `gaps` (the first of equals); undefined where there is none. */
const longestOf = (gaps: readonly Gap[]): Gap | undefined =>
  gaps.reduce<Gap | undefined>((a, g) => (a === undefined || g.rows > a.rows ? g : a), undefined);

/** What becomes of rows in a gap longer than a gateway holds a reading: eval does not score them, train does not learn
 * from them (w1's historian walk: train said "not scored"). */
export type GapFate = 'not scored' | 'not learnt from';

/** One channel's missing readings, as a report says them. */
function channelHeldText(r: HeldReadings, fate: GapFate): string {
  const longest = longestOf(r.open);
  const open = longest
    ? `, ${r.cells - r.held} in ${r.open.length} gap(s) longer than a gateway holds one (the longest left open: ${longest.rows} rows from line ${longest.line}), ${fate}`
    : '';
  return `${r.column} ${r.cells} missing (first on line ${r.firstLine}): ${r.held} held at the last reading${open}`;
}

/**
 * Missing readings as a report says them; '' where none. Each channel is named where a few miss readings; where more
 * do (a historian's export of forty channels, each with a missed sample), the HELD_LISTED that miss the most are named
 * and the others summed up, so that the line stays readable (before 2026-12-07: a sentence per channel, 10 KB for 39
 * channels). Every channel's count stays in eval's --json (missing_readings).
 */
export function heldText(readings: readonly HeldReadings[], fate: GapFate = 'not scored'): string {
  if (readings.length <= HELD_LISTED + 1) return readings.map((r) => channelHeldText(r, fate)).join('; ');
  const ranked = readings.map((r, i) => ({ r, i })).sort((a, b) => b.r.cells - a.r.cells || a.i - b.i);
  const rest = ranked.slice(HELD_LISTED).map(({ r }) => r);
  const cells = rest.reduce((a, r) => a + r.cells, 0);
  const held = rest.reduce((a, r) => a + r.held, 0);
  const gaps = rest.flatMap((r) => r.open.map((g) => ({ g, column: r.column })));
  const longest = longestOf(gaps.map(({ g }) => g));
  const where = gaps.find(({ g }) => g === longest)?.column;
  const open = longest
    ? `, ${cells - held} in ${gaps.length} gap(s) longer than a gateway holds one (the longest left open: ${longest.rows} rows from line ${longest.line}, in ${where}), ${fate}`
    : '';
  return (
    `${ranked
      .slice(0, HELD_LISTED)
      .map(({ r }) => channelHeldText(r, fate))
      .join('; ')}; ` +
    `and ${rest.length} more channels: ${cells} missing (first on line ${Math.min(...rest.map((r) => r.firstLine))}), ${held} held at the last reading${open}`
  );
}
