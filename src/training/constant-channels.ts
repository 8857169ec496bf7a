/**
 * Channels that never change in the rows a detector learns from. Their spread is zero, so any
 * model normalises them by a made-up floor and alarms on the first change of one resolution step
 * (or, with every channel constant, has a threshold of zero): training refuses them instead, naming
 * each with its value and what to do.
 */
import { shellWord } from '../core/shell-word.js';
import type { NormalRows } from './fit-statistical.js';

export interface ConstantChannel {
  readonly name: string;
  readonly value: number;
}

/**
 * The channels whose value is the same in every one of the first `rowCount` rows that hold a reading of it (a missing
 * reading, NaN, is no change: the rows without one are left out of the fit, segments.ts); a channel with no reading in
 * them at all is constant too, at NaN.
 */
export function constantChannels(data: NormalRows, rowCount = data.rowCount): ConstantChannel[] {
  const c = data.channels.length;
  const out: ConstantChannel[] = [];
  for (let ch = 0; ch < c; ch++) {
    let first = NaN;
    let t = 0;
    for (; t < rowCount; t++) {
      const v = data.rows[t * c + ch]!;
      if (Number.isNaN(v)) continue;
      if (Number.isNaN(first)) first = v;
      else if (v !== first) break;
    }
    if (t >= rowCount) out.push({ name: data.channels[ch]!, value: first });
  }
  return out;
}

/** A constant channel as a message says it: "Current always 0", or "Current with no reading" (NaN). */
export function constantText(k: ConstantChannel): string {
  return Number.isNaN(k.value) ? `${k.name} with no reading` : `${k.name} always ${k.value}`;
}

/** The most constant channels a refusal names one by one. */
const LISTED = 20;

/** Throws, naming the file, the constant channels and the fix, when any channel does not vary in the training rows. */
export function refuseConstantChannels(data: NormalRows & { readonly source: string }, trainingRows: number): void {
  const constant = constantChannels(data, trainingRows);
  if (constant.length === 0) return;
  const names = new Set(constant.map((k) => k.name));
  const varying = data.channels.filter((ch) => !names.has(ch));
  // A file of thousands of flat columns would make a line of megabytes: the first LISTED named, the rest counted.
  const named = constant.slice(0, LISTED).map((k) => `${k.name} (${constantText(k).slice(k.name.length + 1)})`);
  const more = constant.length - named.length;
  const listed = named.join(', ') + (more > 0 ? ` and ${more} more (${constant.length} in all)` : '');
  throw new Error(
    `${data.source}: channel(s) ${listed} do not vary in the ${trainingRows} training rows, so a model cannot learn ` +
      `their spread; ${varying.length > 0 ? `leave them out with --channels ${shellWord(varying.join(','))}` : 'train on a recording in which the channels vary'}`,
  );
}
