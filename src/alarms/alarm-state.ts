/**
 * An alarm in the spirit of ISA-18.2, as a pure state machine (no clock, no I/O: time comes in
 * with each input). States:
 *
 *   normal          condition clear, nothing to acknowledge
 *   unack_active    condition active, not acknowledged (annunciated)
 *   ack_active      condition active, acknowledged
 *   rtn_unack       returned to normal, not yet acknowledged
 *   shelved         suppressed by an operator until unshelved or the shelve expires
 *   out_of_service  removed from service (maintenance); nothing annunciated
 *
 * The condition is the score against the threshold, debounced: it becomes active after the score
 * has stayed above the threshold for `onDelayMs`, and clear after it has been seen below the clear
 * level (hysteresis) for `offDelayMs`: `clearRatio × threshold` when the alarm sets a ratio, else
 * the model's calibrated `offThreshold`, else 0.8 × threshold. With `sustainMs`, a score that stays
 * above the clear level that long (and at least the on delay) also raises it (a deviation that persists below the
 * threshold). Where the model's `clearThreshold` (its largest normal score) lies below the clear level and the alarm
 * sets no ratio, a raised alarm clears only below it (releaseLevel): a score at or above every normal score is not
 * back to normal; the clear level still sets what a sustained deviation must hold. That hold lasts at most the sustain
 * time (none without one), the mirror of the sustain rule: once the score has been seen at or below the clear level
 * that long, the alarm clears there after the off delay as it would without the hold, so a plant that settles above
 * its largest normal score after a fault (a new steady state) cannot keep an alarm active, and hide the next fault,
 * for good. The
 * hold counts time seen at or below the clear level: the time between two scores there, not across a `gap` (nothing
 * is known of it, so it counts neither way: what was counted before it stays, a score above the clear level starts the
 * count again; the first score after it counts its own window, complete and so seen, up to the time since the last
 * score counted) nor across a restart (restore() takes back the count a previous run reached; the downtime is not in
 * it). The off delay counts time seen below where the alarm clears the same way (seen-time.ts): a gap pauses it, a
 * restart goes on from its count. The raising delays count scores in a row:
 * windows that could not be scored in between (a `gap`) start them again, so two high scores either side of a
 * source's outage are not taken for a score that stayed high.
 * A latching alarm stays active after the condition clears until an operator acknowledges and
 * resets it. Every input yields at most one transition, so one condition never produces duplicate
 * events.
 */

import type { AlarmStateName, OperatorCommand, TransitionCause } from '../core/types.js';
import { SeenTime } from './seen-time.js';

export type { AlarmStateName, OperatorCommand, TransitionCause };

export interface AlarmDefinition {
  readonly onDelayMs: number;
  readonly offDelayMs: number;
  /** Clear below this share of the threshold; undefined: the score's own offThreshold (the model's calibration). */
  readonly clearRatio?: number;
  readonly latching: boolean;
  readonly maxShelveMs: number;
  /** Raise also when the score has stayed above the clear level this long: a sustained deviation that never reaches
   * the threshold. 0: only the threshold raises; undefined: the time each score suggests (its model's window span),
   * else only the threshold. */
  readonly sustainMs?: number;
  /** The span of the windows scored (a sliding window's): the time a score after a gap is known to have seen, which
   * the hold and the off delay count (a scored window is complete). Undefined: none (parts, judged one by one). */
  readonly windowMs?: number;
}

export type AlarmInput =
  | {
      readonly kind: 'score';
      readonly ts: number;
      readonly score: number;
      readonly threshold: number;
      readonly offThreshold?: number;
      /** Where a raised alarm clears when below the clear level (the model's largest normal score): the clear level
       * then only sets what a sustained deviation must hold. Ignored where the alarm sets a clear ratio. */
      readonly clearThreshold?: number;
      /** The sustain time the score's model suggests (its window span), used when the definition sets none. */
      readonly sustainMs?: number;
      /** The time this score's window saw (a part's cycle), where the definition sets no window span for all. */
      readonly windowMs?: number;
    }
  | { readonly kind: 'tick'; readonly ts: number }
  /** Windows that could not be scored (incomplete: a source down, a pause): the on and sustain delays count again
   * from the next score, since nothing is known of the time between; the condition stays. The off delay and the hold
   * at the largest normal score pause: the time up to the next score is not counted as time below the clear level
   * but what its window saw, what was counted stays (a source that drops out now and then must not keep an alarm
   * active for good, as starting again would). */
  | { readonly kind: 'gap'; readonly ts: number }
  | {
      readonly kind: OperatorCommand;
      readonly ts: number;
      readonly by: string;
      readonly comment?: string;
      readonly durationMs?: number;
    };

