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
 * responses): same value and quality, stamped at that publish (`publishTs`: the server's publishTime, or the
 * response's arrival) on the item's own clock less its sampling interval, and never past the newest change the
 * subscription delivered (on the item's clock). On its own clock: each item's skew (publish time less its stamp) is
 * taken at its least over its notifications, so that an item whose source timestamps come from a device clock off
 * the server's stays on that clock. The first notification of an item is its value as it stood when subscribed,
 * stamped when it last changed, which may be long before: its skew is its serverTimestamp less its source timestamp
 * where the server sent a usable serverTimestamp (not omitted nor MinDateTime, and not after the publish), the
 * publish less its stamp otherwise. Never past the newest change delivered while changes come, nor for a keep-alive
 * period or twice as long as changes have come late (delivery-delay.ts) after the last one (a mould open, its curves
 * steady); after that at the publish (an idle machine): a loaded server samples late, and its
 * changes come stamped before the publish that carries them; a held stamp past them made a row of its own ahead of
 * the real ones, so the next changes stepped the rows back and the old value overrode the new one (walknr-s35: 72 of
 * 200 parts unknown at 50 ms). A held stamp never goes back from the last one of its item, nor before the value's own
 * stamp. Stored with the rest: a steady item is written once a keep-alive period. Nothing is held on a
 * local timer: when publish responses stop (a server or link that died, a subscription that
 * ended), nothing more is sent and the values age out in the rows as any source's do. Held values
 * are counted apart from the notifications that came, as an MQTT source's held tags are
 * (`linewatch_source_held_samples_total`, not `linewatch_samples_total`; OpcuaSource). The
 * subscription asks for a keep-alive after every publishing interval without a change
 * (maxKeepAliveCount 1; servers may grant more, node-opcua's grant 2), so while the server is
 * there a held value is at most about two keep-alive periods old (four publishing intervals with
 * node-opcua's servers) plus how late the server's changes come: keep `max_sample_age_ms` above that.
 */
import type { Sample } from '../../core/types.js';
import { DeliveryDelay } from './delivery-delay.js';

/** The earliest serverTimestamp taken as sent (2000-01-01): before it, MinDateTime (1601) or a clock never set. */
const EARLIEST_SERVER_TS = Date.UTC(2000, 0, 1);

/** The items of one subscription, by node index: each one's last notification, held until it changes. */
export class HeldItems {
  private last: (Sample | undefined)[] = [];
  /**
   * Per item, its least skew: publish time less source timestamp over its notifications (its first one's from its
   * serverTimestamp where usable: the module comment): its clock's offset from the publishes' plus the least delay.
   */
  private skew = new Float64Array(0);
  /** Per item, the publish time of the response its last notification came with or was held at. */
  private sent = new Float64Array(0);
  /** Per item, the stamp it was last held at: the next one is no earlier. */
  private heldTs = new Float64Array(0);
  /** Per item: its sampling interval (ms), by which a held stamp stays behind the publish. */
  private samplingMs = new Float64Array(0);
  /** How long an unchanged item goes unsent before it is held: the subscription's keep-alive period. */
  private holdAfterMs = Number.POSITIVE_INFINITY;
  /** The newest change delivered, on the publishes' clock (its stamp plus its item's skew), and when it came. */
  private newest = Number.NEGATIVE_INFINITY;
  private newestAt = Number.NEGATIVE_INFINITY;
  /** How late changes arrive after their stamp (on the publishes' clock), learnt from every item's. */
  private delay = new DeliveryDelay();

  /**
   * A new subscription, which holds nothing of the last one's: each item's first notification comes anew.
   * @param samplingMs each item's sampling interval
   * @param keepAliveMs the keep-alive period to go by until the server says what it granted (keepAlive)
   */
  reset(samplingMs: readonly number[], keepAliveMs: number): void {
    this.last = [];
    this.skew = new Float64Array(samplingMs.length);
    this.sent = new Float64Array(samplingMs.length);
    this.heldTs = new Float64Array(samplingMs.length).fill(Number.NEGATIVE_INFINITY);
    this.samplingMs = Float64Array.from(samplingMs);
    this.holdAfterMs = keepAliveMs;
    this.newest = this.newestAt = Number.NEGATIVE_INFINITY;
    this.delay = new DeliveryDelay();
  }

  /** The keep-alive period the server granted. */
  keepAlive(ms: number): void {
    this.holdAfterMs = ms;
  }

  /**
   * Item `index`'s notification, carried by the publish response of `publishTs`, with the serverTimestamp it came with
   * (undefined where none).
   */
  noted(index: number, sample: Sample, publishTs: number, serverTs?: number): void {
    const skew = publishTs - sample.ts;
    if (this.last[index] === undefined) {
      const usable = serverTs !== undefined && serverTs >= EARLIEST_SERVER_TS && serverTs <= publishTs;
      this.skew[index] = usable ? serverTs - sample.ts : skew;
    } else {
      if (skew < this.skew[index]) this.skew[index] = skew;
      this.newest = Math.max(this.newest, sample.ts + this.skew[index]);
      this.newestAt = publishTs;
      this.delay.note(skew - this.skew[index], publishTs);
    }
    this.last[index] = sample;
    this.sent[index] = publishTs;
  }

  /**
   * Adds to a publish response's batch the items not sent for a keep-alive period: their last notification, stamped at
   * the publish on their own clock, never past the newest change delivered (the module comment says why), received
   * `now`. Returns how many it added.
   */
  hold(batch: Sample[], publishTs: number, now: number): number {
    const before = batch.length;
    // Bound by the newest change while changes come, and for twice as long as they have come late after a quiet spell;
    // not after that (an idle machine: held at the publish).
    const quietMs = Math.max(this.holdAfterMs, 2 * this.delay.max(publishTs));
    const bound = publishTs - this.newestAt <= quietMs ? this.newest : Number.POSITIVE_INFINITY;
    for (let i = 0; i < this.last.length; i++) {
      const last = this.last[i];
      if (last === undefined || publishTs - this.sent[i] < this.holdAfterMs) continue;
      const due = Math.min(publishTs - this.samplingMs[i], bound) - this.skew[i];
      const ts = Math.max(last.ts, this.heldTs[i], due);
      batch.push({ ...last, ts, received: now });
      this.sent[i] = publishTs;
      this.heldTs[i] = ts;
    }
    return batch.length - before;
  }
}
