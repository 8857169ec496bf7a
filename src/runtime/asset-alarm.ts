/**
 * One asset's anomaly alarm, as the pipeline drives it: the state machine, the events it emits (with their metrics),
 * operator commands on it, its restore from the journal, its hold count told to the journal, and its status. The
 * pipeline feeds it scores and gaps in order; what an event says of the score comes from the pipeline (`scoring`).
 */
import { alarmDefinition, alarmEvent, isAnnunciated, type AlarmEventContext } from '../alarms/alarm-event.js';
import { AlarmStateMachine, type AlarmInput, type AlarmTransition } from '../alarms/alarm-state.js';
import type { AlarmHoldCount, JournaledAlarm } from '../core/components.js';
import { CommandError } from '../core/errors.js';
import type { AlarmEvent, AlarmStateName, OperatorCommand, ScoreResult } from '../core/types.js';
import type { AssetConfig } from '../config/schema.js';
import { ANOMALY_ALARM } from '../core/asset-outline.js';
import type { Logger } from '../telemetry/logger.js';
import type { GatewayMetrics } from '../telemetry/metrics.js';

export { ANOMALY_ALARM } from '../core/asset-outline.js';

export interface AlarmStatus {
  readonly asset: string;
  readonly alarm: string;
  readonly priority: string;
  readonly state: AlarmStateName;
  readonly conditionActive: boolean;
  readonly shelvedUntil?: number;
  readonly since?: number;
}

export interface CommandRequest {
  readonly command: OperatorCommand;
  readonly by: string;
  readonly comment?: string;
  readonly durationMs?: number;
  readonly ts: number;
}

/** Where the alarm's events and hold counts go (AssetPipelineOutput's alarm half). */
export interface AssetAlarmOutput {
  onAlarm(event: AlarmEvent): void;
  /** The alarm's hold count changed (AlarmHoldCount): for the journal, which a restart restores it from. Called after
   * the transition of the same score, if any, in the same turn. */
  onAlarmHold?(hold: AlarmHoldCount): void;
}

export class AssetAlarm {
  private readonly machine: AlarmStateMachine;
  private since: number | undefined;
  /** The counts last told to onAlarmHold (the hold's, the off delay's); null: none yet this run, so the first score's
   * are told whatever they are. */
  private told: { ms: number | undefined; belowMs: number | undefined } | null = null;

  /** `sustainMs`: a sliding window's span (alarmDefinition); undefined for parts, judged one by one. */
  constructor(
    private readonly config: AssetConfig,
    sustainMs: number | undefined,
    private readonly output: AssetAlarmOutput,
    private readonly deps: {
      logger: Logger;
      metrics: GatewayMetrics;
      /** The latest score and the running model's threshold, for the events. */
      scoring: () => { readonly latest: ScoreResult | undefined; readonly modelThreshold: number };
      wall: () => number;
    },
  ) {
    this.machine = new AlarmStateMachine(alarmDefinition(config.alarm, sustainMs));
  }

