/**
 * A sliding window by sample count with a hop (pure). After `length` rows it emits a window every
 * `hop` rows; a window that contains an incomplete row is reported as incomplete instead. A window whose rows held a
 * channel's reading over a failed read says how many (Window.held).
 */
import type { Window } from '../../core/types.js';
import type { Row } from '../row-assembler.js';
import { heldRowsOf } from '../held-rows.js';

export type WindowOutcome =
  | { readonly kind: 'window'; readonly window: Window }
  /** `why`: the newest incomplete row's, where it says (row-assembler.ts). */
  | { readonly kind: 'incomplete'; readonly ts: number; readonly why?: string };

export class SlidingWindow {
  private readonly rows: Row[] = [];
  private sinceEmit = 0;

  constructor(
    readonly asset: string,
    readonly channels: readonly string[],
    readonly length: number,
    readonly hop: number,
  ) {
    if (length < 1 || hop < 1) throw new RangeError('window length and hop must be at least 1');
  }

  /** Forgets the rows taken: the next window is `length` rows from now (the machine stopped, running_when). */
  restart(): void {
    this.rows.length = 0;
    this.sinceEmit = 0;
  }

  push(row: Row): WindowOutcome | undefined {
    this.rows.push(row);
    if (this.rows.length > this.length) this.rows.shift();
    this.sinceEmit++;
    if (this.rows.length < this.length || this.sinceEmit < this.hop) return undefined;
    this.sinceEmit = 0;
    let incomplete: Row | undefined;
    for (const r of this.rows) if (!r.complete) incomplete = r;
    if (incomplete)
      return { kind: 'incomplete', ts: row.ts, ...(incomplete.why !== undefined ? { why: incomplete.why } : {}) };
    const c = this.channels.length;
    const data = new Float32Array(this.length * c);
    this.rows.forEach((r, t) => data.set(r.values, t * c));
    const held = heldRowsOf(this.rows, this.channels);
    return {
      kind: 'window',
      window: {
        asset: this.asset,
        channels: this.channels,
        length: this.length,
        start: this.rows[0].ts,
        end: row.ts,
        data,
        ...(held ? { held } : {}),
      },
    };
  }
}
