/**
 * A model on probation: counts what the rollback decision needs (runs that failed, windows judged anomalous) of the
 * release it wraps. Live, the release's results are the gateway's: they raise alarms and drive the PLC outputs.
 * Shadowed (the default), the model before it keeps scoring for the gateway and the release scores the same windows
 * beside it, counted only: a release that flags a healthy line is rolled back without sounding the horn. Once
 * confirmed it goes live.
 */
import type { Model } from '../core/components.js';
import type { ScoreResult, Window } from '../core/types.js';
import { tooFewPointsRead } from '../core/points-read.js';

export interface ProbationLimits {
  readonly maxErrorRate: number;
  readonly maxAnomalousFraction: number;
  readonly minWindows: number;
}

/** Runs a shadowed release may lag behind the model before it before the next ones count as failed. */
const MAX_TRIALS_BEHIND = 4;

export class ProbationModel implements Model {
  runs = 0;
  failedRuns = 0;
  /** Windows the release was judged on: shadowed, those the model before it judged normal; live, all it scored. */
  windows = 0;
  /** Of those, the ones the release judged anomalous (shadowed: where the model before it did not). */
  anomalous = 0;
  /** The release's own latest result (shadowed, the gateway never sees it otherwise). */
  latest: ScoreResult | undefined;
  /** The model whose results the gateway gets while shadowing; none once live. */
  private shadowing: Model | undefined;
  /** Runs of the model before it in flight (shadowed), to wait for before it is closed. */
  private readonly inFlight = new Set<Promise<unknown>>();
  /** The release's runs beside them, chained; how many have not ended. */
  private trials: Promise<unknown> = Promise.resolve();
  private trialsBehind = 0;

  constructor(
    /** The release on probation. */
    readonly inner: Model,
    private readonly limits: ProbationLimits,
    /** The model before it, to keep scoring for the gateway while the release is shadowed; none: live at once. */
    shadowed?: Model,
  ) {
    this.shadowing = shadowed;
  }

  /** Whether the release's results are the gateway's (live) or only counted beside the model before it (shadow). */
  get mode(): 'live' | 'shadow' {
    return this.shadowing ? 'shadow' : 'live';
  }

  /** The model whose results the gateway gets: its threshold is what alarms are made with. */
  private get scoring(): Model {
    return this.shadowing ?? this.inner;
  }

  /** Shadowed, the model before it: its results drive the alarms (the asset's status names it); live, none. */
  get driving(): Model | undefined {
    return this.shadowing;
  }

  /**
   * The release's name and version: what the asset runs, on probation (its results carry whose they are; the model
   * whose results drive the alarms is `driving`, where it is another).
   */
  get name() {
    return this.inner.name;
  }
  get version() {
    return this.inner.version;
  }
  get channels() {
    return this.inner.channels;
  }
  get windowLength() {
    return this.inner.windowLength;
  }
  get samplePeriodMs() {
    return this.inner.samplePeriodMs;
  }
  get threshold() {
    return this.scoring.threshold;
  }
  /** The floor of the model whose results the gateway gets, as its threshold. */
  get minReadPoints() {
    return this.scoring.minReadPoints;
  }

  async score(windows: readonly Window[]): Promise<ScoreResult[]> {
    const shadowing = this.shadowing;
    if (!shadowing) return this.tried(windows);
    const run = shadowing.score(windows);
    // Shadowed, the gateway does not wait for the release: its runs go on beside, one after another, counted as they
    // end. A release more than a few runs behind (slower than the line, or hung) fails the runs it cannot take.
    if (this.trialsBehind >= MAX_TRIALS_BEHIND) {
      this.runs++;
      this.failedRuns++;
    } else {
      this.trialsBehind++;
      const before = run.catch(() => undefined);
      this.trials = this.trials
        .then(() => this.tried(windows, before))
        .catch(() => undefined)
        .finally(() => this.trialsBehind--);
    }
    this.inFlight.add(run);
    try {
      return await run;
    } finally {
      this.inFlight.delete(run);
    }
  }

  /**
   * The release's results for `windows`, counted. Shadowed, with the results of the model before it (`before`): only
   * the windows that model judged normal count, so a real fault on the line during probation, which both flag, does
   * not roll a good release back; where it failed, every window counts. A part read at fewer points than the
   * release's floor (score.min_read_points) does not count: live, the release would call it unknown, not score it.
   */
  private async tried(
    windows: readonly Window[],
    before?: Promise<readonly ScoreResult[] | undefined>,
  ): Promise<ScoreResult[]> {
    this.runs++;
    try {
      const results = await this.inner.score(windows);
      this.latest = results.at(-1) ?? this.latest;
      const judged = await before;
      results.forEach((r, k) => {
        if (judged?.[k]?.anomalous) return; // the line was not healthy there
        // A part the release, live, would call unknown (read at fewer points than its floor): not one it is judged on.
        if (tooFewPointsRead(windows[k].unreadPoints, this.inner.windowLength, this.inner.minReadPoints)) return;
        this.windows++;
        if (r.anomalous) this.anomalous++;
      });
      return results;
    } catch (err) {
      this.failedRuns++;
      throw err;
    }
  }

  /**
   * The release's results become the gateway's from the next run on (confirmed); resolves once no run uses the model
   * before it any more, which may then be closed.
   */
  async goLive(): Promise<void> {
    this.shadowing = undefined;
    await Promise.allSettled([...this.inFlight]);
  }

  /** Resolves once the release's runs so far have ended (shadowed; at once when live). */
  async trialsEnded(): Promise<void> {
    await this.trials;
  }

  /** Why the model should be rolled back, or undefined while it behaves. */
  verdict(): string | undefined {
    if (this.runs > 0 && this.failedRuns / this.runs > this.limits.maxErrorRate)
      return `${this.failedRuns} of ${this.runs} scoring runs failed (limit ${this.limits.maxErrorRate * 100} %)`;
    if (this.windows >= this.limits.minWindows && this.anomalous / this.windows > this.limits.maxAnomalousFraction)
      return this.flaggedTooMany();
    return undefined;
  }

  /**
   * A verdict on too many windows flagged, as an operator reads it: what the release did, against what, what it means,
   * and what to do (a release rolled back is never applied again: a new version is needed).
   */
  private flaggedTooMany(): string {
    const limit = `(limit ${this.limits.maxAnomalousFraction * 100} %)`;
    const next = 'retrain or recalibrate the release on recent normal data and publish it as a new version';
    if (this.shadowing)
      return (
        `the release flagged ${this.anomalous} of the ${this.windows} windows that the model before it ` +
        `(${this.shadowing.version}) judged normal ${limit}: it would raise false alarms on a healthy line; ${next}`
      );
    return (
      `the release flagged ${this.anomalous} of the ${this.windows} windows it scored ${limit}, more than a healthy ` +
      `line shows: if the line is healthy, its alarms were false; ${next}`
    );
  }

  /** Closes the release (the model before it is the watch's to close or put back). */
  close(): Promise<void> {
    return this.inner.close();
  }
}
