/**
 * The samples of a Modbus read (pure): a response's words or bits decoded into one sample per tag, or the bad samples
 * of tags that could not be read.
 */
import type { Sample } from '../../core/types.js';
import type { Tag } from './poll-groups.js';
import type { ReadRequest } from './request-plan.js';

/** Whose samples they are: the source and the device's asset. */
export interface SampleOrigin {
  readonly source: string;
  readonly asset: string;
}

/**
 * Appends to `out` one sample per tag that `request` serves, decoded from the response's `data`, stamped `ts` (when
 * the poll began) and `received`; returns how many are good (a number that decodes to NaN or ±Infinity is bad).
 */
export function responseSamples(
  origin: SampleOrigin,
  request: ReadRequest<Tag>,
  data: readonly number[],
  ts: number,
  received: number,
  out: Sample[],
): number {
  let good = 0;
  const tags = request.tags;
  // The hot path of polling: one typed sample per tag, no intermediate arrays.
  for (let i = 0; i < tags.length; i++) {
    const { tag, offset } = tags[i];
    if (tag.decodeText) {
      good++;
      out.push({
        source: origin.source,
        asset: origin.asset,
        channel: tag.channel,
        ts,
        received,
        value: Number.NaN,
        quality: 'good',
        unit: tag.unit,
        text: tag.decodeText(data, offset),
      });
      continue;
    }
    const value = tag.scaled(tag.decode(data, offset));
    const ok = value - value === 0; // finite
    if (ok) good++;
    out.push({
      source: origin.source,
      asset: origin.asset,
      channel: tag.channel,
      ts,
      received,
      value,
      quality: ok ? 'good' : 'bad',
      unit: tag.unit,
    });
  }
  return good;
}

/**
 * Why an answer of `received` registers (or bits) cannot serve `request`, or undefined where it holds all it asked
 * for. modbus-serial takes as many as the answer's byte count says, so a count short of the request (a faulty
 * firmware, a gateway's bug) would otherwise read the missing ones as 0.
 */
export function shortAnswer(request: Pick<ReadRequest<Tag>, 'table' | 'count'>, received: number): string | undefined {
  if (received >= request.count) return undefined;
  const what = request.table === 'holding' || request.table === 'input' ? 'registers' : 'bits';
  return `the answer holds ${received} ${what}, ${request.count} asked for`;
}

/**
 * A bad sample (NaN) for each tag of a read that failed or was not sent (a timeout, an exception answer, the connection
 * down or backing off), with `reason` where given: `failedRead`, so that the windows hold the tags' last good readings
 * (max_sample_age_ms) as for a poll not made.
 */
export function badSamples(origin: SampleOrigin, tags: readonly Tag[], ts: number, reason?: string): Sample[] {
  return tags.map((t) => ({
    source: origin.source,
    asset: origin.asset,
    channel: t.channel,
    ts,
    value: Number.NaN,
    quality: 'bad' as const,
    failedRead: true as const,
    unit: t.unit,
    ...(reason !== undefined ? { reason } : {}),
  }));
}
