/**
 * linewatch-alarm: scores in → alarm transitions out, through the same ISA-18.2-style state
 * machine and event text as the daemon (on/off delay, hysteresis, latching, shelving).
 * Operators' commands come in as messages: msg.command = ack | shelve | unshelve |
 * remove_from_service | return_to_service | reset, with msg.by (who), msg.comment and, for
 * shelve, msg.duration_s. A refused command goes to done(err), so a Catch node sees why.
 * Output 1: every transition (an AlarmEvent). Output 2: msg.payload true/false when the alarm
 * starts or stops being annunciated: wire it to a stack light (e.g. a Modbus coil write).
 */
import { alarmDefinition, alarmEvent, isAnnunciated } from '../alarms/alarm-event.js';
import { AlarmStateMachine, type AlarmInput, type AlarmTransition } from '../alarms/alarm-state.js';
import { alarmSettingsSchema } from '../alarms/schema.js';
import { formatIssues } from '../core/format-issues.js';
import { scaledClearLevel } from '../core/verdict.js';
import { operatorCommandOf } from './operator-command.js';
import { TERM_KINDS, type AlarmEvent, type ChannelContribution } from '../core/types.js';
import { iso } from '../core/epoch-time.js';
import { numberSetting } from './field-rules.js';
import {
  text,
  withFieldLabel,
  type NodeDefinition,
  type NodeInstance,
  type NodeMessage,
  type RedApi,
} from './red-api.js';
import { RepeatedErrors } from './repeated-errors.js';
import { statusText } from './status-text.js';

/** The alarm schema's keys as the edit dialog names their fields. */
const ALARM_FIELDS = {
  priority: 'Priority',
  on_delay_ms: 'On delay',
  off_delay_ms: 'Off delay',
  sustain_ms: 'Sustain',
  clear_ratio: 'Clear ratio',
  latching: 'Latching',
  max_shelve_s: 'Max shelve',
  threshold: 'Threshold',
};

export function alarmSettings(config: NodeDefinition) {
  const raw = {
    priority: text(config, 'priority', 'high'),
    on_delay_ms: numberSetting(config, 'onDelayMs'),
    off_delay_ms: numberSetting(config, 'offDelayMs'),
    sustain_ms: numberSetting(config, 'sustainMs'),
    clear_ratio: numberSetting(config, 'clearRatio'),
    latching: config.latching === true || config.latching === 'true',
    max_shelve_s: numberSetting(config, 'maxShelveS'),
    threshold: numberSetting(config, 'threshold'),
  };
  const parsed = alarmSettingsSchema.safeParse(
    Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)),
  );
  if (!parsed.success)
    throw new Error(
      `alarm settings: ${formatIssues(parsed.error.issues)
        .map((line) => withFieldLabel(line, ALARM_FIELDS))
        .join('; ')}`,
    );
  return parsed.data;
}

type Command = Extract<AlarmInput, { by: string }>;

/** An operator command from a message, or undefined when the message is not a command. */
export function commandFromMessage(msg: NodeMessage, now: number): Command | undefined {
  const c = operatorCommandOf(msg);
  if (!c) return undefined;
  return {
    kind: c.command,
    ts: now,
    by: c.by,
    ...(c.comment !== undefined ? { comment: c.comment } : {}),
    ...(c.durationS !== undefined ? { durationMs: c.durationS * 1000 } : {}),
  };
}

interface ScoreInput {
  asset?: string;
  ts: number;
  score: number;
  threshold: number;
  offThreshold?: number;
  clearThreshold?: number;
  windowSpanMs?: number;
  /** A part's cycle time (the score node passes on the window node's durationMs). */
  durationMs?: number;
  contributions: ChannelContribution[];
}

/** An optional positive number of a score message: undefined when absent, an error naming it when not one. */
function optionalPositive(p: Record<string, unknown>, key: string): number | undefined {
  const v = p[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || !(v > 0))
    throw new Error(`msg.payload.${key}: expected a positive number or nothing, got ${describe(v)}`);
  return v;
}

/** A value as a message shows it: strings quoted, anything else (NaN, BigInt) as String gives it. */
const describe = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : String(v));

/** A score message's time (msg.payload.ts), else `now`; an error naming it where it is there but no time. */
function timeOf(p: Record<string, unknown>, now: number): number {
  if (p.ts === undefined) return now;
  if (typeof p.ts === 'number' && Number.isFinite(p.ts)) return p.ts;
  throw new Error(`msg.payload.ts: expected a time in ms since the epoch or nothing, got ${describe(p.ts)}`);
}

/**
 * A score message whose score is a number but no score (NaN, ±Infinity: a model that could not score its window; the
 * daemon takes such a window as failed, a gap for the alarm): its time and score; else undefined.
 */