export interface AlarmTransition {
  readonly from: AlarmStateName;
  readonly to: AlarmStateName;
  readonly ts: number;
  readonly cause: TransitionCause;
  readonly command?: OperatorCommand;
  readonly by?: string;
  readonly comment?: string;
  readonly conditionActive: boolean;
  /** Present when the sustain rule raised it (the score stayed above its clear level, not above the threshold for the
   * on delay): the clear level and how long the score has been above it. */
  readonly sustained?: { readonly clear: number; readonly forMs: number };
  /** Present when the hold ran out (the score was seen at or below the clear level for the sustain time and the off
   * delay, but not back below the model's largest normal score for the off delay, where a raised alarm otherwise
   * clears): the clear level, the largest normal score and the time seen at or below the clear level (gaps and
   * restarts not counted). */
  readonly settled?: { readonly clear: number; readonly release: number; readonly forMs: number };
  /** A condition that cleared (cause `condition`, not active): the level the score stayed below for the off delay,
   * the largest normal score, or the clear level (at or below) where there was no hold. */
  readonly clearedBelow?: number;
  /** Into `shelved`: when the shelve ends. */
  readonly shelvedUntil?: number;
}

/** `refused`: why a command was not carried out; `invalid`: because of the command's input (a shelve longer than the
 * maximum), not the alarm's state. */
export type AlarmResult = {
  readonly transition?: AlarmTransition;
  readonly refused?: string;
  readonly invalid?: boolean;
};

/** The ratio used when neither the alarm nor the model sets where the alarm clears. */
export const DEFAULT_CLEAR_RATIO = 0.8;

/** Where an alarm clears for a threshold: the alarm's ratio, else the model's off threshold, else the default ratio. */
export function clearLevel(def: Pick<AlarmDefinition, 'clearRatio'>, threshold: number, offThreshold?: number): number {
  if (def.clearRatio !== undefined) return threshold * def.clearRatio;
  return offThreshold !== undefined && offThreshold < threshold ? offThreshold : threshold * DEFAULT_CLEAR_RATIO;
}

/** Where a raised alarm clears: the clear level (clearLevel), or the model's clear threshold where that lies below it
 * and the alarm sets no ratio of its own. */
export function releaseLevel(
  def: Pick<AlarmDefinition, 'clearRatio'>,
  threshold: number,
  offThreshold?: number,
  clearThreshold?: number,
): number {
  const clear = clearLevel(def, threshold, offThreshold);
  const own = def.clearRatio === undefined && clearThreshold !== undefined;
  return own && clearThreshold < clear ? clearThreshold : clear;
}

/** How long a held alarm's score has been seen at or below its clear level (the hold's count), as of a score's time,
 * and of that, below where it clears (`belowMs`, the off delay's count; none where it is not): what a restart takes
 * back (AlarmStateMachine.restore). */
export interface HoldCount {
  readonly ms: number;
  readonly ts: number;
  readonly belowMs?: number;
}

/** The states a restart restores (AlarmStateMachine.restore). */
const RESTORED: readonly AlarmStateName[] = ['unack_active', 'ack_active', 'rtn_unack', 'out_of_service'];

export class AlarmStateMachine {
  private current: AlarmStateName = 'normal';
  private condition = false;
  private aboveSince: number | undefined;
  /** Time seen below where a raised alarm clears (the off delay's count) since the score last went to or above it. */
  private readonly belowRelease = new SeenTime();
  /** Time seen at or below the clear level since the score last went above it (the hold's count). */
  private readonly underClear = new SeenTime();
  /** Windows went unscored since the last score: it counts at most its window. */
  private afterGap = false;
  private elevatedSince: number | undefined;
  private shelvedUntil: number | undefined;

  constructor(private readonly def: AlarmDefinition) {}

  get state(): AlarmStateName {
    return this.current;
  }

  get conditionActive(): boolean {
    return this.condition;
  }

  get shelvedUntilTs(): number | undefined {
    return this.current === 'shelved' ? this.shelvedUntil : undefined;
  }

  /** The hold's count while the condition is active: the time seen at or below the clear level; undefined where the
   * score is above it (or none came yet) or the condition is clear. */
  get holdMs(): number | undefined {
    return this.condition ? this.underClear.ms : undefined;
  }

