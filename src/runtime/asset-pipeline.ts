/**
 * One asset's path through the gateway: samples → rows → windows (sliding, or one per part) →
 * model → alarm, and for parts a pass/fail verdict with the part id.
 * Windows are scored in order, in micro-batches (all windows that queued while the previous
 * run was in flight go in one session.run). The queue is bounded: if scoring falls behind by more
 * than `maxQueuedWindows`, the oldest windows are dropped and counted. A failing model marks the
 * asset degraded; the rest of the gateway keeps running. A part whose window goes unscored
 * (dropped, or the model failed) is judged unknown with the reason, like an incomplete cycle.
 */
import { windowSpanMs, type JournaledAlarm, type Model } from '../core/components.js';
import { withThreshold } from '../core/verdict.js';
import type { AlarmEvent, PartResult, Sample, ScoreResult, Window } from '../core/types.js';
import type { AssetConfig } from '../config/schema.js';
import type { Logger } from '../telemetry/logger.js';
import type { GatewayMetrics } from '../telemetry/metrics.js';
import { AssetWindows, type AssetWindowOutcome } from '../windows/asset-windows.js';
import {
  ANOMALY_ALARM,
  AssetAlarm,
  type AlarmStatus,
  type AssetAlarmOutput,
  type CommandRequest,
} from './asset-alarm.js';
import { InputWatch, type Blindness } from './input-watch.js';
import { MachineStops, type Stopped } from './machine-stops.js';
import { LateRows } from './late-rows.js';
import { judgedParts, unknownParts, unscoredParts, type UnjudgedPart } from './part-results.js';
import { PartCounterGaps } from './part-counter-gaps.js';
import { tooFewPointsRead } from '../core/points-read.js';

export { ANOMALY_ALARM, type AlarmStatus, type CommandRequest };

export interface AssetPipelineOutput extends AssetAlarmOutput {
  onScores(scores: readonly ScoreResult[]): void;
  onParts(parts: readonly PartResult[]): void;
}

export interface AssetStatus {
  readonly name: string;
  /** The model whose results drive the alarm (a release shadowed on probation is not it: /api/status's models). */
  readonly model: string;
  readonly modelVersion: string;
  readonly channels: readonly string[];
  readonly windowsScored: number;
  readonly windowsIncomplete: number;
  readonly windowsDropped: number;
  readonly parts?: { readonly pass: number; readonly fail: number; readonly unknown: number };
  /** Why the asset is not doing its job: its model failed, or it is blind (InputWatch). */
  readonly degraded: string | undefined;
  /** A sliding-window asset that formed no complete window for two window spans: since when, and why. */
  readonly blind?: Blindness;
  /** Its machine does not run, or settles after its restart (running_when): since when, the condition, why (and until
   * when it settles); its rows are not scored meanwhile. */
  readonly stopped?: Stopped;
  readonly alarm: AlarmStatus;
  readonly latest: ScoreResult | undefined;
  readonly maxScore: number;
}

/** A window waiting to be scored, with its part's cycle time: it leaves the queue with the window. */
interface QueuedWindow {
  readonly window: Window;
  readonly cycleMs?: number;
  /** Windows before this one were incomplete (no data: a source down, a pause): the alarm's raising delays start
   * again. */
  gapBefore?: number;
}

/** A window's part's cycle time, where it has one. */
function cycleOf(outcome: { readonly durationMs?: number }): { cycleMs?: number } {
  return outcome.durationMs !== undefined ? { cycleMs: outcome.durationMs } : {};
}

/** A score with its window's held rows, where some were held. */
function withHeld(r: ScoreResult, w: Window): ScoreResult {
  return w.held !== undefined ? { ...r, held: w.held } : r;
}

