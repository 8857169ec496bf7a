/**
 * Warm-up parts of a part model's recording (pure): the first parts after the recording starts, and after each long
 * pause in it (the machine stood still: a restart), whose curves trend from outside the spread of the later parts into
 * it, as a moulder's first shots come from a cold mould. The rule is settle-estimate.ts's, on parts instead of rows,
 * read off the user's own parts with no constant of one machine:
 *
 * 1. Each part summed up by each channel's mean over the part.
 * 2. The runs: the recording's start, and each pause between two parts' starts longer than a usual part's step plus
 *    the time a gateway holds a reading (csv-pauses.ts pauseAfterMs): the line stood still, as long as a gateway's
 *    pause; a pause after which the parts are at once within the spread says nothing.
 * 3. The later parts, the second half of each run, and their robust spread and its edge (core/robust-spread.ts: 99.9
 *    % of normal parts within it).
 * 4. A run's warm-up: its parts up to the first one within the edge, looked for in the run's first half, where their
 *    distances from the later parts' centre fall as the parts go on (Kendall's rank correlation of distance and order,
 *    negative at a one-sided 1 % level: a trend, not a level the machine kept, as parts made before a fault began
 *    are against the faulty parts after it; this takes five parts at the least). A run with no part within the edge
 *    in its first half is counted as unsettled (too short to tell a warm-up from the rest), not left out.
 */
import { pauseAfterMs } from '../core/csv-pauses.js';
import { median } from '../core/measure.js';
import { robustSpread } from '../core/robust-spread.js';
import { MIN_PARTS, type CsvParts } from './csv-parts.js';

/** A warm-up found: the parts (indices into the parts, and ids) and what it came after. */
export interface WarmUpRun {
  /** The part indices of the warm-up, in order. */
  readonly parts: readonly number[];
  readonly partIds: readonly string[];
  /** The pause before it (ms) where it follows one; undefined at the recording's start. */
  readonly afterPauseMs?: number;
}

/** How far a channel's mean over a run's first part is from the later parts' median. */
export interface ChannelDrift {
  readonly channel: string;
  /** The first part's mean minus the later parts' median, in the channel's unit. */
  readonly by: number;
  /** The same in the later parts' robust standard deviations. */
  readonly sd: number;
}

export interface WarmUpFinding {
  readonly runs: readonly WarmUpRun[];
  /** The channels that drift most over the first warm-up run, farthest first (at most three). */
  readonly drift: readonly ChannelDrift[];
  /** Runs with no part within the later parts' spread in their first half. */
  readonly unsettled: number;
  /** The later parts the spread was drawn from. */
  readonly reference: number;
}

/** The channels named as drifting most. */
const SHOWN_CHANNELS = 3;
/** The normal quantile of the one-sided 1 % level a warm-up's distances must fall at. */
const Z_TREND = 2.326;

/**
 * Whether values fall as they go on: Kendall's rank correlation of value and order, negative beyond Z_TREND standard
 * errors (its normal approximation without ties).
 */
export function falls(values: readonly number[]): boolean {
  const n = values.length;
  if (n < 3) return false;
  let s = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) s += Math.sign(values[j] - values[i]);
  return -s / Math.sqrt((n * (n - 1) * (2 * n + 5)) / 18) > Z_TREND;
}

/** Each part's mean of each channel, part-major (parts × channels). */
function partMeans(parts: CsvParts): Float64Array {
  const c = parts.channels.length;
  const out = new Float64Array(parts.windows.length * c);
  parts.windows.forEach((w, p) => {
    for (let k = 0; k < w.length; k++) out[p * c + (k % c)] += w[k] / (w.length / c);
  });
  return out;
}

/** The runs of parts (first index, end exclusive) between pauses, and the pause before each. */
function runsOf(parts: CsvParts): { start: number; end: number; pauseMs?: number }[] {
  const t = parts.startTimes;
  const steps = t.slice(1).map((x, i) => x - t[i]);
  const usual = steps.length > 0 ? median(steps) : 0;
  const limit = usual + pauseAfterMs(parts.periodMs);
  const runs: { start: number; end: number; pauseMs?: number }[] = [{ start: 0, end: t.length }];
  steps.forEach((step, i) => {
    if (step <= limit) return;
    runs[runs.length - 1].end = i + 1;
    runs.push({ start: i + 1, end: t.length, pauseMs: step - usual });
  });
  return runs;
}

