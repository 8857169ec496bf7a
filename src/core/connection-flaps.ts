/**
 * Tells a connection that the other end keeps closing soon after it opens. On an MQTT broker that is most often
 * another client connecting with the same client id (two gateways given one name, or one `client_id`): the broker
 * drops the older connection (an MQTT 3.1.1 broker silently), its reconnect takes the id back, and the two take turns
 * for ever while each only logs "unreachable". Pure: the caller says when the connection opened and closed.
 */
export interface FlapRule {
  /** A connection that closes within this many ms of opening is a short one. */
  readonly shortMs: number;
  /** How many short connections in a row are said, once, until one lasts. */
  readonly times: number;
}

/** Three connections in a row that each lasted under 5 s: a reconnecting client's normal failures do not open. */
export const FLAP_RULE: FlapRule = { shortMs: 5000, times: 3 };

export class ConnectionFlaps {
  private openedAt: number | undefined;
  private short = 0;
  private said = false;

  constructor(
    private readonly rule: FlapRule = FLAP_RULE,
    private readonly now: () => number = () => performance.now(),
  ) {}

  opened(): void {
    this.openedAt = this.now();
  }

  /**
   * The connection closed: true once `times` connections in a row closed within `shortMs` of opening (said once, until
   * a connection lasts again). A close with no open before it (a connect that failed) counts for nothing.
   */
  closed(): boolean {
    if (this.openedAt === undefined) return false;
    const lasted = this.now() - this.openedAt;
    this.openedAt = undefined;
    if (lasted >= this.rule.shortMs) {
      this.short = 0;
      this.said = false;
      return false;
    }
    this.short++;
    if (this.short < this.rule.times || this.said) return false;
    this.said = true;
    return true;
  }
}