export class AssetPipeline {
  private readonly windows: AssetWindows;
  private readonly partCounts = { pass: 0, fail: 0, unknown: 0 };
  private readonly alarm: AssetAlarm;
  /** Since the last queued window, windows were incomplete (from this time): told to the alarm in order. */
  private pendingGap: number | undefined;
  private queue: QueuedWindow[] = [];
  private running: Promise<void> | undefined;
  private windowsScored = 0;
  private windowsIncomplete = 0;
  private windowsDropped = 0;
  private degraded: string | undefined;
  /** Why the model at start is not the asset's newest confirmed update, said while that model runs. */
  private fallback: { readonly model: Model; readonly why: string } | undefined;
  private latest: ScoreResult | undefined;
  private maxScore = 0;
  private readonly watch: InputWatch | undefined;
  private readonly stops: MachineStops | undefined;
  /** Rows whose samples came late: counted and said once per source. */
  private readonly lateRows: LateRows;
  private readonly now: () => number;
  private readonly wall: () => number;
  /** The row the windows hold back for the next batch, and since when (`now`): let go after a bound (releaseHeld). */
  private held: object | undefined;
  private heldSince = 0;
  /** Parts a part counter skipped (their readings lost), given records, unknown: where parts have an id channel. */
  private readonly counterGaps: PartCounterGaps | undefined;

  constructor(
    readonly config: AssetConfig,
    private current: Model,
    private readonly output: AssetPipelineOutput,
    private readonly deps: {
      logger: Logger;
      metrics: GatewayMetrics;
      maxQueuedWindows?: number;
      /** The clocks (ms) the input watch reads, monotonic and wall: injected in tests. */
      now?: () => number;
      wall?: () => number;
    },
  ) {
    this.windows = new AssetWindows(
      config.name,
      current.channels,
      current.windowLength,
      config.window,
      current.samplePeriodMs,
      (message) => deps.logger.warn({ asset: config.name }, message),
      config.running_when,
      (source, lateMs) => this.lateRows.row(source, lateMs),
      (source) => this.lateRows.overtaken(source),
    );
    // A sliding window's score that stays above the clear level for a window's span raises the alarm too (sustain_ms);
    // parts (cycle windows) are judged one by one.
    const span = config.window.type === 'cycle' ? undefined : windowSpanMs(current);
    // Parts are judged one by one, an incomplete one as unknown; a sliding window's asset can go blind unseen.
    this.now = deps.now ?? (() => performance.now());
    this.wall = deps.wall ?? Date.now;
    this.stops = config.running_when
      ? new MachineStops(config.name, config.running_when, { ...deps, wall: this.wall })
      : undefined;
    this.lateRows = new LateRows(config.name, deps);
    this.alarm = new AssetAlarm(config, span, output, {
      logger: deps.logger,
      metrics: deps.metrics,
      scoring: () => ({ latest: this.latest, modelThreshold: this.model.threshold }),
      wall: this.wall,
    });
    if (span !== undefined) {
      const w = config.window as { hop_ms?: number; hop_samples?: number };
      const hopMs = w.hop_ms ?? (w.hop_samples ?? 1) * current.samplePeriodMs;
      // Two window spans (one to fill a window, one for the polls' jitter), or a hop and a span where hops are longer.
      this.watch = new InputWatch(Math.max(2 * span, hopMs + span));
    }
    if (this.watch) deps.metrics.assetBlind.set({ asset: config.name }, 0);
    const partIdChannel = (config.window as { part_id_channel?: string }).part_id_channel;
    if (config.window.type === 'cycle' && partIdChannel !== undefined)
      this.counterGaps = new PartCounterGaps(config.name, config.window.max_sample_age_ms);
  }

  get model(): Model {
    return this.current;
  }

  /**
   * Says that the model the asset starts with is not its newest confirmed update, and why (asset-models.ts): the
   * status carries it as long as that model runs (not while an update is on probation, and no more once one is
   * confirmed; again after a rollback to it).
   */
  runsFallback(why: string): void {
    this.fallback = { model: this.current, why };
    this.deps.metrics.assetModelFallback.set({ asset: this.config.name }, 1);
  }