/** The warm-up parts of a recording, or undefined where it has too few later parts to tell their spread. */
export function warmUpParts(parts: CsvParts): WarmUpFinding | undefined {
  const c = parts.channels.length;
  const means = partMeans(parts);
  const runs = runsOf(parts);
  const half = (r: { start: number; end: number }) => r.start + Math.ceil((r.end - r.start) / 2);
  const reference = runs.flatMap((r) => Array.from({ length: r.end - half(r) }, (_, k) => half(r) + k));
  if (reference.length < MIN_PARTS) return undefined;
  const spread = robustSpread(means, c, reference);
  if (spread === undefined) return undefined;
  const found: WarmUpRun[] = [];
  let unsettled = 0;
  for (const run of runs) {
    let i = run.start;
    while (i < half(run) && spread.distance(i) > spread.edge) i++;
    if (i === half(run) && i > run.start) unsettled++;
    else {
      const idx = Array.from({ length: i - run.start }, (_, k) => run.start + k);
      if (!falls(idx.map((p) => spread.distance(p)))) continue;
      found.push({
        parts: idx,
        partIds: idx.map((p) => parts.partIds[p]),
        ...(run.pauseMs !== undefined ? { afterPauseMs: run.pauseMs } : {}),
      });
    }
  }
  const first = found[0]?.parts[0];
  const drift =
    first === undefined
      ? []
      : spread.used
          .map((ch, j) => {
            const by = means[first * c + ch] - spread.centre[j];
            return { channel: parts.channels[ch], by, sd: by / spread.scale[j] };
          })
          .sort((a, b) => Math.abs(b.sd) - Math.abs(a.sd))
          .slice(0, SHOWN_CHANNELS);
  return { runs: found, drift, unsettled, reference: reference.length };
}

/** What a part model does with warm-up parts: leave them out of what is learnt (the default), or learn them. */
export type WarmUpChoice = 'skip' | 'learn';

const minutes = (ms: number) => (ms >= 120_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 1000)} s`);
const signed = (x: number) => `${x > 0 ? '+' : ''}${Number(x.toPrecision(3))}`;

/** "parts 2 to 23 (22, from the recording's start)" */
function runText(run: WarmUpRun): string {
  const where =
    run.afterPauseMs === undefined ? "from the recording's start" : `after a pause of ${minutes(run.afterPauseMs)}`;
  return `parts ${run.partIds[0]} to ${run.partIds.at(-1)} (${run.parts.length}, ${where})`;
}

/**
 * What `train` says of the warm-up parts found (none: ''): which parts, the channels that drift most, what was done
 * with them and how to do the other.
 */
export function warmUpText(file: string, found: WarmUpFinding, choice: WarmUpChoice): string {
  if (found.runs.length === 0) return '';
  const drift = found.drift.map((d) => `${d.channel} ${signed(d.by)} (${signed(d.sd)} sd)`).join(', ');
  const done =
    choice === 'skip'
      ? 'left out of what is learnt (--warm-up skip, the default), so that the model rejects the parts of a later ' +
        'warm-up as start-up scrap; to learn them as good parts, give --warm-up learn'
      : 'learnt as good parts (--warm-up learn): the model will pass the parts of a later warm-up; to leave them ' +
        'out, give --warm-up skip (the default) or mark them NOK in a --part-labels table';
  return (
    `${file}: ${found.runs.map(runText).join(', ')} trend from outside the spread of the later parts into it, a ` +
    `warm-up (the first part's channel means against the later parts' median: ${drift}); ${done}`
  );
}

/** The manifest's record of the warm-up parts found (training.parts.warm_up). */
export function warmUpRecord(found: WarmUpFinding, choice: WarmUpChoice): Record<string, unknown> {
  return {
    choice,
    parts: found.runs.reduce((n, r) => n + r.parts.length, 0),
    runs: found.runs.map((r) => ({
      part_ids: r.partIds,
      ...(r.afterPauseMs !== undefined ? { after_pause_ms: r.afterPauseMs } : {}),
    })),
    drift: found.drift.map((d) => ({ channel: d.channel, by: d.by, sd: d.sd })),
    unsettled_runs: found.unsettled,
    reference_parts: found.reference,
  };
}