export function unscoredFromMessage(msg: NodeMessage, now: number): { ts: number; score: number } | undefined {
  const p = msg.payload as Record<string, unknown> | null;
  if (p === null || typeof p !== 'object' || typeof p.score !== 'number' || Number.isFinite(p.score)) return undefined;
  return { ts: timeOf(p, now), score: p.score };
}

/** The time of an incomplete window the window node sent (its second output: `reason`, no score); else undefined. */
export function gapFromMessage(msg: NodeMessage): number | undefined {
  const p = msg.payload as Record<string, unknown> | null;
  if (p === null || typeof p !== 'object' || 'score' in p || typeof p.reason !== 'string') return undefined;
  return typeof p.ts === 'number' && Number.isFinite(p.ts) ? p.ts : Date.now();
}

function scoreFromMessage(msg: NodeMessage, thresholdOverride: number | undefined, now: number): ScoreInput {
  const p = msg.payload as Record<string, unknown> | null;
  if (p === null || typeof p !== 'object' || typeof p.score !== 'number' || !Number.isFinite(p.score))
    throw new Error('msg.payload.score: expected a number (wire a linewatch-score node in, or send msg.command)');
  const threshold = thresholdOverride ?? p.threshold;
  if (typeof threshold !== 'number' || !(threshold > 0))
    throw new Error('msg.payload.threshold: expected a positive number (or set a threshold on the alarm node)');
  const top = Array.isArray(p.top) ? p.top : Array.isArray(p.contributions) ? p.contributions : [];
  // The model's calibrated clear level and window span, as the score node sends them: the alarm clears and sustains
  // as the daemon's does. A clear level scales with an overridden threshold, as the score node's does.
  const off = optionalPositive(p, 'offThreshold');
  const windowSpanMs = optionalPositive(p, 'windowSpanMs');
  const durationMs = optionalPositive(p, 'durationMs');
  if (off !== undefined && !(typeof p.threshold === 'number' && p.threshold > 0))
    throw new Error('msg.payload.offThreshold: needs msg.payload.threshold, the threshold it was calibrated with');
  if (off !== undefined && !(off < (p.threshold as number)))
    throw new Error(`msg.payload.offThreshold: ${off} must be below msg.payload.threshold (${String(p.threshold)})`);
  const offThreshold = off === undefined ? undefined : scaledClearLevel(off, p.threshold as number, threshold);
  const clear = optionalPositive(p, 'clearThreshold');
  if (clear !== undefined && !(typeof p.threshold === 'number' && p.threshold > 0))
    throw new Error('msg.payload.clearThreshold: needs msg.payload.threshold, the threshold it was calibrated with');
  const clearThreshold = clear === undefined ? undefined : scaledClearLevel(clear, p.threshold as number, threshold);
  return {
    asset: typeof p.asset === 'string' ? p.asset : undefined,
    ts: timeOf(p, now),
    score: p.score,
    threshold,
    ...(offThreshold !== undefined ? { offThreshold } : {}),
    ...(clearThreshold !== undefined ? { clearThreshold } : {}),
    ...(windowSpanMs !== undefined ? { windowSpanMs } : {}),
    ...(durationMs !== undefined ? { durationMs } : {}),
    contributions: contributionsOf(top),
  };
}

/** The contributions of a score message as the alarm reads them: entries with a channel name and a finite share; a
 * kind only where it is one the detectors report (anything else in a flow's message would reach topKinds). */
function contributionsOf(top: readonly unknown[]): ScoreInput['contributions'] {
  return top.flatMap((t) => {
    const c = t as { channel?: unknown; share?: unknown; kind?: unknown } | null;
    if (c === null || typeof c !== 'object' || typeof c.channel !== 'string') return [];
    if (typeof c.share !== 'number' || !Number.isFinite(c.share)) return [];
    const kind = TERM_KINDS.find((k) => k === c.kind);
    return [{ channel: c.channel, share: c.share, ...(kind ? { kind } : {}) }];
  });
}

