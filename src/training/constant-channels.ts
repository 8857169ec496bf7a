/**
 * Channels that never change in the rows a detector learns from. Their spread is zero, so any
 * model normalises them by a made-up floor and alarms on the first change of one resolution step
 * (or, with every channel constant, has a threshold of zero): `train --csv` and eval leave them out of the model,
 * saying so (leftOutText); a fit with nothing else left, or given them anyway, is refused, naming each with its value.
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

/** The most constant channels a message names one by one. */
const LISTED = 20;

/** The channels, each with its value ("Current (always 0)", "Flow (no reading)"): the first LISTED, the rest counted (a
 * file of thousands of flat columns would make a line of megabytes). */
function listed(constant: readonly ConstantChannel[]): string {
  const named = constant.slice(0, LISTED).map((k) => `${k.name} (${constantText(k).slice(k.name.length + 1)})`);
  const more = constant.length - named.length;
  return named.join(', ') + (more > 0 ? ` and ${more} more (${constant.length} in all)` : '');
}

/**
 * What `train` and `eval` say of the channels they left out of a model, constant in the rows it learns from: the same
 * words on train's stderr and page, in eval's text report and on its page.
 */
export function leftOutText(constant: readonly ConstantChannel[]): string {
  return (
    `left out of the model, constant in the rows it learns from: ${listed(constant)}; the model does not see ` +
    `${constant.length === 1 ? 'it' : 'them'} change`
  );
}

/**
 * Leaves the channels constant in the first `learnRows` rows out of `data` (and their `units`; as eval's file models
 * do), and returns them; every channel constant: `data` as it is (fitDetector refuses it, naming them).
 */
export function withoutConstantChannels<T extends NormalRows & { readonly units?: readonly string[] }>(
  data: T,
  learnRows: number,
): { readonly data: T; readonly constant: readonly ConstantChannel[] } {
  const constant = constantChannels(data, learnRows);
  if (constant.length === 0 || constant.length === data.channels.length) return { data, constant: [] };
  const names = new Set(constant.map((k) => k.name));
  const kept = data.channels.flatMap((ch, j) => (names.has(ch) ? [] : [j]));
  const c = data.channels.length;
  const rows = new Float64Array(data.rowCount * kept.length);
  for (let t = 0; t < data.rowCount; t++) kept.forEach((j, k) => (rows[t * kept.length + k] = data.rows[t * c + j]));
  const units = data.units ? { units: kept.map((j) => data.units![j]!) } : {};
  return { data: { ...data, channels: kept.map((j) => data.channels[j]!), rows, ...units }, constant };
}

/** Throws, naming the file, the constant channels and the fix, when any channel does not vary in the training rows. */
export function refuseConstantChannels(data: NormalRows & { readonly source: string }, trainingRows: number): void {
  const constant = constantChannels(data, trainingRows);
  if (constant.length === 0) return;
  const names = new Set(constant.map((k) => k.name));
  const varying = data.channels.filter((ch) => !names.has(ch));
  throw new Error(
    `${data.source}: channel(s) ${listed(constant)} do not vary in the ${trainingRows} training rows, so a model cannot learn ` +
      `their spread; ${varying.length > 0 ? `leave them out with --channels ${shellWord(varying.join(','))}` : 'train on a recording in which the channels vary'}`,
  );
}
