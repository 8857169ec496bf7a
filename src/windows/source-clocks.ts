/**
 * Where a live sample goes on an asset's time grid (pure): by its device's stamp (an OPC UA source timestamp, an MQTT
 * payload's time field), read on the gateway's clock. Each source's clock is compared with the gateway's through the
 * samples' receipt times. While the two agree within `toleranceMs` (the grid's gap) a sample goes where its stamp
 * says, as before. A source whose clock is further off (a PLC an hour ahead, a clock never set, a hostile stamp in
 * 2106) is put on the gateway's clock instead: its stamps less that offset, so its samples keep their spacing and sit
 * with the other sources' samples. Where the offset changes by more than the tolerance (the PLC's clock set right, a
 * glitch, a stamp far off once) the source is placed anew at once: none of its samples is held back (one placed
 * before its channel's last is skipped as late by the grid), none freezes the grid or ends the other channels as
 * stale. A recording (no receipt times) goes by its stamps.
 *
 * Each change is told (a log line), the first at once, the others of the same source at most once a minute with how
 * many there were, so a publisher that alternates its stamps cannot flood the log.
 */
import type { Sample } from '../core/types.js';
import { spanText } from '../core/span-text.js';

const NOTE_EVERY_MS = 60_000;

interface SourceClock {
  /** Its stamps less the gateway's receipt times, as placed now (0: they agree). */
  offset: number;
  /** When (receipt time) the last change was told, and how many changes were not told since. */
  notedAt: number;
  untold: number;
}

export class SourceClocks {
  private readonly sources = new Map<string, SourceClock>();

  constructor(
    private readonly asset: string,
    private readonly toleranceMs: number,
    private readonly onChange?: (message: string) => void,
  ) {}

  /** The sample's time on the grid: its stamp, less its source's clock offset where that is beyond the tolerance. */
  place(s: Sample): number {
    const received = s.received;
    if (received === undefined || !Number.isFinite(received)) return s.ts;
    const seen = s.ts - received;
    const clock = this.sources.get(s.source);
    if (clock && Math.abs(seen - clock.offset) <= this.toleranceMs) {
      if (clock.untold > 0 && received - clock.notedAt >= NOTE_EVERY_MS) this.tell(s.source, clock, received);
      return s.ts - clock.offset;
    }
    const offset = Math.abs(seen) <= this.toleranceMs ? 0 : seen;
    if (!clock) {
      this.sources.set(s.source, { offset, notedAt: offset !== 0 ? received : Number.NEGATIVE_INFINITY, untold: 0 });
      if (offset !== 0) this.onChange?.(this.text(s.source, offset));
    } else {
      clock.offset = offset;
      if (received - clock.notedAt >= NOTE_EVERY_MS) this.tell(s.source, clock, received);
      else clock.untold++;
    }
    return s.ts - offset;
  }

  private tell(source: string, clock: SourceClock, received: number): void {
    const more = clock.untold > 0 ? ` (its clock changed ${clock.untold} more time(s) in the last minute)` : '';
    clock.notedAt = received;
    clock.untold = 0;
    this.onChange?.(`${this.text(source, clock.offset)}${more}`);
  }

  private text(source: string, offset: number): string {
    const where = `asset ${this.asset}: source ${source}'s clock`;
    if (offset === 0) return `${where} agrees with this gateway's again: its samples go by their stamps`;
    const way = offset > 0 ? 'ahead of' : 'behind';
    return (
      `${where} is ${spanText(Math.abs(offset))} ${way} this gateway's: its samples go on the time grid by the ` +
      'gateway’s clock (their stamps less that), so it freezes nothing and its channels stay with the others'
    );
  }
}
