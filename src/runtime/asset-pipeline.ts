/**
 * One asset's path through the gateway: samples → rows → windows (sliding, or one per part) →
 * model → alarm, and for parts a pass/fail verdict with the part id.
 * Windows are scored in order, in micro-batches (all windows that queued while the previous
 * run was in flight go in one session.run). The queue is bounded: if scoring falls behind by more
 * than `maxQueuedWindows`, the oldest windows are dropped and counted. A failing model marks the
 * asset degraded; the rest of the gateway keeps running. A part whose window goes unscored
 * (dropped, or the model failed) is judged unknown with the reason, like an incomplete cycle.
 */
import { alarmDefinition, alarmEvent, isAnnunciated, type AlarmEventContext } from '../alarms/alarm-event.js';
import { AlarmStateMachine, type AlarmInput, type AlarmTransition } from '../alarms/alarm-state.js';
import { windowSpanMs, type AlarmHoldCount, type JournaledAlarm, type Model } from '../core/components.js';
import { CommandError } from '../core/errors.js';
import { verdictOf, withThreshold, type PartVerdict } from '../core/verdict.js';
import type {
  AlarmEvent,
  AlarmStateName,
  OperatorCommand,
  PartResult,
  Sample,
  ScoreResult,
  Window,
} from '../core/types.js';
import type { AssetConfig } from '../config/schema.js';
import type { Logger } from '../telemetry/logger.js';
import type { GatewayMetrics } from '../telemetry/metrics.js';
import { AssetWindows } from '../windows/asset-windows.js';
import { InputWatch, type Blindness } from './input-watch.js';

export const ANOMALY_ALARM = 'anomaly';

export interface AssetPipelineOutput {
  onScores(scores: readonly ScoreResult[]): void;
  onAlarm(event: AlarmEvent): void;
  onParts(parts: readonly PartResult[]): void;
  /** The alarm's hold count changed (AlarmHoldCount): for the journal, which a restart restores it from. Called after
   * the transition of the same score, if any, in the same turn. */
  onAlarmHold?(hold: AlarmHoldCount): void;
}

export interface AlarmStatus {
  readonly asset: string;
  readonly alarm: string;
  readonly priority: string;
  readonly state: AlarmStateName;
  readonly conditionActive: boolean;
  readonly shelvedUntil?: number;
  readonly since?: number;
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
  readonly alarm: AlarmStatus;
  readonly latest: ScoreResult | undefined;
  readonly maxScore: number;
}

export interface CommandRequest {
  readonly command: OperatorCommand;
  readonly by: string;
  readonly comment?: string;
  readonly durationMs?: number;
  readonly ts: number;
}

/** A window waiting to be scored, with its part's cycle time: it leaves the queue with the window. */
interface QueuedWindow {
  readonly window: Window;
  readonly cycleMs?: number;
  /** Windows before this one were incomplete (no data: a source down, a pause): the alarm's raising delays start
   * again. */
  gapBefore?: number;
}

