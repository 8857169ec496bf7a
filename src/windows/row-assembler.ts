/**
 * Turns batches of samples into rows of one asset's channels (pure). Each batch that carries
 * any of the asset's channels yields one row: the newest value of every channel (hold-last),
 * provided it is good and no older than `maxAgeMs`. A row with a missing, stale or bad value is
 * incomplete and is never scored as if it were normal; it says which channels made it so (`why`). A failed read
 * (`failedRead`) is no sample of its channel: the batch still makes a row, in which the channel's last value holds.
 * A source's rows never step back in time by up to the age limit: a batch whose samples are all stamped before the
 * last row of their source (a server or device that reported them late: the walk's moulder over OPC UA, a part's first
 * changes stamped 82 ms before the held values of the publish before) makes its row at that row's time, its values
 * taken in the order they came, and says by how much it was late (`late`). So a late change is never an older row that
 * a part takes as a step back (before, the part was unknown: "samples out of order"). A step back by more than the age
 * limit is a clock set back (or a stamp far ahead before it), not lateness: the row goes by its stamp, as two sources'
 * clocks do between them. A row of held values (every value as the row before's) of a source that came late in the
 * recent past is one the caller holds back for a batch (`holdsBack`): dropped where that batch comes late behind it
 * (`overtakesLast`: a stalled OPC UA server's backlog behind its publish of held values). Placed by source-rows.ts's
 * rule, which a recording's parts follow too. This is the one place batch rows are ordered; a time grid (time-grid.ts)
 * orders its own.
 */
import type { Sample } from '../core/types.js';
import { readingStands } from '../core/reading-age.js';
import { SourceRows, sameValues } from './source-rows.js';

export { DEFAULT_MAX_SAMPLE_AGE_MS } from '../core/reading-age.js';

export interface Row {
  readonly ts: number;
  readonly values: Float64Array;
  readonly complete: boolean;
  /** Of an incomplete row, where known: which channels made it so, shortly ("pressure missing; flow stale"). */
  readonly why?: string;
  /** A row marking a pause in the samples (no row for longer than a reading is held): every value NaN. */
  readonly pause?: true;
  /**
   * Of a complete row: the channels (indices) whose value is a reading held over a failed read of theirs (a timeout, an
   * exception answer, the connection down): their newest read failed, and the last good reading stands in. Absent where
   * none (windows count them: held-rows.ts).
   */
  readonly held?: readonly number[];
  /**
   * Of an incomplete row where its values hold a reading it cannot use (stale, bad, ahead: align batch keeps the last
   * one in `values`): those channels (indices). A cycle's trigger among them could not be read (cycle-window.ts).
   */
  readonly unusable?: readonly number[];
  /**
   * Of a row whose samples were all stamped before their source's row before it (they came late), by up to the age
   * limit: by how much (ms), the row placed at that row's time instead. Absent where its samples were on time.
   */
  readonly late?: number;
  /** Of a late row: the source its samples came from. */
  readonly source?: string;
}

/**
 * Why a channel's value cannot be used in a row: never received, older than the age limit, bad (or NaN), or stamped
 * further ahead of the row's time than the age limit (its device's clock runs ahead of the others').
 */
export type Unusable = 'missing' | 'stale' | 'bad' | 'ahead';

/** How a row's `why` words each kind. */
const WORDS: Readonly<Record<Unusable, string>> = {
  missing: 'missing',
  stale: 'stale',
  bad: 'bad',
  ahead: 'stamped ahead of the others',
};

/** Channels named in a row's `why` per kind; more are counted ("a, b, c, d and 3 more stale"). */
const NAMED = 4;

/** A row's `why`: the unusable channels by kind, missing first ("pressure missing; flow, temperature stale"). */
export function unusableText(channels: readonly string[], kinds: readonly (Unusable | undefined)[]): string {
  const parts: string[] = [];
  for (const kind of ['missing', 'stale', 'bad', 'ahead'] as const) {
    const names = channels.filter((_, i) => kinds[i] === kind);
    if (names.length === 0) continue;
    const shown = names.slice(0, NAMED).join(', ');
    parts.push(`${shown}${names.length > NAMED ? ` and ${names.length - NAMED} more` : ''} ${WORDS[kind]}`);
  }
  return parts.join('; ');
}

export class RowAssembler {
  private readonly index = new Map<string, number>();
  private readonly values: Float64Array;
  private readonly times: Float64Array;
  private readonly good: Uint8Array;
  /** 1 where the channel's newest read failed (its value is the last good reading, held). */
  private readonly failed: Uint8Array;
  /**
   * Where each position of the last batch went: sources deliver their tags in the same order
   * batch after batch, so the channel lookup is a string comparison at the same position instead
   * of a hash lookup (the gateway offers every batch to every asset's assembler).
   */
  private slotChannels: string[] = [];
  private slotIndex: number[] = [];
  /** Per source, where its rows go: no earlier than its last, within the age limit (source-rows.ts). */
  private readonly sources = new Map<string, SourceRows>();
  /** The last row's values and source, and the values of the row before it: a row of held values may wait. */
  private lastValues: Float64Array | undefined;
  private beforeValues: Float64Array | undefined;
  private lastSource: SourceRows | undefined;
  /** The source of the last row (a held-back row's, where it is dropped). */
  lastRowSource = '';

