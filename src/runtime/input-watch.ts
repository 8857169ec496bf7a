/**
 * Whether an asset's sliding windows are being formed (pure; the caller gives the times). An asset whose source is
 * down, or whose channels come stale or bad, forms no complete window: nothing is scored and its alarm cannot rise,
 * while it reads "normal". Without a complete window for longer than `limitMs` (the pipeline gives two window spans,
 * or a hop and a span where hops are longer) the asset is blind, and says why (for incomplete windows: which channels
 * were missing, stale or bad, as the newest incomplete window said); the next complete window ends it.
 * Durations are read on a monotonic clock (`now`), so that a step of the wall clock is no outage; `since` is the wall
 * clock's (`wall`) for people.
 */
export interface Blindness {
  /** When (wall clock, ms) the last complete window was formed, or the watch started. */
  readonly since: number;
  readonly reason: string;
}

export class InputWatch {
  private lastComplete: number | undefined;
  private lastCompleteWall = 0;
  private lastSample: number | undefined;
  private incompleteSince: number | undefined;
  /** What the newest incomplete window said of its channels ("pressure missing"), where it did. */
  private why: string | undefined;
  private blind: Blindness | undefined;

  constructor(private readonly limitMs: number) {}

  /** Samples of the asset's channels arrived at `now`. */
  sampled(now: number): void {
    this.lastSample = now;
  }

  /** A complete window was formed. */
  complete(now: number, wall: number): void {
    this.lastComplete = now;
    this.lastCompleteWall = wall;
    this.incompleteSince = undefined;
    this.why = undefined;
  }

  /** A window could not be formed (a sample missing, stale or bad); `why` names the channels, where known. */
  incomplete(now: number, why?: string): void {
    this.incompleteSince ??= now;
    if (why !== undefined) this.why = why;
  }

  /**
   * Checks (the first check starts the watch): 'blind' when the asset has just gone blind, 'seeing' when it has just
   * formed a window again, undefined when that did not change (the reason of a blindness may: samples that stop).
   */
  check(now: number, wall: number): 'blind' | 'seeing' | undefined {
    if (this.lastComplete === undefined) this.complete(now, wall);
    const idle = now - this.lastComplete! > this.limitMs;
    if (idle) {
      const was = this.blind;
      this.blind = { since: this.lastCompleteWall, reason: this.reason(now) };
      return was ? undefined : 'blind';
    }
    if (!this.blind) return undefined;
    this.blind = undefined;
    return 'seeing';
  }

  private reason(now: number): string {
    if (this.lastSample === undefined || now - this.lastSample > this.limitMs) return 'no samples of its channels';
    if (this.incompleteSince !== undefined)
      return `its windows are incomplete: ${this.why ?? 'a sample missing, stale or bad'}`;
    return 'no complete window formed from its samples';
  }

  /** The asset's blindness, while it lasts. */
  get state(): Blindness | undefined {
    return this.blind;
  }
}
