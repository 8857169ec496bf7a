/**
 * Whether an asset's sliding windows are being formed (pure; the caller gives the time). An asset whose source is
 * down, or whose channels come stale or bad, forms no complete window: nothing is scored and its alarm cannot rise,
 * while it reads "normal". After two windows' span without a complete window (one to fill a window, one more for the
 * polls' jitter) the asset is blind, and says why; the next complete window ends it.
 */
export interface Blindness {
  /** When the last complete window was formed (or the watch started). */
  readonly since: number;
  readonly reason: string;
}

export class InputWatch {
  private lastComplete: number | undefined;
  private incompleteSince: number | undefined;
  private blind: Blindness | undefined;

  constructor(private readonly spanMs: number) {}

  /** A complete window was formed at `now`. */
  complete(now: number): void {
    this.lastComplete = now;
    this.incompleteSince = undefined;
  }

  /** A window could not be formed at `now` (a sample missing, stale or bad). */
  incomplete(now: number): void {
    this.incompleteSince ??= now;
  }

  /**
   * Checks at `now` (the first check starts the watch): 'blind' when the asset has just gone blind, 'seeing' when it
   * has just formed a window again, undefined when nothing changed.
   */
  check(now: number): 'blind' | 'seeing' | undefined {
    this.lastComplete ??= now;
    const idle = now - this.lastComplete > 2 * this.spanMs;
    if (idle && !this.blind) {
      this.blind = {
        since: this.lastComplete,
        reason:
          this.incompleteSince !== undefined
            ? 'its windows are incomplete: a sample missing, stale or bad'
            : 'no samples of its channels',
      };
      return 'blind';
    }
    if (!idle && this.blind) {
      this.blind = undefined;
      return 'seeing';
    }
    return undefined;
  }

  /** The asset's blindness, while it lasts. */
  get state(): Blindness | undefined {
    return this.blind;
  }
}