  /**
   * Replaces the model between two scoring runs (atomic: the queue is untouched, so no window is
   * lost or scored twice). The new model must take the same channels and window length.
   * Returns the previous model, which the caller keeps for a rollback or closes.
   */
  swapModel(next: Model): Model {
    if (next.windowLength !== this.current.windowLength || next.channels.join() !== this.current.channels.join()) {
      throw new Error(
        `asset ${this.config.name}: model ${next.name} ${next.version} takes ${next.windowLength}×[${next.channels.join(',')}], the asset feeds ${this.current.windowLength}×[${this.current.channels.join(',')}]`,
      );
    }
    const previous = this.current;
    this.current = next;
    if (this.fallback)
      this.deps.metrics.assetModelFallback.set({ asset: this.config.name }, next === this.fallback.model ? 1 : 0);
    return previous;
  }

  /** Feeds a batch of samples (any assets; others are ignored). */
  push(batch: readonly Sample[]): void {
    if (this.watch && batch.some((s) => s.asset === this.config.name)) this.watch.sampled(this.now());
    this.counterGaps?.sampled(batch);
    const outcomes = this.windows.push(batch);
    const holding = this.windows.holding;
    if (holding !== this.held) this.heldSince = this.now();
    this.held = holding;
    this.take(outcomes);
  }

  /**
   * Lets a row held back for the next batch go (AssetWindows.release) where none has come for the asset's
   * max_sample_age_ms since it was held (`force`: at once, as the gateway stops). Why that long: the rows that could
   * still overtake it are stamped before it by up to max_sample_age_ms (source-rows.ts), and one that came later than
   * that after it would be older than the age limit as it came (the held row is stamped at its publish): past it, only
   * a source whose clock is set back could overtake it, and a row is never held longer than its values are fresh.
   */
  releaseHeld(force = false): void {
    if (this.held === undefined) return;
    if (!force && this.now() - this.heldSince < this.config.window.max_sample_age_ms) return;
    this.held = undefined;
    this.take(this.windows.release());
  }

  /** Takes the windows' outcomes: queued to score, incomplete ones and stops counted and said. */
  private take(outcomes: readonly AssetWindowOutcome[]): void {
    // The machine runs at the batch's last row: its stop ends (after the stopped rows of the batch, below).
    const runs = this.windows.running === 'running';
    if (outcomes.length === 0) {
      if (runs) this.stops?.running();
      return;
    }
    const now = this.now();
    for (const outcome of outcomes) {
      if (outcome.kind === 'stopped') {
        // Nothing is scored, and the alarm's delays start again at the next score. A stopped machine is no blindness
        // (the watch starts again); a condition channel with no fresh reading may be one.
        this.pendingGap ??= outcome.ts;
        this.stops?.row(outcome.state, outcome.why);
        if (outcome.state !== 'unknown') this.watch?.complete(now, this.wall());
        else this.watch?.incomplete(now, outcome.why);
        continue;
      }
      if (outcome.kind === 'incomplete') {
        this.pendingGap ??= outcome.ts;
        this.watch?.incomplete(now, outcome.why);
        this.windowsIncomplete++;
        this.deps.metrics.windowsIncomplete.inc({ asset: this.config.name });
        this.unjudged(this.skippedBefore(outcome));
        if (outcome.partId !== undefined)
          this.unjudged([{ partId: outcome.partId, ts: outcome.ts, reason: outcome.reason }]);
        continue;
      }
      this.watch?.complete(now, this.wall());
      this.unjudged(this.skippedBefore(outcome));
      const w = outcome.window;
      const tooFew =
        w.partId === undefined ? undefined : tooFewPointsRead(w.unreadPoints, w.length, this.model.minReadPoints);
      if (tooFew !== undefined) {
        // Read at too few of its points to judge (core/points-read.ts): unknown, and, unscored, a gap for the alarm.
        this.pendingGap ??= w.end;
        this.unjudged(unscoredParts([{ window: w, ...cycleOf(outcome) }], tooFew));
        continue;
      }
      this.queue.push({
        window: outcome.window,
        ...cycleOf(outcome),
        ...(this.pendingGap !== undefined ? { gapBefore: this.pendingGap } : {}),
      });
      this.pendingGap = undefined;
    }
    if (runs) this.stops?.running();
    const max = this.deps.maxQueuedWindows ?? 256;
    if (this.queue.length > max) {
      const dropped = this.queue.length - max;
      const gone = this.queue.splice(0, dropped);
      this.unscored(gone, 'its window was dropped unscored: scoring fell behind');
      // A gap the dropped windows carried still stands before the windows kept (dropped ones are no gap of their own:
      // the plant was seen, and an alarm must not wait for ever while scoring falls behind).
      const carried = gone.find((q) => q.gapBefore !== undefined)?.gapBefore;
      if (carried !== undefined) this.queue[0].gapBefore ??= carried;
      this.windowsDropped += dropped;
      this.deps.metrics.windowsDropped.inc({ asset: this.config.name }, dropped);
      this.deps.logger.warn(
        { asset: this.config.name, dropped },
        `asset ${this.config.name}: scoring fell behind, dropped ${dropped} oldest windows`,
      );
    }
    if (this.queue.length === 0) return;
    if (!this.running) this.running = this.drain().finally(() => (this.running = undefined));
  }

