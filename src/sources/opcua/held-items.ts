/**
 * Values that do not change, held (pure). A monitored item reports a change only (its data change
 * filter): a cycle-active bit, a part counter or a setpoint that stays put is sent once and then
 * not again, while the gateway's rows take a channel whose newest sample is older than
 * `max_sample_age_ms` as stale. In OPC UA an item's last reported value is its current value for
 * as long as the subscription lives, and it lives while its publish responses (changes, or
 * keep-alives when nothing changed) keep coming. So a publish response's batch carries, besides
 * the items that changed, the last notification again of every item not sent for a keep-alive
 * period (the longest the server may stay silent; not at every publish, which would send a large
 * subscription's items several times over when the server splits a publishing cycle into several
 * responses): same value and quality, stamped at that publish (`publishTime`, the server's clock)
 * on the item's own clock (its timestamp moved on by the time the server's clock says passed
 * since the response that carried it: publishTime − that response's publishTime; not the
 * value's serverTimestamp, which servers may omit or send as MinDateTime), so that an item whose source
 * timestamps come from a device clock off the server's stays on that clock, less the item's sampling
 * interval: a change the server had not sampled yet when it cut the response happened at most that long
 * before it, and its own (later-arriving) stamp must stay newer than the held one, or a time grid drops it
 * as late. Stored with the rest: a steady item is written once a keep-alive period. Nothing is held on a
 * local timer: when publish responses stop (a server or link that died, a subscription that
 * ended), nothing more is sent and the values age out in the rows as any source's do. Held values
 * are counted apart from the notifications that came, as an MQTT source's held tags are
 * (`linewatch_source_held_samples_total`, not `linewatch_samples_total`; OpcuaSource). The
 * subscription asks for a keep-alive after every publishing interval without a change
 * (maxKeepAliveCount 1; servers may grant more, node-opcua's grant 2), so while the server is
 * there a held value is at most about two keep-alive periods old (four publishing intervals with
 * node-opcua's servers): keep `max_sample_age_ms` above that.
 */
import type { Sample } from '../../core/types.js';

/** The items of one subscription, by node index: each one's last notification, held until it changes. */
export class HeldItems {
  private last: (Sample | undefined)[] = [];
  /**
   * The publish time of the response that carried each item's last notification (the server's clock; its arrival
   * where the response had none): a held value is moved on by the time since then. Not the notification's
   * serverTimestamp: a server may leave that out or send it as MinDateTime (node-opcua: 1601), which put held
   * stamps on the publish's clock instead of the item's, or centuries ahead.
   */
  private origin = new Float64Array(0);
  /** Per item, the publish time of the response its last notification came with or was held at. */
  private sent = new Float64Array(0);
  /** Per item: its sampling interval (ms), by which a held stamp stays behind the publish (the module comment). */
  private samplingMs = new Float64Array(0);
  /** How long an unchanged item goes unsent before it is held: the subscription's keep-alive period. */
  private holdAfterMs = Number.POSITIVE_INFINITY;

  /**
   * A new subscription, which holds nothing of the last one's: each item's first notification comes anew.
   * @param samplingMs each item's sampling interval
   * @param keepAliveMs the keep-alive period to go by until the server says what it granted (keepAlive)
   */
  reset(samplingMs: readonly number[], keepAliveMs: number): void {
    this.last = [];
    this.origin = new Float64Array(samplingMs.length);
    this.sent = new Float64Array(samplingMs.length);
    this.samplingMs = Float64Array.from(samplingMs);
    this.holdAfterMs = keepAliveMs;
  }

  /** The keep-alive period the server granted. */
  keepAlive(ms: number): void {
    this.holdAfterMs = ms;
  }

  /** Item `index`'s notification, carried by the publish response of `publishTs`. */
  noted(index: number, sample: Sample, publishTs: number): void {
    this.last[index] = sample;
    this.origin[index] = this.sent[index] = publishTs;
  }

  /**
   * Adds to a publish response's batch the items not sent for a keep-alive period: their last notification, stamped at
   * the publish on their own clock (the module comment says why), received `now`. Returns how many it added.
   */
  hold(batch: Sample[], publishTs: number, now: number): number {
    const before = batch.length;
    for (let i = 0; i < this.last.length; i++) {
      const last = this.last[i];
      if (last === undefined || publishTs - this.sent[i] < this.holdAfterMs) continue;
      const ts = last.ts + Math.max(0, publishTs - this.origin[i] - this.samplingMs[i]);
      batch.push({ ...last, ts, received: now });
      this.sent[i] = publishTs;
    }
    return batch.length - before;
  }
}
