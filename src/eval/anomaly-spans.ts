/**
 * `eval --anomaly FROM/TO`: a recorded fault labelled by its start and end time (a maintenance log's, an operator's
 * note) instead of an `anomaly` column. Each span is read as the CSV's time column reads its cells (an ISO 8601 date
 * and time with its offset or Z, one without where the file's dates have none, or the file's own plain numbers), and
 * marks the rows whose time lies in it, both ends included (spans may touch, not overlap). Spans name times, not
 * files: under a folder each one labels the file(s) with rows in it. Every refusal names the span as given and what is
 * wrong. Pure.
 */
import { TimeColumn } from '../core/time-cells.js';
import { UNIX_UNITS, unitlessTimes, type TableTimes } from '../core/csv-times.js';

export interface AnomalySpan {
  /** As given on the command line, and its place among the spans (1-based) where there are several. */
  readonly text: string;
  readonly where: string;
  readonly from: number;
  readonly to: number;
  /** Plain numbers (the file's own time unit), a date with its offset or Z, or a date without one (local time). */
  readonly kind: TimeKind;
}

export type TimeKind = 'number' | 'zoned' | 'local';

/** A file's time column as the spans are matched to it. */
export interface SpanFile {
  /** The file as messages name it. */
  readonly name: string;
  /** Its times as its time column reads them: plain numbers as written (Unix times: ms), dates in ms. */
  readonly times: ArrayLike<number>;
  readonly kind: TimeKind;
  /** Plain numbers read as Unix times (s, µs, ns, ms): a span's plain numbers are scaled by this to ms. */
  readonly unixToMs?: number;
  /** The file's own label column, where it has one: a span there is refused (two sources of truth). */
  readonly labelColumn?: string;
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}/;

/** One end of a span, read as a time cell is. */
function spanTime(cell: string, where: string): { t: number; kind: TimeKind } {
  const column = new TimeColumn(1, '', '', () => 0);
  const bad = () =>
    new Error(
      `${where}: "${cell}" is not a time: expected an ISO 8601 date and time with its offset or Z ` +
        "(2026-12-06T09:03:10Z, 2026-12-06T10:03:10+01:00), or the file's own plain-number times (120.5)",
    );
  if (!/^[-+]?\d/.test(cell)) throw bad();
  try {
    column.read(0, 0, cell);
  } catch {
    throw bad();
  }
  if (!column.numeric && !ISO_DAY.test(cell)) throw bad();
  const t = column.times[0];
  if (!Number.isFinite(t)) throw bad();
  return { t, kind: column.numeric ? 'number' : column.zoned ? 'zoned' : 'local' };
}

