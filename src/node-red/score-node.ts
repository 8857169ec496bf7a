/**
 * linewatch-score: a window (from linewatch-window, or any message shaped like one) → the
 * anomaly score, the threshold verdict, the channels that contributed most and, for a part, its
 * pass/fail verdict with the part id. The model's session is owned by the linewatch-model config
 * node; windows that arrive together are scored in one run.
 */
import { windowSpanMs } from '../core/components.js';
import type { HeldRows, ScoreResult, TermKind, Window } from '../core/types.js';
import { verdictOf, withThreshold } from '../core/verdict.js';
import type { WindowPayload } from './window-node.js';
import { heldFromPayload } from './held-payload.js';
import { unreadFromPayload } from './unread-payload.js';
import { tooFewPointsRead } from '../core/points-read.js';
import { numberSetting } from './field-rules.js';
import { text, type NodeDefinition, type NodeInstance, type RedApi } from './red-api.js';
import type { ModelConfigNode } from './model-config-node.js';
import { RepeatedErrors } from './repeated-errors.js';
import { statusText } from './status-text.js';

export interface ScorePayload {
  readonly asset: string;
  readonly ts: number;
  readonly score: number;
  readonly threshold: number;
  /** The level the alarm clears below: the model's calibrated one (scaled with an overridden threshold), if any. */
  readonly offThreshold?: number;
  /** Where a raised alarm clears when below offThreshold (the model's largest normal score), scaled the same way. */
  readonly clearThreshold?: number;
  /** A sliding window's span (the model's window length × sample period): how long a score above the clear level
   * must last to raise the alarm too, as the daemon's default sustain time. Not given for a part. */
  readonly windowSpanMs?: number;
  /** A part's cycle time (the window node's durationMs, passed on): what the alarm counts as seen of the time before
   * the part where incomplete cycles came between, as the daemon counts a part's cycle. Only for a part. */
  readonly durationMs?: number;
  readonly anomalous: boolean;
  /** normal | anomalous for sliding windows; pass | fail for a part. */
  readonly verdict: 'normal' | 'anomalous' | 'pass' | 'fail';
  readonly partId?: string;
  /** Of a window whose rows held a channel's reading over a failed read, how many (the window node's `held`, passed
   * on); absent where none. */
  readonly held?: HeldRows;
  /** The channels that contributed most; for stats and hybrid models also which kind of term (residual, level,
   * variability) is largest for each. */
  readonly top: readonly { channel: string; share: number; kind?: TermKind }[];
  readonly model: string;
  readonly modelVersion: string;
}

/** What a payload that is no window is, for its error: samples wired straight in show as what they are. */
function kindOf(payload: unknown): string {
  if (Array.isArray(payload)) return `an array of ${payload.length} (wire samples into a linewatch-window node first)`;
  if (payload === null) return 'null';
  if (typeof payload !== 'object') return typeof payload;
  const keys = Object.keys(payload);
  return `an object with ${
    keys.length === 0
      ? 'no keys'
      : `keys ${keys
          .slice(0, 5)
          .map((k) => k.slice(0, 40))
          .join(', ')}${keys.length > 5 ? ', …' : ''}`
  }`;
}

/** Checks a message payload is a window the model can take; throws naming what is wrong. */
export function windowFromPayload(payload: unknown, channels: readonly string[], length: number): Window {
  const p = payload as Partial<WindowPayload> | null;
  // Anything with neither channels nor data is no window at all (Modbus registers, a sample object): say so, rather
  // than name the first field it lacks.
  if (p === null || typeof p !== 'object' || Array.isArray(p) || (!('channels' in p) && !('data' in p)))
    throw new Error(
      `msg.payload: expected a window {asset, channels, length, start, end, data} from linewatch-window, got ${kindOf(payload)}`,
    );
  if (typeof p.asset !== 'string' || p.asset === '') throw new Error('msg.payload.asset: expected the asset name');
  if (!Array.isArray(p.channels) || p.channels.join() !== channels.join())
    throw new Error(
      `msg.payload.channels: the model takes [${channels.join(', ')}], the window has [${Array.isArray(p.channels) ? p.channels.join(', ') : 'none'}]`,
    );
  if (p.length !== length)
    throw new Error(
      `msg.payload.length: the model takes windows of ${length} samples, this one has ${String(p.length)}`,
    );
  const data = p.data as unknown;
  if (!Array.isArray(data) && !(data instanceof Float32Array))
    throw new Error('msg.payload.data: expected an array of numbers');
  if (data.length !== length * channels.length)
    throw new Error(
      `msg.payload.data: expected ${length * channels.length} values (${length} × ${channels.length}), got ${data.length}`,
    );
  const values = Float32Array.from(data as ArrayLike<number>);
  const bad = values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0)
    throw new Error(
      `msg.payload.data[${bad}] (${channels[bad % channels.length]} at sample ${Math.floor(bad / channels.length)}): not a finite number`,
    );
  const end = typeof p.end === 'number' ? p.end : Date.now();
  const held = heldFromPayload(p.held, channels);
  const unreadPoints = unreadFromPayload(p.unreadPoints, p.readPoints, length);
  return {
    asset: p.asset,
    channels,
    length,
    start: typeof p.start === 'number' ? p.start : end,
    end,
    data: values,
    ...(p.partId !== undefined ? { partId: String(p.partId) } : {}),
    ...(held !== undefined ? { held } : {}),
    ...(unreadPoints !== undefined ? { unreadPoints } : {}),
  };
}

/** A part window's cycle time as the window node sends it (durationMs), where it is a positive number. */
function cycleOf(payload: unknown): number | undefined {
  const d = (payload as Partial<WindowPayload> | null)?.durationMs;
  return typeof d === 'number' && Number.isFinite(d) && d > 0 ? d : undefined;
}