  constructor(
    readonly asset: string,
    readonly channels: readonly string[],
    private readonly maxAgeMs: number,
  ) {
    channels.forEach((c, i) => this.index.set(c, i));
    this.values = new Float64Array(channels.length);
    this.times = new Float64Array(channels.length).fill(Number.NEGATIVE_INFINITY);
    this.good = new Uint8Array(channels.length);
    this.failed = new Uint8Array(channels.length);
  }

  /** Feeds one batch; returns a row if the batch touched this asset's channels. */
  push(batch: readonly Sample[]): Row | undefined {
    let ts = Number.NEGATIVE_INFINITY;
    let source = '';
    for (let k = 0; k < batch.length; k++) {
      const s = batch[k];
      if (s.asset !== this.asset) continue;
      let i: number | undefined;
      if (this.slotChannels[k] === s.channel) i = this.slotIndex[k];
      else {
        i = this.index.get(s.channel) ?? -1;
        this.slotChannels[k] = s.channel;
        this.slotIndex[k] = i;
      }
      if (i < 0) continue;
      if (s.ts > ts) {
        ts = s.ts;
        source = s.source;
      }
      this.failed[i] = s.failedRead === true ? 1 : 0;
      if (s.failedRead === true) continue;
      this.values[i] = s.value;
      this.times[i] = s.ts;
      this.good[i] = s.quality === 'good' && Number.isFinite(s.value) ? 1 : 0;
    }
    if (ts === Number.NEGATIVE_INFINITY) return undefined;
    const rows = this.sourceRows(source);
    const placed = rows.place(ts);
    const late = placed.late;
    ts = placed.ts;
    const row = this.rowAt(ts);
    this.beforeValues = this.lastValues;
    this.lastValues = row.values;
    this.lastSource = rows;
    this.lastRowSource = source;
    return late === undefined ? row : { ...row, late, source };
  }

  private sourceRows(source: string): SourceRows {
    let rows = this.sources.get(source);
    if (rows === undefined) this.sources.set(source, (rows = new SourceRows(this.maxAgeMs)));
    return rows;
  }

  /**
   * Whether the last row is to wait for the next batch: its values are all as the row before's (held values) and its
   * source came late in the recent past (source-rows.ts). Never for a source that has not come late.
   */
  holdsBack(): boolean {
    return (
      this.lastSource?.holdsBack() === true &&
      this.beforeValues !== undefined &&
      sameValues(this.lastValues!, this.beforeValues)
    );
  }

  /**
   * Whether `batch` comes late behind the last row (one held back: holdsBack), from its source: that row is overtaken
   * and to be dropped, its source's last row taken back to the one before it. Undefined where the batch makes no row
   * (none of the asset's channels). Reads the batch; takes none of it.
   */
  overtakesLast(batch: readonly Sample[]): boolean | undefined {
    let ts = Number.NEGATIVE_INFINITY;
    let source = '';
    for (const s of batch)
      if (s.asset === this.asset && this.index.has(s.channel) && s.ts > ts) {
        ts = s.ts;
        source = s.source;
      }
    if (ts === Number.NEGATIVE_INFINITY) return undefined;
    const rows = this.sources.get(source);
    return rows !== undefined && rows === this.lastSource && rows.overtakes(ts);
  }

  /** The row of the channels' values as they stand, at `ts`. */
  private rowAt(ts: number): Row {
    let complete = true;
    for (let i = 0; i < this.channels.length; i++) if (!this.usable(i, ts)) complete = false;
    const values = Float64Array.from(this.values);
    if (!complete) {
      const unusable = this.channels.flatMap((_, i) => (this.usable(i, ts) ? [] : [i]));
      return { ts, values, complete, why: this.why(ts), unusable };
    }
    const held = this.heldChannels();
    return held ? { ts, values, complete, held } : { ts, values, complete };
  }

  /** The channels whose newest read failed (their last good reading held), or undefined where none. */
  private heldChannels(): number[] | undefined {
    let held: number[] | undefined;
    for (let i = 0; i < this.channels.length; i++) if (this.failed[i] === 1) (held ??= []).push(i);
    return held;
  }

  /** Whether channel `i`'s newest read failed: its value in the rows is its last good reading, held over it. */
  heldOverFailedRead(i: number): boolean {
    return this.failed[i] === 1;
  }

  /** Whether `s` brings its channel's value and quality as they are (a held value), not a change. */
  unchanged(s: Sample): boolean {
    const i = this.index.get(s.channel);
    if (i === undefined || this.times[i] === Number.NEGATIVE_INFINITY) return false;
    const good = s.quality === 'good' && Number.isFinite(s.value) ? 1 : 0;
    return good === this.good[i] && s.value === this.values[i];
  }

  /** Which channels are not usable at `ts`, and why (a row's `why`). */
  private why(ts: number): string {
    const kinds = this.channels.map((_, i): Unusable | undefined =>
      this.times[i] === Number.NEGATIVE_INFINITY
        ? 'missing'
        : this.good[i] !== 1
          ? 'bad'
          : this.usable(i, ts)
            ? undefined
            : this.times[i] > ts
              ? 'ahead'
              : 'stale',
    );
    return unusableText(this.channels, kinds);
  }

  /**
   * Whether channel `i`'s newest value is good and within the age limit of `ts` (a row's time), either side: a value
   * stamped an hour ahead by a clock that runs fast is not fresh for an hour after its source stopped.
   */
  usable(i: number, ts: number): boolean {
    return this.good[i] === 1 && readingStands(this.times[i], ts, this.maxAgeMs);
  }
}
