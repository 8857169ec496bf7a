/**
 * Counts a window's rows that held a channel's reading over a failed read (Row.held), per channel and in all (pure):
 * carried with the window and its score (HeldRows), so that a scored window says which channels were not read. Only
 * the model's channels count (a cycle's trigger and part id columns come after them in its rows).
 */
import type { HeldRows } from '../core/types.js';
import type { Row } from './row-assembler.js';

export class HeldRowCount {
  private readonly perChannel: Uint32Array;
  private rows = 0;

  constructor(private readonly channels: readonly string[]) {
    this.perChannel = new Uint32Array(channels.length);
  }

  add(row: Row): void {
    if (row.held === undefined) return;
    let any = false;
    for (const c of row.held) {
      if (c >= this.channels.length) continue;
      this.perChannel[c]++;
      any = true;
    }
    if (any) this.rows++;
  }

  /** What was counted, of `of` rows; undefined where no row held a channel. */
  result(of: number): HeldRows | undefined {
    if (this.rows === 0) return undefined;
    const channels: Record<string, number> = {};
    this.channels.forEach((name, c) => {
      if (this.perChannel[c] > 0) channels[name] = this.perChannel[c];
    });
    return { rows: this.rows, of, channels };
  }

  reset(): void {
    this.perChannel.fill(0);
    this.rows = 0;
  }
}

/** The held rows among `rows` (a sliding window's), or undefined where none. */
export function heldRowsOf(rows: readonly Row[], channels: readonly string[]): HeldRows | undefined {
  if (!rows.some((r) => r.held !== undefined)) return undefined;
  const count = new HeldRowCount(channels);
  for (const r of rows) count.add(r);
  return count.result(rows.length);
}
