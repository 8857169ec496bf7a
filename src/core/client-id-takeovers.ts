/**
 * Takeovers of an MQTT client's id (an MQTT source's configured client_id, the cloud sync's, made of gateway.name):
 * another client connecting with the same id (a copied configuration) makes the broker drop the older connection, and
 * the two take turns for ever. Three connections in a row that close soon after they were opened (the source:
 * subscribed; the cloud sync: connected; connection-flaps.ts) are said once (`takenOver`); while that lasts each drop
 * is the same news (`quiet`: not logged one by one, the backoff not reset), until a connection holds for
 * FLAP_RULE.shortMs (`holds`). A connect that fails (the broker refused it, or was down) ends the episode: it is said
 * as any failure. Pure, but for its timer, which is injected. The one wait for "the connection holds again".
 */
import { ConnectionFlaps, FLAP_RULE, type FlapRule } from './connection-flaps.js';
import { NODE_TIMER, type Timer } from './timer.js';

/** What is told: the takeovers (once an episode), and a connection that held after them. */
export interface TakeoverNews {
  readonly takenOver: () => void;
  readonly holds: () => void;
}

export class ClientIdTakeovers {
  private readonly flaps: ConnectionFlaps;
  private said = false;
  private waiting: unknown;

  constructor(
    private readonly news: TakeoverNews,
    private readonly rule: FlapRule = FLAP_RULE,
    now?: () => number,
    /** A connection's hold is awaited with it; a client that stops drops it (dropped()) first. */
    private readonly timer: Timer = NODE_TIMER,
  ) {
    this.flaps = new ConnectionFlaps(rule, now);
  }

  /** Whether takeovers were said and no connection has held since: each drop is the same news. */
  get quiet(): boolean {
    return this.said;
  }

  /**
   * A connection is open for use (the source: subscribed; the cloud sync: connected). False where no takeover was said
   * (the caller says it is open); true while one was, and `holds` is told once this connection lasted rule.shortMs.
   */
  opened(): boolean {
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
   * A connect or a connection failed (`opened`: it had been opened, or the broker had accepted it). Tells `takenOver`
   * where it was the rule.times-th short connection in a row (once an episode); a connect that failed ends the episode.
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
