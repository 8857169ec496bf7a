/**
 * Takeovers of an MQTT source's configured client id: another client connecting with the same id (a copied
 * configuration) makes the broker drop the older connection, and the two take turns for ever. Three connections in a
 * row that close soon after they were subscribed (connection-flaps.ts) are said once (`takenOver`); while that lasts
 * each drop is the same news (`quiet`: not logged one by one, the backoff not reset), until a connection holds for
 * FLAP_RULE.shortMs (`holds`). A connect that fails (the broker refused it, or was down) ends the episode: it is said
 * as any failure. Pure, but for its timer, which is injected.
 */
import { ConnectionFlaps, FLAP_RULE, type FlapRule } from '../../core/connection-flaps.js';

/** What is told: the takeovers (once an episode), and a connection that held after them. */
export interface TakeoverNews {
  readonly takenOver: () => void;
  readonly holds: () => void;
}

/** The timer a connection's hold is awaited with (setTimeout by default; a test's own). */
export interface HoldTimer {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const NODE_TIMER: HoldTimer = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export class ClientIdTakeovers {
  private readonly flaps: ConnectionFlaps;
  private said = false;
  private waiting: unknown;

  constructor(
    private readonly news: TakeoverNews,
    private readonly rule: FlapRule = FLAP_RULE,
    now?: () => number,
    private readonly timer: HoldTimer = NODE_TIMER,
  ) {
    this.flaps = new ConnectionFlaps(rule, now);
  }

  /** Whether takeovers were said and no connection has held since: each drop is the same news. */
  get quiet(): boolean {
    return this.said;
  }

  /**
   * A connection is subscribed. False where no takeover was said (the caller says it is subscribed); true while one
   * was, and `holds` is told once this connection lasted rule.shortMs.
   */
  subscribed(): boolean {
    this.flaps.opened();
    if (!this.said) return false;
    this.waiting = this.timer.set(() => {
      this.waiting = undefined;
      this.said = false;
      this.news.holds();
    }, this.rule.shortMs);
    return true;
  }

  /** The connection is gone, or the source stops: a wait for it to hold ends. */
  dropped(): void {
    if (this.waiting !== undefined) this.timer.clear(this.waiting);
    this.waiting = undefined;
  }

  /**
   * A connect or a connection failed (`opened`: it had been subscribed). Tells `takenOver` where it was the
   * rule.times-th short connection in a row (once an episode); a connect that failed ends the episode.
   */
  failed(opened: boolean): void {
    this.dropped();
    if (!opened) this.said = false;
    if (this.flaps.closed()) {
      this.said = true;
      this.news.takenOver();
    }
  }
}