export class AssetPipeline {
  private readonly windows: AssetWindows;
  private readonly partCounts = { pass: 0, fail: 0, unknown: 0 };
  private readonly alarm: AlarmStateMachine;
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
  private alarmSince: number | undefined;
  /** The hold count last told to onAlarmHold; null: none yet this run, so the first score's is told whatever it is. */
  private toldHoldMs: number | undefined | null = null;
  private readonly watch: InputWatch | undefined;
  private readonly now: () => number;
  private readonly wall: () => number;

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
    );
    // A sliding window's score that stays above the clear level for a window's span raises the alarm too (sustain_ms);
    // parts (cycle windows) are judged one by one.
    const span = config.window.type === 'cycle' ? undefined : windowSpanMs(current);
    this.alarm = new AlarmStateMachine(alarmDefinition(config.alarm, span));
    // Parts are judged one by one, an incomplete one as unknown; a sliding window's asset can go blind unseen.
    this.now = deps.now ?? (() => performance.now());
    this.wall = deps.wall ?? Date.now;
    if (span !== undefined) {
      const w = config.window as { hop_ms?: number; hop_samples?: number };
      const hopMs = w.hop_ms ?? (w.hop_samples ?? 1) * current.samplePeriodMs;
      // Two window spans (one to fill a window, one for the polls' jitter), or a hop and a span where hops are longer.
      this.watch = new InputWatch(Math.max(2 * span, hopMs + span));
    }
    if (this.watch) deps.metrics.assetBlind.set({ asset: config.name }, 0);
  }

  get model(): Model {
    return this.current;
  }

  /**
   * Replaces the model between two scoring runs (atomic: the queue is untouched, so no window is
   * lost or scored twice). The new model must take the same channels and window length.
   * Returns the previous model, which the caller keeps for a rollback or closes.
   */
  /**
   * Says that the model the asset starts with is not its newest confirmed update, and why (asset-models.ts): the
   * status carries it as long as that model runs (not while an update is on probation, and no more once one is
   * confirmed; again after a rollback to it).
   */
  runsFallback(why: string): void {
    this.fallback = { model: this.current, why };
    this.deps.metrics.assetModelFallback.set({ asset: this.config.name }, 1);
  }

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
    const outcomes = this.windows.push(batch);
    if (outcomes.length === 0) return;
    const now = this.now();
    for (const outcome of outcomes) {
      if (outcome.kind === 'incomplete') {
        this.pendingGap ??= outcome.ts;
        this.watch?.incomplete(now, outcome.why);
        this.windowsIncomplete++;
        this.deps.metrics.windowsIncomplete.inc({ asset: this.config.name });
        if (outcome.partId !== undefined)
          this.unjudged([{ partId: outcome.partId, ts: outcome.ts, reason: outcome.reason }]);
        continue;
      }
      this.watch?.complete(now, this.wall());
      this.queue.push({
        window: outcome.window,
        ...(outcome.durationMs !== undefined ? { cycleMs: outcome.durationMs } : {}),
        ...(this.pendingGap !== undefined ? { gapBefore: this.pendingGap } : {}),
      });
      this.pendingGap = undefined;
    }
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
    const result = this.alarm.handle({
      kind: request.command,
      ts: request.ts,
      by: request.by,
      comment: request.comment,
      durationMs: request.durationMs,
    } as AlarmInput);
    if (result.refused)
      throw new CommandError(
        result.invalid ? 400 : 409,
        `${this.config.name}/${ANOMALY_ALARM}: ${request.command} refused: ${result.refused}`,
      );
    return this.emitAlarm(result.transition!);
  }

  /** Time passes (shelve expiry; whether the asset went blind or sees again). */
  tick(ts: number): void {
    const { transition } = this.alarm.handle({ kind: 'tick', ts });
    if (transition) this.emitAlarm(transition);
    const change = this.watch?.check(this.now(), this.wall());
    if (change === undefined) return;
    const asset = this.config.name;
    this.deps.metrics.assetBlind.set({ asset }, change === 'blind' ? 1 : 0);
    if (change === 'blind')
      this.deps.logger.warn(
        { asset, since: new Date(this.watch!.state!.since).toISOString() },
        `asset ${asset}: blind, ${this.watch!.state!.reason}; nothing is scored and its alarm cannot rise`,
      );
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
      const scored = results.map((r) => withThreshold(r, this.config.alarm.threshold));
      this.windowsScored += scored.length;
      this.deps.metrics.windowsScored.inc({ asset: this.config.name }, scored.length);
      for (const r of scored) this.maxScore = Math.max(this.maxScore, r.score);
      this.output.onScores(scored);
      const parts: PartResult[] = [];
      // One result per window, in order (the Model contract): the i-th result is batch[i]'s.
      for (const [i, r] of scored.entries()) {
        if (r.partId === undefined) continue;
        const verdict = verdictOf(r) as PartVerdict;
        this.partCounts[verdict]++;
        this.deps.metrics.parts.inc({ asset: this.config.name, verdict });
        const { cycleMs } = batch[i];
        parts.push({
          asset: this.config.name,
          partId: r.partId,
          ts: r.ts,
          verdict,
          score: r.score,
          threshold: r.threshold,
          topChannels: r.contributions.slice(0, 3).map((c) => c.channel),
          ...(cycleMs !== undefined ? { cycleMs } : {}),
          model: r.model,
        });
      }
      if (parts.length > 0) this.output.onParts(parts);
      for (const [i, r] of scored.entries()) {
        const gap = batch[i].gapBefore;
        if (gap !== undefined) this.alarm.handle({ kind: 'gap', ts: gap });
        this.latest = r;
        this.deps.metrics.anomalyScore.set({ asset: this.config.name }, r.score);
        const { transition } = this.alarm.handle({
          kind: 'score',
          ts: r.ts,
          score: r.score,
          threshold: r.threshold,
          ...(r.offThreshold !== undefined ? { offThreshold: r.offThreshold } : {}),
          ...(r.clearThreshold !== undefined ? { clearThreshold: r.clearThreshold } : {}),
        });
        if (transition) this.emitAlarm(transition);
        this.tellHold(r.ts);
      }
    }
  }

  /** Tells the alarm's hold count where it changed, or where none was told yet this run (the journal may hold an
   * old one). */
  private tellHold(ts: number): void {
    const ms = this.alarm.holdMs;
    if (ms === this.toldHoldMs) return;
    this.toldHoldMs = ms;
    this.output.onAlarmHold?.({
      asset: this.config.name,
      alarm: ANOMALY_ALARM,
      ts,
      ...(ms !== undefined ? { ms } : {}),
    });
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

  /** The parts among windows that go unscored (dropped, or the model failed): judged unknown, with why. */
  private unscored(entries: readonly QueuedWindow[], reason: string): void {
    this.unjudged(
      entries.flatMap(({ window: w, cycleMs }) =>
        w.partId === undefined
          ? []
          : [{ partId: w.partId, ts: w.end, reason, ...(cycleMs !== undefined ? { cycleMs } : {}) }],
      ),
    );
  }

  /** Parts that cannot be judged: counted and reported with the verdict unknown and the reason. */
  private unjudged(parts: readonly { partId: string; ts: number; reason: string; cycleMs?: number }[]): void {
    if (parts.length === 0) return;
    this.partCounts.unknown += parts.length;
    this.deps.metrics.parts.inc({ asset: this.config.name, verdict: 'unknown' }, parts.length);
    this.output.onParts(
      parts.map((p) => ({
        asset: this.config.name,
        ...p,
        verdict: 'unknown',
        topChannels: [],
        model: this.model.name,
      })),
    );
  }

  /** Restores the alarm's state from a previous run (AlarmStateMachine.restore), saying so; false where not taken. */
  restoreAlarm(last: JournaledAlarm): boolean {
    const { state, ts } = last;
    if (!this.alarm.restore(last, this.wall())) {
      if (state === 'shelved')
        this.deps.logger.warn(
          { asset: this.config.name },
          last.shelvedUntil === undefined
            ? `asset ${this.config.name}: its alarm was shelved when the gateway stopped, in a journal that does not say until when: the alarm starts normal`
            : `asset ${this.config.name}: its alarm's shelve ended while the gateway was stopped: the alarm starts normal`,
        );
      return false;
    }
    // Since the raise, as a running gateway says; where the journal no longer holds it, since the row restored.
    if (state === 'unack_active' || state === 'ack_active') this.alarmSince = last.since ?? ts;
    if (state === 'rtn_unack' && last.since !== undefined) this.alarmSince = last.since;
    this.deps.metrics.alarmActive.set({ asset: this.config.name, alarm: ANOMALY_ALARM }, isAnnunciated(state) ? 1 : 0);
    const holdMs = this.alarm.holdMs;
    this.deps.logger.info(
      {
        asset: this.config.name,
        state,
        since: new Date(ts).toISOString(),
        ...(this.alarmSince !== undefined ? { active_since: new Date(this.alarmSince).toISOString() } : {}),
        ...(holdMs !== undefined ? { hold_ms: holdMs } : {}),
      },
      `asset ${this.config.name}: alarm restored as ${state}${
        state === 'shelved' ? ` until ${new Date(this.alarm.shelvedUntilTs!).toISOString()}` : ''
      }, the state the journal left it in${
        holdMs !== undefined
          ? `, its score seen at or below the clear level for ${holdMs} ms so far (the hold goes on from there)`
          : ''
      }`,
    );
    return true;
  }

  /**
   * The alarm as it stands, as an event (from and to its current state): what an output that follows the alarm is
   * written again from, at start and when the device it writes to comes back. Not a transition: never published.
   */
  currentAlarm(ts: number): AlarmEvent {
    const state = this.alarm.state;
    return {
      ...alarmEvent(
        { from: state, to: state, ts, cause: 'condition', conditionActive: this.alarm.conditionActive },
        this.alarmContext(),
      ),
      message: `${this.config.name}: alarm ${state}, its outputs written again`,
    };
  }

  /** What an alarm event of this asset is made with besides its transition: its settings, latest score, threshold. */
  private alarmContext(): AlarmEventContext {
    return {
      asset: this.config.name,
      alarm: ANOMALY_ALARM,
      settings: this.config.alarm,
      latest: this.latest,
      threshold: this.config.alarm.threshold ?? this.model.threshold,
    };
  }

  private emitAlarm(t: AlarmTransition): AlarmEvent {
    const event = alarmEvent(t, this.alarmContext());
    if (t.to === 'unack_active' || t.to === 'ack_active') this.alarmSince ??= t.ts;
    if (t.to === 'normal') this.alarmSince = undefined;
    const labels = { asset: event.asset, alarm: event.alarm };
    this.deps.metrics.alarmActive.set(labels, isAnnunciated(t.to) ? 1 : 0);
    if (t.to === 'unack_active' && t.from !== 'unack_active') this.deps.metrics.alarmsRaised.inc(labels);
    this.output.onAlarm(event);
    return event;
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
      alarm: {
        asset: this.config.name,
        alarm: ANOMALY_ALARM,
        priority: this.config.alarm.priority,
        state: this.alarm.state,
        conditionActive: this.alarm.conditionActive,
        ...(this.alarm.shelvedUntilTs !== undefined ? { shelvedUntil: this.alarm.shelvedUntilTs } : {}),
        ...(this.alarmSince !== undefined ? { since: this.alarmSince } : {}),
      },
      latest: this.latest,
      maxScore: this.maxScore,
    };
  }
}
