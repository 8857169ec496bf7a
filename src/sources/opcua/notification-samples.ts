/**
 * What a subscription's notification becomes (pure): a sample of its node, stamped by the device (source timestamp,
 * else the server's, else its arrival), with the reading's quality; and, where the reading is not a usable number,
 * the node's issue in words, which the source logs once. A node left out of the subscription (over
 * max_message_bytes) is a bad sample saying why.
 */
import type { Sample } from '../../core/types.js';
import type { Reading } from './opcua-value.js';

/** Where a node's samples come from: the source, its asset, and the node's channel and unit. */
export interface SampleOrigin {
  readonly source: string;
  readonly asset: string;
  readonly channel: string;
  readonly unit?: string;
}

/** The sample of one notification, arrived at `now` (the hot path: one object, nothing else allocated). */
export function notificationSample(o: SampleOrigin, r: Reading, now: number): Sample {
  return {
    source: o.source,
    asset: o.asset,
    channel: o.channel,
    ts: r.sourceTs ?? r.serverTs ?? now,
    received: now,
    value: r.value,
    quality: r.quality,
    unit: o.unit,
  };
}

/**
 * Why a notification's value is not a usable number, naming the node (`label`, node-ids.ts, asked only then), or
 * undefined: not a number or boolean, or BadResponseTooLarge, which a server sends for a value over `maxMessageBytes`.
 */
export function notificationIssue(label: () => string, r: Reading, maxMessageBytes: number): string | undefined {
  if (r.wrongType) return `${label()}: expected a number or boolean, got ${r.wrongType}`;
  if (r.status === 'BadResponseTooLarge')
    return `${label()}: its value is over max_message_bytes (${maxMessageBytes} bytes), the server sends BadResponseTooLarge instead`;
  return undefined;
}

/** The bad sample of a node left out of the subscription, at `now`, saying why. */
export function leftOutSample(o: SampleOrigin, reason: string, now: number): Sample {
  return { ...o, ts: now, received: now, value: Number.NaN, quality: 'bad', reason };
}