  /** The off delay's count while the condition is active: the time seen below where the alarm clears; undefined where
   * the score is not below it (or none came yet) or the condition is clear. */
  get offDelayCountMs(): number | undefined {
    return this.condition ? this.belowRelease.ms : undefined;
  }

  /**
   * Puts a fresh alarm back in the state a previous run left it in (the local store's journal): an unacknowledged
   * alarm stays to be acknowledged, one out of service stays out. The condition is taken as the state says (active in
   * unack_active and ack_active); the next scores decide from there. Not a transition: nothing is annunciated again.
   * A shelved alarm stays shelved until its shelve's end, where that is still ahead of `now`; else it starts normal,
   * and an active condition raises it anew. The end is never later than the longest shelve from when it was journaled
   * (`ts`) nor from `now`: a clock stepped back, a journal from another box or restarts one after another cannot hide
   * the alarm for longer than an operator could. An active alarm takes back the hold's count (`hold`: the time the
   * previous run saw its score at or below the clear level), where it is a count that alarm could have reached: at
   * most the time from `since` (its raise), else `ts`, to the count's, and counted no later than `now`. The time the
   * gateway was stopped is not counted: the next score counts on from there. So does the off delay's count taken with
   * it (`hold.belowMs`), where no more than the hold's (the time below where the alarm clears is time at or below the
   * clear level). Returns whether the state was taken.
   */
  restore(
    last: {
      readonly state: AlarmStateName;
      readonly ts: number;
      readonly shelvedUntil?: number;
      readonly since?: number;
      readonly hold?: HoldCount;
    },
    now: number,
  ): boolean {
    if (this.current !== 'normal') return false;
    if (last.state === 'shelved') {
      if (last.shelvedUntil === undefined) return false;
      const end = Math.min(last.shelvedUntil, last.ts + this.def.maxShelveMs, now + this.def.maxShelveMs);
      if (!(end > now)) return false;
      this.current = 'shelved';
      this.shelvedUntil = end;
      return true;
    }
    if (!RESTORED.includes(last.state)) return false;
    this.current = last.state;
    this.condition = last.state === 'unack_active' || last.state === 'ack_active';
    const { hold } = last;
    // A count journaled after `now` (a clock stepped back, a journal from another box) is not taken: at worst, one
    // more full hold.
    if (this.condition && hold && hold.ms >= 0 && hold.ts <= now && hold.ms <= hold.ts - (last.since ?? last.ts)) {
      this.underClear.restore(hold.ms);
      if (hold.belowMs !== undefined && hold.belowMs >= 0 && hold.belowMs <= hold.ms)
        this.belowRelease.restore(hold.belowMs);
    }
    return true;
  }

  handle(input: AlarmInput): AlarmResult {
    switch (input.kind) {
      case 'score':
        return this.onScore(
          input.ts,
          input.score,
          input.threshold,
          clearLevel(this.def, input.threshold, input.offThreshold),
          this.def.sustainMs ?? input.sustainMs ?? 0,
          releaseLevel(this.def, input.threshold, input.offThreshold, input.clearThreshold),
          this.def.windowMs ?? input.windowMs,
        );
      case 'gap':
        this.aboveSince = this.elevatedSince = undefined;
        this.afterGap = true;
        return {};
      case 'tick':
        if (this.current === 'shelved' && this.shelvedUntil !== undefined && input.ts >= this.shelvedUntil)
          return this.go(this.reevaluated(), input.ts, 'expiry');
        return {};
      default:
        return this.onCommand(input);
    }
  }