  /** An operator command on the alarm; returns the event, or throws a CommandError with why not. */
  command(request: CommandRequest): AlarmEvent {
    const result = this.machine.handle({
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
    return this.emit(result.transition!);
  }

  /** Time passes (shelve expiry). */
  tick(ts: number): void {
    const { transition } = this.machine.handle({ kind: 'tick', ts });
    if (transition) this.emit(transition);
  }

  /** Windows were incomplete from `ts` on: the raising delays start again. */
  gap(ts: number): void {
    this.machine.handle({ kind: 'gap', ts });
  }

  /** A window's score, in order: its transition, if any, then its hold count. `windowMs`: the time a part's window
   * saw (its cycle), which the alarm counts after a gap (a sliding window's span is the definition's). */
  score(r: ScoreResult, windowMs?: number): void {
    const { transition } = this.machine.handle({
      kind: 'score',
      ts: r.ts,
      score: r.score,
      threshold: r.threshold,
      ...(r.offThreshold !== undefined ? { offThreshold: r.offThreshold } : {}),
      ...(r.clearThreshold !== undefined ? { clearThreshold: r.clearThreshold } : {}),
      ...(windowMs !== undefined ? { windowMs } : {}),
    });
    if (transition) this.emit(transition);
    this.tellHold(r.ts);
  }

  /** Tells the alarm's hold and off delay counts where either changed, or where none was told yet this run (the
   * journal may hold old ones). */
  private tellHold(ts: number): void {
    const ms = this.machine.holdMs;
    const belowMs = this.machine.offDelayCountMs;
    if (this.told && ms === this.told.ms && belowMs === this.told.belowMs) return;
    this.told = { ms, belowMs };
    this.output.onAlarmHold?.({
      asset: this.config.name,
      alarm: ANOMALY_ALARM,
      ts,
      ...(ms !== undefined ? { ms } : {}),
      ...(ms !== undefined && belowMs !== undefined ? { belowMs } : {}),
    });
  }

  /** Restores the alarm's state from a previous run (AlarmStateMachine.restore), saying so; false where not taken. */
  restore(last: JournaledAlarm): boolean {
    const { state, ts } = last;
    if (!this.machine.restore(last, this.deps.wall())) {
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
    if (state === 'unack_active' || state === 'ack_active') this.since = last.since ?? ts;
    if (state === 'rtn_unack' && last.since !== undefined) this.since = last.since;
    this.deps.metrics.alarmActive.set({ asset: this.config.name, alarm: ANOMALY_ALARM }, isAnnunciated(state) ? 1 : 0);
    const holdMs = this.machine.holdMs;
    const belowMs = this.machine.offDelayCountMs;
    this.deps.logger.info(
      {
        asset: this.config.name,
        state,
        since: new Date(ts).toISOString(),
        ...(this.since !== undefined ? { active_since: new Date(this.since).toISOString() } : {}),
        ...(holdMs !== undefined ? { hold_ms: holdMs } : {}),
        ...(belowMs !== undefined ? { off_delay_counted_ms: belowMs } : {}),
      },
      `asset ${this.config.name}: alarm restored as ${state}${
        state === 'shelved' ? ` until ${new Date(this.machine.shelvedUntilTs!).toISOString()}` : ''
      }, the state the journal left it in${
        holdMs !== undefined
          ? `, its score seen at or below the clear level for ${holdMs} ms so far (the hold goes on from there)`
          : ''
      }${
        belowMs !== undefined
          ? `, below where it clears for ${belowMs} ms of its off delay (${this.config.alarm.off_delay_ms} ms)`
          : ''
      }`,
    );
    return true;
  }

  /**
   * The alarm as it stands, as an event (from and to its current state): what an output that follows the alarm is
   * written again from, at start and when the device it writes to comes back. Not a transition: never published.
   */
  current(ts: number): AlarmEvent {
    const state = this.machine.state;
    return {
      ...alarmEvent(
        { from: state, to: state, ts, cause: 'condition', conditionActive: this.machine.conditionActive },
        this.context(),
      ),
      message: `${this.config.name}: alarm ${state}, its outputs written again`,
    };
  }

  /** What an alarm event of this asset is made with besides its transition: its settings, latest score, threshold. */
  private context(): AlarmEventContext {
    const { latest, modelThreshold } = this.deps.scoring();
    return {
      asset: this.config.name,
      alarm: ANOMALY_ALARM,
      settings: this.config.alarm,
      latest,
      threshold: this.config.alarm.threshold ?? modelThreshold,
    };
  }

  private emit(t: AlarmTransition): AlarmEvent {
    const event = alarmEvent(t, this.context());
    // Active since the raise; one out of rtn_unack (the condition had cleared) is a new activation.
    if (t.to === 'unack_active' || t.to === 'ack_active')
      this.since = t.from === 'rtn_unack' ? t.ts : (this.since ?? t.ts);
    if (t.to === 'normal') this.since = undefined;
    const labels = { asset: event.asset, alarm: event.alarm };
    this.deps.metrics.alarmActive.set(labels, isAnnunciated(t.to) ? 1 : 0);
    if (t.to === 'unack_active' && t.from !== 'unack_active') this.deps.metrics.alarmsRaised.inc(labels);
    this.output.onAlarm(event);
    return event;
  }

  status(): AlarmStatus {
    return {
      asset: this.config.name,
      alarm: ANOMALY_ALARM,
      priority: this.config.alarm.priority,
      state: this.machine.state,
      conditionActive: this.machine.conditionActive,
      ...(this.machine.shelvedUntilTs !== undefined ? { shelvedUntil: this.machine.shelvedUntilTs } : {}),
      ...(this.since !== undefined ? { since: this.since } : {}),
    };
  }
}
