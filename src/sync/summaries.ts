/**
 * Per-asset, per-minute summaries for the cloud (pure): score statistics (min, mean, max, p95),
 * alarm raises and transitions, part counts and pass rate (pass / (pass + fail): unknown parts are counted apart and
 * left out of it; null where no part was judged), and how many of those windows and parts held a channel's reading over
 * a failed read (ScoreResult.held, PartResult.held: `windows_held`, `parts.held`). A minute is emitted once it is over
 * (plus a grace period for late records), with a stable id so consumers can drop duplicates. The id names the run
 * (when this gateway's sync started): a stop flushes the minute it is in, and after a restart within that minute the
 * next run summarises the rest of it; both survive a consumer that drops duplicates by id, and are to be added.
 */
import { isRaise, type AlarmEvent, type PartResult, type ScoreResult } from '../core/types.js';

export const SUMMARY_SCHEMA = 'linewatch.summary/1';

export interface MinuteSummary {
  readonly schema: typeof SUMMARY_SCHEMA;
  readonly id: string;
  readonly gateway: string;
  readonly asset: string;
  readonly minute: string;
  /** When the run that summarised it started (ISO 8601): two runs may each summarise a part of one minute. */
  readonly run: string;
  readonly windows: number;
  /** Of `windows`, those in which some row held a channel's reading over a failed read. */
  readonly windows_held: number;
  readonly score: { readonly min: number; readonly mean: number; readonly max: number; readonly p95: number } | null;
  readonly threshold: number | null;
  readonly alarms: { readonly raised: number; readonly transitions: Readonly<Record<string, number>> };
  readonly parts: {
    readonly count: number;
    readonly pass: number;
    readonly fail: number;
    readonly unknown: number;
    readonly pass_rate: number | null;
    /** Of `count`, the parts whose window held a channel's reading over a failed read in some row. */
    readonly held: number;
  };
}

/** What a minute of one asset has gathered so far. */
export interface MinuteCounts {
  scores: number[];
  threshold: number | null;
  raised: number;
  transitions: Record<string, number>;
  parts: { pass: number; fail: number; unknown: number };
  /** The windows and the parts (counted above) whose rows held a channel's reading over a failed read. */
  held: { windows: number; parts: number };
}

/** A minute not summarised yet: its asset, its start (ms since the epoch) and its counts. */
export interface OpenMinute {
  readonly asset: string;
  readonly minute: number;
  readonly counts: MinuteCounts;
}

const MINUTE = 60_000;

export class MinuteSummarizer {
  private readonly buckets = new Map<string, Map<number, MinuteCounts>>();

  private readonly run: string;

  /** Something was added since the last `open()`. */
  changed = false;

  constructor(
    private readonly gateway: string,
    /** When this run (the gateway's sync) started, in ms since the epoch. */
    runStartedAt: number,
    private readonly graceMs = 5_000,
  ) {
    this.run = new Date(runStartedAt).toISOString();
  }

  private bucket(asset: string, ts: number): MinuteCounts {
    const minute = Math.floor(ts / MINUTE) * MINUTE;
    let perAsset = this.buckets.get(asset);
    if (!perAsset) this.buckets.set(asset, (perAsset = new Map()));
    this.changed = true;
    let b = perAsset.get(minute);
    if (!b)
      perAsset.set(
        minute,
        (b = {
          scores: [],
          threshold: null,
          raised: 0,
          transitions: {},
          parts: { pass: 0, fail: 0, unknown: 0 },
          held: { windows: 0, parts: 0 },
        }),
      );
    return b;
  }

  addScores(scores: readonly ScoreResult[]): void {
    for (const s of scores) {
      if (s.partId !== undefined) continue; // parts are counted as parts
      const b = this.bucket(s.asset, s.ts);
      b.scores.push(s.score);
      b.threshold = s.threshold;
      if (s.held !== undefined) b.held.windows++;
    }
  }

  addAlarm(e: AlarmEvent): void {
    const b = this.bucket(e.asset, e.ts);
    b.transitions[e.state] = (b.transitions[e.state] ?? 0) + 1;
    if (isRaise(e)) b.raised++;
  }

  addParts(parts: readonly PartResult[]): void {
    for (const p of parts) {
      const b = this.bucket(p.asset, p.ts);
      b.parts[p.verdict]++;
      if (p.held !== undefined) b.held.parts++;
    }
  }

  /** Whether a minute ended before `now − grace` (`all`: whether there is any minute), which `take` would summarise. */
  due(now: number, all = false): boolean {
    for (const perAsset of this.buckets.values())
      for (const minute of perAsset.keys()) if (all || this.over(minute, now)) return true;
    return false;
  }

  private over(minute: number, now: number): boolean {
    return minute + MINUTE + this.graceMs <= now;
  }

  /** Summaries of every minute that ended before `now − grace`, oldest first per asset. */
  take(now: number, all = false): MinuteSummary[] {
    const out: MinuteSummary[] = [];
    for (const [asset, perAsset] of this.buckets) {
      for (const minute of [...perAsset.keys()].sort((a, b) => a - b)) {
        if (!all && !this.over(minute, now)) continue;
        const b = perAsset.get(minute)!;
        perAsset.delete(minute);
        out.push(minuteSummary(this.gateway, this.run, asset, minute, b));
      }
    }
    return out;
  }

  /** The minutes not taken yet (their counts as they are now, to be kept: open-minutes.ts); clears `changed`. */
  open(): OpenMinute[] {
    this.changed = false;
    return [...this.buckets].flatMap(([asset, perAsset]) =>
      [...perAsset].map(([minute, counts]) => ({ asset, minute, counts })),
    );
  }
}

/** The summary of one asset's minute, as summarised by the run started at `run` (ISO 8601). */
export function minuteSummary(
  gateway: string,
  run: string,
  asset: string,
  minute: number,
  b: MinuteCounts,
): MinuteSummary {
  const sorted = [...b.scores].sort((x, y) => x - y);
  const n = sorted.length;
  const count = b.parts.pass + b.parts.fail + b.parts.unknown;
  const judged = b.parts.pass + b.parts.fail;
  const iso = new Date(minute).toISOString();
  return {
    schema: SUMMARY_SCHEMA,
    id: `${gateway}/${asset}/${iso}/${run}`,
    gateway,
    asset,
    minute: iso,
    run,
    windows: n,
    windows_held: b.held.windows,
    score:
      n > 0
        ? {
            min: sorted[0],
            mean: sorted.reduce((s, v) => s + v, 0) / n,
            max: sorted[n - 1],
            p95: sorted[Math.min(n - 1, Math.ceil(0.95 * n) - 1)],
          }
        : null,
    threshold: b.threshold,
    alarms: { raised: b.raised, transitions: b.transitions },
    parts: { count, ...b.parts, pass_rate: judged > 0 ? b.parts.pass / judged : null, held: b.held.parts },
  };
}