/** The spans of `--anomaly` flags: each FROM/TO read, its end not before its start, none overlapping another. */
export function parseAnomalySpans(texts: readonly string[]): AnomalySpan[] {
  const spans = texts.map((text, i) => {
    const where = `--anomaly ${text}${texts.length > 1 ? ` (#${i + 1} of ${texts.length})` : ''}`;
    const ends = text.split('/').map((s) => s.trim());
    if (ends.length !== 2 || ends.some((e) => e === ''))
      throw new Error(`${where}: expected FROM/TO, a start and an end time separated by "/"`);
    const [from, to] = ends.map((e) => spanTime(e, where));
    if (from.kind !== to.kind)
      throw new Error(
        `${where}: its start is written as ${KIND_TEXT[from.kind]}, its end as ${KIND_TEXT[to.kind]}; write both as the file's time column does`,
      );
    if (to.t < from.t) throw new Error(`${where}: its end ${ends[1]} is before its start ${ends[0]}`);
    return { text, where, from: from.t, to: to.t, kind: from.kind };
  });
  for (const kind of ['number', 'zoned', 'local'] as const) {
    const sorted = spans.filter((s) => s.kind === kind).sort((a, b) => a.from - b.from || a.to - b.to);
    for (let i = 1; i < sorted.length; i++) refuseOverlap(sorted[i - 1], sorted[i]);
  }
  return spans;
}

/**
 * Refuses two spans (`a` starting no later than `b`) that share more than an instant: a stretch of time in both is two
 * faults at once or one written twice. Spans that touch (one's end the next one's start, as a maintenance log writes a
 * fault that ends as the next begins) are taken: a row at that very time lies in both and is labelled anomalous, once.
 * A span of one instant at another's end is no second fault, and the same span twice is one given twice: both refused.
 */
function refuseOverlap(a: AnomalySpan, b: AnomalySpan): void {
  const touching = b.from === a.to && a.from < a.to && b.from < b.to;
  if (b.from > a.to || touching) return;
  throw new Error(
    `--anomaly ${a.text} and --anomaly ${b.text} overlap: a stretch of time lies in both (two faults at once, or one given twice); give one span from the first start to the last end, or spans that touch (one's end the next one's start)`,
  );
}

const KIND_TEXT: Record<TimeKind, string> = {
  number: 'plain numbers',
  zoned: 'dates with their offset or Z',
  local: 'dates without an offset (local time)',
};

/** A span's ends in the units of a file's times, or undefined where the file's times are of another kind. */
function spanIn(span: AnomalySpan, f: SpanFile): { from: number; to: number } | undefined {
  if (span.kind === f.kind) {
    const k = span.kind === 'number' ? (f.unixToMs ?? 1) : 1;
    return { from: span.from * k, to: span.to * k };
  }
  // Unix times are absolute: a date with its offset compares with them in ms.
  if (span.kind === 'zoned' && f.unixToMs !== undefined) return span;
  return undefined;
}

/** The rows of `times` in [from, to]. */
function rowsIn(times: ArrayLike<number>, from: number, to: number): number {
  let n = 0;
  for (let i = 0; i < times.length; i++) if (times[i] >= from && times[i] <= to) n++;
  return n;
}

/** The runs of consecutive rows of `times` in [from, to], as [first, last] row indices. */
function runsIn(times: ArrayLike<number>, from: number, to: number): [number, number][] {
  const runs: [number, number][] = [];
  for (let i = 0; i < times.length; i++) {
    if (!(times[i] >= from && times[i] <= to)) continue;
    const last = runs[runs.length - 1];
    if (last && last[1] === i - 1) last[1] = i;
    else runs.push([i, i]);
  }
  return runs;
}

/**
 * Refuses a span whose rows in a file are not one run: its times come twice there (local times across the autumn
 * clock change) or the rows are out of order, and the span would label rows far apart, as one fault.
 */
function refuseSplitRows(span: AnomalySpan, f: SpanFile, from: number, to: number): void {
  const runs = runsIn(f.times, from, to);
  if (runs.length < 2) return;
  const rows = runs.slice(0, 2).map(([a, b]) => `${a + 1}-${b + 1}`);
  throw new Error(
    `${span.where}: the rows of ${f.name} in it are not one run (rows ${rows.join(' and ')}${runs.length > 2 ? ', …' : ''}): ` +
      (f.kind === 'local'
        ? 'its times come twice there (local times stepping back, as at a daylight-saving change), so the span cannot say which; label those rows with an anomaly column'
        : 'its times step back in between (rows out of time order), so the span cannot say which rows are meant; sort the file by time'),
  );
}

/** A file's time range as its time column writes it. */
function rangeText(f: SpanFile): string {
  const [a, b] = [f.times[0], f.times[f.times.length - 1]];
  const text = (t: number) =>
    f.kind === 'number' && f.unixToMs === undefined
      ? String(t)
      : new Date(t).toISOString().replace(f.kind === 'local' ? 'Z' : '', '');
  return `${f.name} runs from ${text(a)} to ${text(b)}`;
}

/**
 * Which spans label which file: each span must hold rows of at least one file, in none that has its own label column,
 * and plain numbers (each file's own clock) of one file only. Returns the spans of each file that has any.
 */
export function spansByFile(spans: readonly AnomalySpan[], files: readonly SpanFile[]): Map<string, AnomalySpan[]> {
  const byFile = new Map<string, AnomalySpan[]>();
  const only = files.length === 1 ? files[0] : undefined;
  if (only?.labelColumn !== undefined)
    throw new Error(
      `--anomaly ${spans.map((s) => s.text).join(', ')}: ${only.name} has an "${only.labelColumn}" column, which labels its rows already: give its faults there or by --anomaly, not both`,
    );
  for (const span of spans) {
    const hit = files.filter((f) => {
      const s = spanIn(span, f);
      return s !== undefined && f.times.length > 0 && rowsIn(f.times, s.from, s.to) > 0;
    });
    if (hit.length === 0) {
      const kinds = files.filter((f) => spanIn(span, f) === undefined);
      const kindText =
        kinds.length > 0
          ? `; its times are ${KIND_TEXT[span.kind]}, ${kinds.length === files.length ? '' : 'in '}${kinds
              .map((f) => `${f.name}'s are ${f.unixToMs !== undefined ? 'Unix times' : KIND_TEXT[f.kind]}`)
              .join(', ')}: write them as the file's time column does`
          : '';
      const shown = files.filter((f) => f.times.length > 0 && spanIn(span, f) !== undefined).slice(0, 6);
      throw new Error(
        `${span.where}: no row of ${files.length === 1 ? files[0].name : `the ${files.length} files`} lies in it` +
          (shown.length > 0 ? ` (${shown.map(rangeText).join('; ')}${files.length > shown.length ? '; …' : ''})` : '') +
          kindText,
      );
    }
    const labelled = hit.find((f) => f.labelColumn !== undefined);
    if (labelled)
      throw new Error(
        `${span.where}: ${labelled.name} has an "${labelled.labelColumn}" column, which labels its rows already: give its faults there or by --anomaly, not both`,
      );
    if (span.kind === 'number' && hit.length > 1)
      throw new Error(
        `${span.where}: plain-number times are each file's own clock, and ${hit
          .slice(0, 3)
          .map((f) => f.name)
          .join(', ')}${hit.length > 3 ? ', …' : ''} all have rows in it: give one file with --data FILE`,
      );
    for (const f of hit) {
      const s = spanIn(span, f)!;
      refuseSplitRows(span, f, s.from, s.to);
      byFile.set(f.name, [...(byFile.get(f.name) ?? []), span]);
    }
  }
  return byFile;
}

/** The anomaly label of each row: 1 where its time lies in one of the file's spans. */
export function spanLabels(f: SpanFile, spans: readonly AnomalySpan[]): Float64Array {
  const labels = new Float64Array(f.times.length);
  for (const span of spans) {
    const s = spanIn(span, f);
    if (!s) continue;
    for (let i = 0; i < f.times.length; i++) if (f.times[i] >= s.from && f.times[i] <= s.to) labels[i] = 1;
  }
  return labels;
}

/** A parsed table's time column as the spans are matched to it (`labelColumn`: its label column, if any). */
export function spanFile(table: TableTimes, name: string, labelColumn?: string): SpanFile {
  const unix = table.numericTimes === true && !unitlessTimes(table);
  return {
    name,
    times: table.times,
    kind: table.numericTimes ? 'number' : table.zonedTimes ? 'zoned' : 'local',
    ...(unix ? { unixToMs: UNIX_UNITS.find((u) => u.unit === table.unixUnit)?.toMs ?? 1 } : {}),
    ...(labelColumn !== undefined ? { labelColumn } : {}),
  };
}
