/**
 * Parts a part counter skipped (pure): where a cycle asset's part ids count up by 1 from part to part, a part id that
 * jumps by more than 1 between two consecutive parts names parts made while their readings were lost (a PLC that did
 * not answer for a whole part, qiwalk-s39: the counter went from 650 to 652 and part 651 had no record at all). Each
 * gets a record, verdict unknown, so that every part made is accounted for.
 *
 * Nothing here is set for one machine: the ids are a counter where, between the parts seen, they counted up by 1 at
 * least half the time (csv-parts.ts's rule for a part counter), read as a whole number or as a text's last digits
 * (`PRS-000651`, its prefix the same); how many parts can fit between two is the time between them over the shortest
 * time between two parts a step of 1 apart. A counter that goes back (a PLC restart, a wrap-around) or jumps by more
 * parts than that time holds is no lost part: it is said once, as such, and makes no records. Nor is a jump where no
 * reading was lost between the two parts (no failed read of the asset, no silence longer than `max_sample_age_ms`): a
 * counter preset or skipped by the PLC after a break would otherwise become hundreds of parts never made.
 */
import { countsByOne } from '../core/counts-by-one.js';
import type { Sample } from '../core/types.js';
import type { AssetWindowOutcome } from '../windows/asset-windows.js';
import type { UnjudgedPart } from './part-results.js';

/** A part id read as a counter: its text before the number, the number, and the width its digits are padded to. */
interface CounterId {
  readonly prefix: string;
  readonly n: number;
  /** The digits' width where they are padded with zeros (`000651`), else 0. */
  readonly width: number;
}

/** A part id as a counter's value: a whole number, or a text ending in one after a prefix with no digit. */
export function counterIdOf(partId: string): CounterId | undefined {
  const m = /^(\D*)(\d{1,15})$/.exec(partId);
  if (!m) return undefined;
  const digits = m[2];
  return { prefix: m[1], n: Number(digits), width: digits.length > 1 && digits.startsWith('0') ? digits.length : 0 };
}

function idText(c: CounterId, n: number): string {
  return c.prefix + String(n).padStart(c.width, '0');
}

/** What a part's id says of the parts before it: the parts skipped, or why a jump made none (a notice). */
export type CounterStep =
  | { readonly kind: 'skipped'; readonly parts: readonly UnjudgedPart[] }
  /** The counter went back or jumped further than the time allows: a PLC restart or a wrap-around. */
  | { readonly kind: 'reset'; readonly notice: string }
  /** The counter jumped with no reading lost between the two parts: set or stepped by the PLC, no part missed. */
  | { readonly kind: 'set-by-plc'; readonly notice: string };

export class PartCounterGaps {
  private last: { readonly id: CounterId; readonly ts: number } | undefined;
  private steps = 0;
  private byOne = 0;
  /** The shortest time (ms) between two consecutive parts whose ids are a step of 1 apart. */
  private periodMs = Number.POSITIVE_INFINITY;
  /** Readings were lost since the last part: a failed read, or a silence longer than `maxSampleAgeMs`. */
  private lost = false;
  private lastSampleTs: number | undefined;

  constructor(
    private readonly asset: string,
    /** The window's max_sample_age_ms: a longer silence between two of the asset's samples is readings lost. */
    private readonly maxSampleAgeMs: number,
  ) {}

  /** A batch of samples, before its windows (others ignored): a failed read or a long silence is readings lost. */
  sampled(batch: readonly Sample[]): void {
    for (const s of batch) {
      if (s.asset !== this.asset) continue;
      if (s.failedRead) this.lost = true;
      if (this.lastSampleTs !== undefined && s.ts - this.lastSampleTs > this.maxSampleAgeMs) this.lost = true;
      if (this.lastSampleTs === undefined || s.ts > this.lastSampleTs) this.lastSampleTs = s.ts;
    }
  }

  /**
   * The parts skipped before a window's outcome (the gateway's asset, the Node-RED window node): none where it is no
   * part; a jump that made no records (a counter reset, or set by the PLC) is told to `say` (a warning), once.
   */
  before(outcome: AssetWindowOutcome, say: (notice: string) => void): readonly UnjudgedPart[] {
    const part =
      outcome.kind === 'window'
        ? { partId: outcome.window.partId, ts: outcome.window.end }
        : outcome.kind === 'incomplete'
          ? { partId: outcome.partId, ts: outcome.ts }
          : undefined;
    const step = part?.partId !== undefined ? this.part(part.partId, part.ts) : undefined;
    if (step !== undefined && step.kind !== 'skipped') say(step.notice);
    return step?.kind === 'skipped' ? step.parts : [];
  }

  /** A part whose outcome (judged or not) is known at `ts`, in the order the parts were made. */
  part(partId: string, ts: number): CounterStep | undefined {
    const id = counterIdOf(partId);
    const lost = this.lost;
    this.lost = false;
    const last = this.last;
    this.last = id && { id, ts };
    if (!id || !last || id.prefix !== last.id.prefix || id.n === last.id.n) return undefined;
    const step = id.n - last.id.n;
    const elapsed = ts - last.ts;
    const counts = countsByOne(this.byOne, this.steps);
    this.steps++;
    if (step === 1) {
      this.byOne++;
      if (elapsed > 0) this.periodMs = Math.min(this.periodMs, elapsed);
      return undefined;
    }
    if (!counts) return undefined;
    const went = `the part counter went from ${last.id.n} to ${id.n}`;
    const fit = Math.round(elapsed / this.periodMs);
    if (step < 0 || step > fit) {
      const why =
        step < 0
          ? 'it went back'
          : `${step - 1} parts cannot have been made in ${elapsed} ms at the fastest cycle seen, ${this.periodMs} ms`;
      return {
        kind: 'reset',
        notice: `asset ${this.asset}: ${went}: a PLC restart or the counter wrapped (${why}); no part records made for it`,
      };
    }
    if (!lost)
      return {
        kind: 'set-by-plc',
        notice: `asset ${this.asset}: ${went} with no reading lost between the two parts (the counter set or stepped by the PLC); no part records made for it`,
      };
    const reason = `made while its readings were lost (${went})`;
    const parts: UnjudgedPart[] = [];
    for (let k = 1; k < step; k++)
      parts.push({
        partId: idText(last.id, last.id.n + k),
        ts: Math.round(last.ts + (k * elapsed) / step),
        reason,
        missed: true,
      });
    return { kind: 'skipped', parts };
  }
}