  /** Resolves when every queued window has been scored. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** An operator command on the asset's alarm; resolves with the event, or rejects with why not. */
  command(request: CommandRequest): AlarmEvent {
    return this.alarm.command(request);
  }

  /** Time passes (shelve expiry; whether the asset went blind or sees again). */
  tick(ts: number): void {
    this.releaseHeld();
    this.alarm.tick(ts);
    const change = this.watch?.check(this.now(), this.wall());
    if (change === undefined) return;
    const asset = this.config.name;
    this.deps.metrics.assetBlind.set({ asset }, change === 'blind' ? 1 : 0);
    if (change === 'blind')
      this.deps.logger.warn(
        { asset, since: new Date(this.watch!.state!.since).toISOString() },
        `asset ${asset}: blind, ${this.watch!.state!.reason}; nothing is scored and its alarm cannot rise`,
      );
    else if (this.stops?.stopped?.state === 'stopped')
      // A stop ends a blindness (nothing is there to score), but nothing is scored until the machine runs again.
      this.deps.logger.info({ asset }, `asset ${asset}: no longer blind: the machine is stopped, scored once it runs`);
    else this.deps.logger.info({ asset }, `asset ${asset}: windows complete again, scoring`);
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      const stop = this.deps.metrics.inferenceSeconds.startTimer({ asset: this.config.name });
      let results: ScoreResult[];
      try {
        results = await this.model.score(batch.map((q) => q.window));
      } catch (err) {
        this.deps.metrics.inferenceErrors.inc({ asset: this.config.name });
        const message = `asset ${this.config.name}: model ${this.model.name} failed: ${(err as Error).message}`;
        if (this.degraded !== message) this.deps.logger.error({ asset: this.config.name }, message);
        this.degraded = message;
        this.unscored(batch, `its window was not scored: ${message}`);
        this.gapAfter(batch);
        continue;
      } finally {
        stop();
      }
      this.degraded = undefined;
      // The asset's own threshold, if set, applies to whichever model runs (an update included).
      // A window that held a channel's reading over a failed read says so with its score (Window.held).
      const scored = results.map((r, i) => withHeld(withThreshold(r, this.config.alarm.threshold), batch[i].window));
      this.windowsScored += scored.length;
      this.deps.metrics.windowsScored.inc({ asset: this.config.name }, scored.length);
      const held = scored.filter((r) => r.held !== undefined).length;
      if (held > 0) this.deps.metrics.windowsHeld.inc({ asset: this.config.name }, held);
      for (const r of scored) this.maxScore = Math.max(this.maxScore, r.score);
      this.output.onScores(scored);
      const parts = judgedParts(
        this.config.name,
        scored,
        batch.map((q) => q.cycleMs),
      );
      for (const { verdict } of parts) {
        this.partCounts[verdict]++;
        this.deps.metrics.parts.inc({ asset: this.config.name, verdict });
      }
      if (parts.length > 0) this.output.onParts(parts);
      for (const [i, r] of scored.entries()) {
        const gap = batch[i].gapBefore;
        if (gap !== undefined) this.alarm.gap(gap);
        this.latest = r;
        this.deps.metrics.anomalyScore.set({ asset: this.config.name }, r.score);
        this.alarm.score(r, batch[i].cycleMs);
      }
    }
  }

  /**
   * Windows the model failed on are a gap for the alarm, as incomplete ones: nothing is known of the score over them,
   * so its raising delays count again after them and the hold does not count their time. Told before the next window
   * scored (one queued while the model ran, or the next to come), with a gap the failed windows carried.
   */
  private gapAfter(failed: readonly QueuedWindow[]): void {
    const gap = failed.find((q) => q.gapBefore !== undefined)?.gapBefore ?? failed[0].window.end;
    if (this.queue.length > 0) this.queue[0].gapBefore ??= gap;
    else this.pendingGap ??= gap;
  }

  /** The parts the part counter skipped before `outcome`'s part (part-counter-gaps.ts): judged unknown. */
  private skippedBefore(outcome: AssetWindowOutcome): readonly UnjudgedPart[] {
    return (
      this.counterGaps?.before(outcome, (notice) => this.deps.logger.warn({ asset: this.config.name }, notice)) ?? []
    );
  }

  /** The parts among windows that go unscored (dropped, or the model failed): judged unknown, with why. */
  private unscored(entries: readonly QueuedWindow[], reason: string): void {
    this.unjudged(unscoredParts(entries, reason));
  }

  /** Parts that cannot be judged: counted and reported with the verdict unknown and the reason. */
  private unjudged(parts: readonly UnjudgedPart[]): void {
    if (parts.length === 0) return;
    this.partCounts.unknown += parts.length;
    this.deps.metrics.parts.inc({ asset: this.config.name, verdict: 'unknown' }, parts.length);
    this.output.onParts(unknownParts(this.config.name, this.model.name, parts));
  }

  /** Restores the alarm's state from a previous run (AlarmStateMachine.restore), saying so; false where not taken. */
  restoreAlarm(last: JournaledAlarm): boolean {
    return this.alarm.restore(last);
  }

  /**
   * The alarm as it stands, as an event (from and to its current state): what an output that follows the alarm is
   * written again from, at start and when the device it writes to comes back. Not a transition: never published.
   */
  currentAlarm(ts: number): AlarmEvent {
    return this.alarm.current(ts);
  }

  status(): AssetStatus {
    const driving = this.model.driving ?? this.model;
    return {
      name: this.config.name,
      model: driving.name,
      modelVersion: driving.version,
      channels: this.model.channels,
      windowsScored: this.windowsScored,
      windowsIncomplete: this.windowsIncomplete,
      windowsDropped: this.windowsDropped,
      ...(this.config.window.type === 'cycle' ? { parts: { ...this.partCounts } } : {}),
      degraded:
        this.degraded ??
        (this.watch?.state ? `blind: ${this.watch.state.reason}` : undefined) ??
        (this.fallback?.model === this.current ? this.fallback.why : undefined),
      ...(this.watch?.state ? { blind: this.watch.state } : {}),
      ...(this.stops?.stopped ? { stopped: this.stops.stopped } : {}),
      alarm: this.alarm.status(),
      latest: this.latest,
      maxScore: this.maxScore,
    };
  }
}
