/**
 * Why each alarm of an evaluated file was raised: the channels with the largest share of the score at the row the
 * alarm came on, as the gateway's alarm message names its top contributors (alarm-event.ts: the latest score's first
 * three). Kept per scored row in typed arrays while a file streams (a row's objects would cost megabytes on a long
 * file), read back at each alarm's first row. Pure.
 */
import { TERM_KINDS, type ChannelContribution } from '../core/types.js';

/** Channels named per alarm, as many as an alarm message names. */
export const CAUSES_PER_ALARM = 3;

/** One alarm: the row it came on, and its top contributors there, largest first. */
export interface AlarmCause {
  readonly row: number;
  readonly top: readonly ChannelContribution[];
}

/** Each scored row's top contributors, by channel index; rows never scored keep none. */
export class TopContributors {
  private readonly channel: Int32Array;
  private readonly share: Float32Array;
  private readonly kind: Int8Array;

  constructor(
    private readonly channels: readonly string[],
    rows: number,
  ) {
    this.channel = new Int32Array(rows * CAUSES_PER_ALARM).fill(-1);
    this.share = new Float32Array(rows * CAUSES_PER_ALARM);
    this.kind = new Int8Array(rows * CAUSES_PER_ALARM).fill(-1);
  }

  /** Keeps `ranked` (largest first, as contributions() gives them) as row `row`'s. */
  set(row: number, ranked: readonly ChannelContribution[]): void {
    for (let k = 0; k < CAUSES_PER_ALARM && k < ranked.length; k++) {
      const at = row * CAUSES_PER_ALARM + k;
      this.channel[at] = this.channels.indexOf(ranked[k].channel);
      this.share[at] = ranked[k].share;
      const kind = ranked[k].kind;
      this.kind[at] = kind === undefined ? -1 : TERM_KINDS.indexOf(kind);
    }
  }

  /** Row `row`'s top contributors; none where it was not scored. */
  get(row: number): ChannelContribution[] {
    const out: ChannelContribution[] = [];
    for (let k = 0; k < CAUSES_PER_ALARM; k++) {
      const at = row * CAUSES_PER_ALARM + k;
      const ch = this.channel[at];
      if (ch < 0) break;
      const kind = this.kind[at];
      out.push({ channel: this.channels[ch], share: this.share[at], ...(kind >= 0 ? { kind: TERM_KINDS[kind] } : {}) });
    }
    return out;
  }
}

/**
 * Each alarm's cause: its first row (where `alarms` turns on) and the top contributors of the latest score there (that
 * row's, or the last scored row's before it, as the gateway's message names its latest score's).
 */
export function alarmCauses(alarms: ArrayLike<number>, tops: TopContributors): AlarmCause[] {
  const out: AlarmCause[] = [];
  for (let i = 0; i < alarms.length; i++) {
    if (!alarms[i] || (i > 0 && alarms[i - 1])) continue;
    let top = tops.get(i);
    for (let j = i - 1; top.length === 0 && j >= 0; j--) top = tops.get(j);
    out.push({ row: i, top });
  }
  return out;
}