/** The message of a result, judged by the verdict rule (core/verdict.ts) against the node's threshold, if it has
 * one. */
export function scorePayload(
  result: ScoreResult,
  asset: string,
  threshold: number | undefined,
  topK: number,
  windowSpanMs?: number,
  durationMs?: number,
): ScorePayload {
  const r = withThreshold(result, threshold);
  return {
    asset,
    ts: r.ts,
    score: r.score,
    threshold: r.threshold,
    ...(r.offThreshold !== undefined ? { offThreshold: r.offThreshold } : {}),
    ...(r.clearThreshold !== undefined ? { clearThreshold: r.clearThreshold } : {}),
    ...(windowSpanMs !== undefined && r.partId === undefined ? { windowSpanMs } : {}),
    ...(durationMs !== undefined && r.partId !== undefined ? { durationMs } : {}),
    anomalous: r.anomalous,
    verdict: verdictOf(r),
    ...(r.partId !== undefined ? { partId: r.partId } : {}),
    ...(r.held !== undefined ? { held: r.held } : {}),
    top: r.contributions
      .slice(0, topK)
      .map((c) => ({ channel: c.channel, share: c.share, ...(c.kind !== undefined ? { kind: c.kind } : {}) })),
    model: r.model,
    modelVersion: r.modelVersion,
  };
}

/** A part the score node judges unknown, and why: what it sends in place of a score (no score, as the window node's
 * incomplete parts). */
export interface UnknownPartPayload {
  readonly asset: string;
  readonly ts: number;
  readonly partId: string;
  readonly verdict: 'unknown';
  readonly reason: string;
  readonly durationMs?: number;
  readonly held?: HeldRows;
  readonly model: string;
  readonly modelVersion: string;
}

export function unknownPartPayload(
  window: Window & { readonly partId: string },
  reason: string,
  model: { readonly name: string; readonly version: string },
  durationMs?: number,
): UnknownPartPayload {
  return {
    asset: window.asset,
    ts: window.end,
    partId: window.partId,
    verdict: 'unknown',
    reason,
    ...(durationMs !== undefined ? { durationMs } : {}),
    ...(window.held !== undefined ? { held: window.held } : {}),
    model: model.name,
    modelVersion: model.version,
  };
}

export function registerScoreNode(RED: RedApi): void {
  RED.nodes.registerType('linewatch-score', function (this: NodeInstance, config: NodeDefinition) {
    RED.nodes.createNode(this, config);
    const node = this;
    const modelNode = RED.nodes.getNode(text(config, 'model')) as ModelConfigNode | undefined;
    let thresholdOverride: number | undefined;
    let topK = 3;
    let problem: Error | undefined;
    try {
      // The dialog's rules (field-rules.ts): Threshold above 0 (empty: the model's), Top channels whole from 1.
      thresholdOverride = numberSetting(config, 'threshold');
      topK = numberSetting(config, 'topK') ?? 3;
      if (!modelNode) throw new Error('no model: add a linewatch-model configuration');
    } catch (err) {
      problem = err as Error;
    }
    const ready = problem
      ? Promise.resolve(undefined)
      : modelNode!.model().then(
          (m) => {
            node.status({ fill: 'grey', shape: 'ring', text: `${m.name} ${m.version} on ${m.provider}` });
            return m;
          },
          (err: Error) => {
            problem = err;
            return undefined;
          },
        );
    void ready.then(() => {
      if (problem) {
        node.status({ fill: 'red', shape: 'ring', text: statusText(problem.message) });
        node.error(problem.message);
      }
    });
    let scored = 0;
    // The same error for every message (no model, windows it cannot take) is reported once a minute.
    const repeats = new RepeatedErrors();
    node.on('input', (msg, send, done) => {
      ready.then(async (model) => {
        if (!model) return done(repeats.admit(new Error(`score: ${problem?.message ?? 'no model'}`)));
        let window: Window;
        try {
          window = windowFromPayload(msg.payload, model.channels, model.windowLength);
        } catch (err) {
          node.status({ fill: 'red', shape: 'ring', text: statusText((err as Error).message) });
          return done(repeats.admit(err as Error));
        }
        const partId = window.partId;
        const tooFew =
          partId === undefined ? undefined : tooFewPointsRead(window.unreadPoints, window.length, model.minReadPoints);
        if (partId !== undefined && tooFew !== undefined) {
          // Read at too few of its points to judge (core/points-read.ts): unknown, unscored, as the gateway judges it;
          // with no score, an alarm node takes it as a gap, as it takes the window node's incomplete parts.
          const payload = unknownPartPayload({ ...window, partId }, tooFew, model, cycleOf(msg.payload));
          node.status({ fill: 'yellow', shape: 'ring', text: statusText(`unknown: ${tooFew}`) });
          send({ ...msg, topic: window.asset, payload });
          return done();
        }
        try {
          const scoredResult = await modelNode!.score(window);
          const result = window.held !== undefined ? { ...scoredResult, held: window.held } : scoredResult;
          const payload = scorePayload(
            result,
            window.asset,
            thresholdOverride,
            topK,
            windowSpanMs(model),
            cycleOf(msg.payload),
          );
          scored++;
          node.status({
            fill: payload.anomalous ? 'red' : 'green',
            shape: 'dot',
            text: `${payload.verdict} ${payload.score.toFixed(3)} / ${payload.threshold.toFixed(3)} (${scored})`,
          });
          repeats.taken();
          send({ ...msg, topic: window.asset, payload });
          done();
        } catch (err) {
          node.status({ fill: 'red', shape: 'dot', text: statusText((err as Error).message) });
          done(repeats.admit(err as Error));
        }
      }, done);
    });
    node.on('close', (_removed, done) => {
      node.status({});
      done();
    });
  });
}