  private onScore(
    ts: number,
    score: number,
    threshold: number,
    clear: number,
    sustain: number,
    release: number,
    windowMs: number | undefined,
  ): AlarmResult {
    if (score > threshold) this.aboveSince ??= ts;
    else this.aboveSince = undefined;
    if (score < release) this.belowRelease.count(ts, this.afterGap, windowMs);
    else this.belowRelease.stop();
    // Not above the clear level (at it included: a score that neither sustains a deviation nor counts down the hold
    // would hold a raised alarm for good); NaN is neither.
    if (score <= clear) this.underClear.count(ts, this.afterGap, windowMs);
    else this.underClear.stop();
    this.afterGap = false;
    if (score > clear) this.elevatedSince ??= ts;
    else this.elevatedSince = undefined;
    // The sustain rule never raises sooner than the on delay would: the on delay is the least time any raise waits.
    const elevatedMs = this.elevatedSince === undefined ? -1 : ts - this.elevatedSince;
    const sustained = sustain > 0 && elevatedMs >= Math.max(sustain, this.def.onDelayMs);
    const above = this.aboveSince !== undefined && ts - this.aboveSince >= this.def.onDelayMs;
    if (!this.condition && (above || sustained)) {
      this.condition = true;
      if (this.current === 'normal' || this.current === 'rtn_unack')
        return this.go('unack_active', ts, 'condition', undefined, above ? undefined : { clear, forMs: elevatedMs });
      return {};
    }
    if (!this.condition) return {};
    const cleared = (this.belowRelease.ms ?? -1) >= this.def.offDelayMs;
    // The hold at or below the clear level lasts the sustain time, as a sustained deviation must last to raise; after
    // it the alarm clears at or below the clear level after the off delay, as it would without the hold.
    const underMs = this.underClear.ms ?? -1;
    const settled = !cleared && release < clear && underMs >= sustain + this.def.offDelayMs;
    if (cleared || settled) {
      this.condition = false;
      if (this.def.latching) return {};
      // Without a sustain time there was no hold to end: a plain clearing at the clear level.
      const how = settled && sustain > 0 ? { clear, release, forMs: underMs } : undefined;
      const below = cleared ? release : clear;
      if (this.current === 'unack_active')
        return this.go('rtn_unack', ts, 'condition', undefined, undefined, how, below);
      if (this.current === 'ack_active') return this.go('normal', ts, 'condition', undefined, undefined, how, below);
    }
    return {};
  }

  private onCommand(input: Extract<AlarmInput, { by: string }>): AlarmResult {
    const { kind, ts } = input;
    const op = (to: AlarmStateName) => this.go(to, ts, 'operator', input);
    switch (kind) {
      case 'ack':
        if (this.current === 'unack_active') return op('ack_active');
        if (this.current === 'rtn_unack') return op('normal');
        return { refused: `nothing to acknowledge: the alarm is ${this.current}` };
      case 'reset':
        if (!this.def.latching) return { refused: 'only a latching alarm is reset' };
        if (this.current !== 'ack_active')
          return { refused: `reset needs an acknowledged alarm, it is ${this.current}` };
        if (this.condition) return { refused: 'the condition is still active' };
        return op('normal');
      case 'shelve': {
        if (this.current === 'out_of_service') return { refused: 'the alarm is out of service' };
        const duration = input.durationMs ?? 0;
        if (!(duration > 0))
          return { refused: `a shelve needs a duration over 0 s, got ${duration / 1000} s`, invalid: true };
        if (duration > this.def.maxShelveMs)
          return {
            refused: `${duration / 1000} s is longer than the alarm allows, ${this.def.maxShelveMs / 1000} s (max_shelve_s; Max shelve in the Node-RED alarm node)`,
            invalid: true,
          };
        this.shelvedUntil = ts + duration;
        return op('shelved');
      }
      case 'unshelve':
        if (this.current !== 'shelved') return { refused: `the alarm is ${this.current}, not shelved` };
        return op(this.reevaluated());
      case 'remove_from_service':
        if (this.current === 'out_of_service') return { refused: 'the alarm is already out of service' };
        return op('out_of_service');
      case 'return_to_service':
        if (this.current !== 'out_of_service') return { refused: `the alarm is ${this.current}, not out of service` };
        return op(this.reevaluated());
    }
  }

  /** The state an alarm comes back to after shelving or maintenance: annunciate what is active. */
  private reevaluated(): AlarmStateName {
    return this.condition ? 'unack_active' : 'normal';
  }

  private go(
    to: AlarmStateName,
    ts: number,
    cause: TransitionCause,
    op?: { kind: string; by: string; comment?: string },
    sustained?: AlarmTransition['sustained'],
    settled?: AlarmTransition['settled'],
    clearedBelow?: number,
  ): AlarmResult {
    const from = this.current;
    this.current = to;
    if (to !== 'shelved') this.shelvedUntil = undefined;
    return {
      transition: {
        from,
        to,
        ts,
        cause,
        conditionActive: this.condition,
        ...(op
          ? { command: op.kind as OperatorCommand, by: op.by, ...(op.comment ? { comment: op.comment } : {}) }
          : {}),
        ...(sustained ? { sustained } : {}),
        ...(settled ? { settled } : {}),
        ...(clearedBelow !== undefined ? { clearedBelow } : {}),
        ...(to === 'shelved' ? { shelvedUntil: this.shelvedUntil } : {}),
      },
    };
  }
}