export function registerAlarmNode(RED: RedApi): void {
  RED.nodes.registerType('linewatch-alarm', function (this: NodeInstance, config: NodeDefinition) {
    RED.nodes.createNode(this, config);
    const node = this;
    let settings: ReturnType<typeof alarmSettings>;
    try {
      settings = alarmSettings(config);
    } catch (err) {
      node.status({ fill: 'red', shape: 'ring', text: statusText((err as Error).message) });
      node.error((err as Error).message);
      node.on('input', (_msg, _send, done) => done(err as Error));
      return;
    }
    const alarmName = text(config, 'alarm', 'anomaly');
    let asset = text(config, 'asset');
    let latest: ScoreInput | undefined;
    // Unknown until the first score: then the lamp output says its state once even without a transition, so a stack
    // light a previous deploy left on goes out (the outputs downstream, a PLC connection, are up by then).
    let lamp: boolean | undefined;
    const lampMessage = (on: boolean) => ({ topic: `${asset || 'asset'}/${alarmName}/lamp`, payload: on });
    const machine = new AlarmStateMachine(alarmDefinition(settings));
    /** Scores that were no score came since the last one (the status says so, the first of them was warned). */
    let unscored = false;
    /** The last message was refused (the status says why, red, until a score or command is taken). */
    let refused = false;
    // The same refusal of every score message (a window wired in) is reported once a minute; operators' commands each.
    const repeats = new RepeatedErrors();
    const showState = () => {
      const s = machine.state;
      const fill =
        s === 'unack_active'
          ? 'red'
          : s === 'ack_active' || s === 'rtn_unack'
            ? 'yellow'
            : s === 'normal'
              ? 'green'
              : 'grey';
      node.status({ fill, shape: s === 'normal' ? 'ring' : 'dot', text: s });
    };
    const emit = (t: AlarmTransition, send: (m: (NodeMessage | null)[]) => void): AlarmEvent => {
      const event = alarmEvent(t, {
        asset: asset || 'asset',
        alarm: alarmName,
        settings,
        latest,
        threshold: latest?.threshold ?? settings.threshold ?? 0,
      });
      const annunciated = isAnnunciated(t.to);
      const lampMsg = annunciated !== lamp ? lampMessage(annunciated) : null;
      lamp = annunciated;
      send([{ topic: `${event.asset}/${alarmName}`, payload: event }, lampMsg]);
      showState();
      return event;
    };
    showState();
    // Shelve expiry needs time to pass even when no score arrives.
    const ticker = setInterval(() => {
      const { transition } = machine.handle({ kind: 'tick', ts: Date.now() });
      if (transition) emit(transition, (m) => node.send(m));
    }, 1000);
    ticker.unref();

    node.on('input', (msg, send, done) => {
      let commanding = true;
      try {
        const command = commandFromMessage(msg, Date.now());
        commanding = false;
        if (command) {
          const result = machine.handle(command);
          if (result.refused)
            return done(new Error(`${asset || 'asset'}/${alarmName}: ${command.kind} refused: ${result.refused}`));
          emit(result.transition!, send);
          return done();
        }
        // The window node's second output (an incomplete window: a source down, a pause): the on and sustain delays
        // start again, as in the daemon.
        const gap = gapFromMessage(msg);
        if (gap !== undefined) {
          machine.handle({ kind: 'gap', ts: gap });
          return done();
        }
        // A score that is no score is a gap too, as the daemon takes a window its model failed on: the hold and the
        // off delay do not count the time up to the next score, the on and sustain delays count again after it.
        const none = unscoredFromMessage(msg, Date.now());
        if (none !== undefined) {
          machine.handle({ kind: 'gap', ts: none.ts });
          if (!unscored)
            node.warn(
              `${asset || 'asset'}/${alarmName}: msg.payload.score ${String(none.score)} at ${iso(none.ts)} is no score: ` +
                'taken as a gap (a window that could not be scored), as the daemon takes a window its model failed on',
            );
          unscored = true;
          node.status({ fill: 'yellow', shape: 'ring', text: `${machine.state}; gap: score ${String(none.score)}` });
          return done();
        }
        latest = scoreFromMessage(msg, settings.threshold, Date.now());
        repeats.taken();
        if (unscored || refused) {
          unscored = false;
          refused = false;
          showState();
        }
        if (!asset && latest.asset) asset = latest.asset;
        const { transition } = machine.handle({
          kind: 'score',
          ts: latest.ts,
          score: latest.score,
          threshold: latest.threshold,
          ...(latest.offThreshold !== undefined ? { offThreshold: latest.offThreshold } : {}),
          ...(latest.clearThreshold !== undefined ? { clearThreshold: latest.clearThreshold } : {}),
          // The window span is also what the score after a gap saw, as the daemon counts it; a part saw its cycle.
          ...(latest.windowSpanMs !== undefined
            ? { sustainMs: latest.windowSpanMs, windowMs: latest.windowSpanMs }
            : latest.durationMs !== undefined
              ? { windowMs: latest.durationMs }
              : {}),
        });
        if (transition) emit(transition, send);
        else if (lamp === undefined) {
          lamp = isAnnunciated(machine.state);
          send([null, lampMessage(lamp)]);
        }
        done();
      } catch (err) {
        // The node shows it too, as the window and score nodes do: a green "normal" over a node that refuses every
        // message (a window wired in where a score belongs) hid the fault from the flow's canvas.
        refused = true;
        node.status({ fill: 'red', shape: 'ring', text: statusText(`${machine.state}; ${(err as Error).message}`) });
        done(commanding ? (err as Error) : repeats.admit(err as Error));
      }
    });
    node.on('close', (_removed, done) => {
      clearInterval(ticker);
      node.status({});
      done();
    });
  });
}
