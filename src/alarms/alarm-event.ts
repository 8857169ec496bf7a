/**
 * Turns an alarm transition into the event that is journaled, annunciated and sent to actions
 * (pure): who or what caused it, the latest score and the channels that contributed most, and
 * a message an operator can read. Shared by the daemon's asset pipeline and the Node-RED alarm
 * node, so both say the same thing about the same transition.
 */
import { releaseLevel } from './alarm-state.js';
import type { AlarmSettings } from './schema.js';
import type { AlarmEvent, ChannelContribution } from '../core/types.js';
import type { AlarmDefinition, AlarmTransition } from './alarm-state.js';

/** An alarm's configured behaviour (config `assets[].alarm`, or the Node-RED alarm node's settings). */
export type AlarmBehaviour = Pick<
  AlarmSettings,
  'priority' | 'on_delay_ms' | 'off_delay_ms' | 'clear_ratio' | 'latching' | 'max_shelve_s' | 'sustain_ms'
>;

/** The state machine's definition from the configured behaviour; `windowSpanMs` (the model's window_length ×
 * sample_period_ms) is the sustain time unless `sustain_ms` sets one. */
export function alarmDefinition(a: AlarmBehaviour, windowSpanMs?: number): AlarmDefinition {
  const sustainMs = a.sustain_ms ?? windowSpanMs;
  return {
    onDelayMs: a.on_delay_ms,
    offDelayMs: a.off_delay_ms,
    ...(sustainMs !== undefined ? { sustainMs } : {}),
    ...(windowSpanMs !== undefined ? { windowMs: windowSpanMs } : {}),
    ...(a.clear_ratio !== undefined ? { clearRatio: a.clear_ratio } : {}),
    latching: a.latching,
    maxShelveMs: a.max_shelve_s * 1000,
  };
}

export interface AlarmEventContext {
  readonly asset: string;
  readonly alarm: string;
  readonly settings: AlarmBehaviour;
  /** The latest score seen, if any, and its contributions (largest first). */
  readonly latest?: {
    readonly score: number;
    readonly threshold: number;
    readonly offThreshold?: number;
    readonly clearThreshold?: number;
    readonly contributions: readonly ChannelContribution[];
    /** The part the score judged (a cycle asset): the raise names it. */
    readonly partId?: string;
  };
  /** Threshold reported while no score has been seen yet. */
  readonly threshold: number;
}

/** ` for N ms`: how long the condition held before the transition; nothing when it took effect at once (a delay 0). */
const forMs = (ms: number) => (ms > 0 ? ` for ${ms} ms` : '');

export function alarmEvent(t: AlarmTransition, ctx: AlarmEventContext): AlarmEvent {
  const top = ctx.latest ? ctx.latest.contributions.slice(0, 3) : [];
  const shares = top.map(shareText).join(', ');
  const score = ctx.latest?.score ?? 0;
  const threshold = ctx.latest?.threshold ?? ctx.threshold;
  const name = ctx.asset;
  // A cycle asset's raise names the part whose score raised it, as a quality engineer looks it up.
  const raisedBy = ctx.latest?.partId !== undefined ? ` part ${ctx.latest.partId} failed,` : '';
  let message: string;
  if (t.cause === 'condition' && t.to === 'unack_active' && t.sustained) {
    message = `${name}:${raisedBy} anomaly score ${score.toFixed(3)} above its clear level ${t.sustained.clear.toFixed(3)} for ${t.sustained.forMs} ms, below the threshold ${threshold.toFixed(3)}: a sustained deviation; top contributors: ${shares}`;
  } else if (t.cause === 'condition' && t.to === 'unack_active') {
    message = `${name}:${raisedBy} anomaly score ${score.toFixed(3)} above threshold ${threshold.toFixed(3)}${forMs(ctx.settings.on_delay_ms)}; top contributors: ${shares}`;
  } else if (t.cause === 'condition' && t.settled) {
    const { clear, release, forMs: below } = t.settled;
    // Seen at or below the clear level (the hold's count), not back below the largest normal score for the off delay:
    // it may lie below it now, for less than that.
    message = `${name}: anomaly score at or below its clear level ${clear.toFixed(3)} for ${below} ms, not back below the largest normal score ${release.toFixed(3)}${forMs(ctx.settings.off_delay_ms)}: settled, no longer held (${t.from} → ${t.to})`;
  } else if (t.cause === 'condition') {
    // Where the state machine says (a clearing without a hold may be at the clear level, above the largest normal
    // score); else where the latest score's levels put it.
    const clear =
      t.clearedBelow ??
      releaseLevel(
        { clearRatio: ctx.settings.clear_ratio },
        threshold,
        ctx.latest?.offThreshold,
        ctx.latest?.clearThreshold,
      );
    message = `${name}: anomaly score back below ${clear.toFixed(3)}${forMs(ctx.settings.off_delay_ms)} (${t.from} → ${t.to})`;
  } else if (t.cause === 'expiry') {
    message = `${name}: shelve expired (${t.from} → ${t.to})`;
  } else {
    const until = t.shelvedUntil !== undefined ? ` until ${new Date(t.shelvedUntil).toISOString()}` : '';
    message = `${name}: ${t.command} by ${t.by}${t.comment ? ` (${t.comment})` : ''}${until} (${t.from} → ${t.to})`;
  }
  return {
    asset: name,
    alarm: ctx.alarm,
    priority: ctx.settings.priority,
    state: t.to,
    previous: t.from,
    ts: t.ts,
    cause: t.cause,
    ...(t.command ? { command: t.command } : {}),
    ...(t.by ? { by: t.by } : {}),
    ...(t.comment ? { comment: t.comment } : {}),
    conditionActive: t.conditionActive,
    score,
    threshold,
    topChannels: top.map((c) => c.channel),
    ...(top.length > 0 && top.every((c) => c.kind !== undefined) ? { topKinds: top.map((c) => c.kind!) } : {}),
    ...(t.shelvedUntil !== undefined ? { shelvedUntil: t.shelvedUntil } : {}),
    message,
  };
}

/** A channel's share of the score as an operator reads it: `flow 42%`, with the kind of its largest term where the
 * model has kinds (`flow 42% (residual)`). */
export function shareText(c: ChannelContribution): string {
  return `${c.channel} ${(c.share * 100).toFixed(0)}%${c.kind ? ` (${c.kind})` : ''}`;
}

/** Whether operators see the alarm (a stack light is on): active or returned but unacknowledged. */
export function isAnnunciated(state: AlarmEvent['state']): boolean {
  return state === 'unack_active' || state === 'ack_active' || state === 'rtn_unack';
}
