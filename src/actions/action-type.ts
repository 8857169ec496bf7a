/**
 * What an alarm action type brings (src/registry/ lists them): its schema, its checks, the job it
 * makes of an alarm transition or a part verdict, and a commented sample for docs/configuration.md.
 * AlarmAction (alarm-action.ts) runs the jobs: one serial queue per action, retries with backoff.
 */
import { z } from 'zod';
import { nameSchema } from '../core/config-primitives.js';
import { ALARM_STATES, type AlarmEvent, type AlarmStateName, type PartResult } from '../core/types.js';

/** What an action reacts to: an alarm transition, or a part's quality verdict (part_actions). */
export type ActionTrigger =
  { readonly kind: 'alarm'; readonly event: AlarmEvent } | { readonly kind: 'part'; readonly part: PartResult };

/** One thing to do for one trigger. */
export interface ActionJob {
  /** The trigger, for messages: "pump-1/anomaly → unack_active". */
  readonly what: string;
  /** The target, for messages: "coil 3 := 1 on plc". */
  readonly describe: string;
  /** Does it; 'unchanged' where an output already holds the value (nothing written, not counted as a write). */
  readonly run: () => Promise<void | 'unchanged'>;
}

/**
 * Turns triggers into jobs for one configured action; holds what it last wrote. `rewrite`: write an output's value
 * even where it was the last one written (the device restarted and lost it, or the gateway did).
 */
export interface ActionDriver {
  job(trigger: ActionTrigger, o?: { readonly rewrite?: boolean }): ActionJob | undefined;
}

export interface ActionDriverContext {
  /** The action's name (configured, or `<asset>-<type>-<index>`). */
  readonly name: string;
  /**
   * Where the action is in the configuration (`assets[0].alarm.actions[1]`, `assets[0].part_actions[0]`), for errors
   * that name one of its settings; absent for an action made outside a configuration file (a benchmark's).
   */
  readonly where?: string;
  /** For types with a writeProtocol: the source named in `source`, when it is running. */
  readonly writer?: unknown;
}

export interface ActionCheckContext {
  /** The configured sources, each a record with at least `type` and `name`. */
  readonly sources: readonly { readonly type: string; readonly name: string }[];
}

export interface ActionType<S extends z.ZodType<{ type: string }>> {
  /** The value of `type` that selects it. */
  readonly type: z.output<S>['type'];
  readonly schema: S;
  /** One commented YAML entry of `alarm.actions:` (validated by a test, shown in docs/configuration.md). */
  readonly sample: string;
  /** An output follows the alarm state (only the newest value is written); an event reports each transition. */
  readonly follows: boolean;
  /** Writes through the source named in `source`, which must be of this protocol (a source type's writeProtocol). */
  readonly writeProtocol?: string;
  /** Checks beyond the schema; each issue starts with `where` (`assets[i].alarm.actions[j]`). */
  check?(config: z.output<S>, where: string, ctx: ActionCheckContext): string[];
  /** Makes file paths in its settings absolute (relative to the config file's folder). */
  resolvePaths?(config: z.output<S>, baseDir: string): void;
  driver(config: z.output<S>, ctx: ActionDriverContext): ActionDriver;
}

/** Keeps the literal types of an action type's definition. */
export function defineAction<S extends z.ZodType<{ type: string }>>(t: ActionType<S>): ActionType<S> {
  return t;
}

/** An action's name (default `<asset>-<type>-<index>`). */
export const actionName = nameSchema.optional();

/** Fields every action type ends with: its retries. */
export const actionRetry = {
  max_attempts: z
    .number()
    .int()
    .min(1)
    .default(5)
    .describe(
      'Attempts before the action is reported failed. An alarm output (modbus_write, opcua_write in alarm.actions) is then tried again every 30 s while its source is connected, until it is written or a new alarm state replaces its value; a webhook or message, or a part action, is dropped. A write refused for good (Modbus exception 1, 2 or 3; OPC UA BadTypeMismatch, BadNotWritable, BadUserAccessDenied, BadNodeIdUnknown) is not retried: the next alarm state or connection tries it once.',
    ),
  retry_initial_ms: z
    .number()
    .int()
    .min(1)
    .default(500)
    .describe('First retry delay; doubles up to 30 s, with jitter.'),
};

/**
 * How many messages (webhook calls, MQTT messages) may wait behind the one being sent. With the target down each takes
 * up to max_attempts × timeout_ms plus the backoff between them (defaults: 5 × 5 s + 7.5 s ≈ 33 s) before the next is
 * tried, so an alarm cycling for long piled up jobs without end, delivered hours late. 20 is about 6 alarm cycles
 * (raised, acknowledged, cleared) and, at the defaults, about 11 minutes of backlog.
 */
export const maxQueuedSchema = z
  .number()
  .int()
  .min(1)
  .max(10_000)
  .default(20)
  .describe(
    'Messages that may wait behind the one being sent while the target is down or slow; a newer one beyond it drops the oldest waiting (logged, counted as outcome dropped in linewatch_alarm_actions_total, dropped in /api/status). The default, 20, is about 6 alarm cycles (raised, acknowledged, cleared) and, with the target down, about 11 min of backlog at the defaults (each message takes up to max_attempts × timeout_ms plus 7.5 s of backoff): a receiver that comes back gets the newest transitions, in order, after a gap.',
  );

/** The annunciated states, where an output is on by default. */
export const ANNUNCIATED = ['unack_active', 'ack_active', 'rtn_unack'] as const;
export const activeStatesSchema = z
  .array(z.enum(ALARM_STATES))
  .min(1)
  .default([...ANNUNCIATED])
  .describe('Alarm states in which the output is active.');

/** Verdicts a part action reacts to (only part_actions carry them). */
function verdictsOf(config: object): readonly string[] {
  return (config as { verdicts?: readonly string[] }).verdicts ?? ['fail'];
}

/** For outputs: should the output be in its active state after this trigger? */
export function isActive(config: object, t: ActionTrigger, activeStates: readonly AlarmStateName[]): boolean {
  return t.kind === 'alarm' ? activeStates.includes(t.event.state) : verdictsOf(config).includes(t.part.verdict);
}

/** For event actions: does this trigger call for a message? */
export function isSelected(config: object, t: ActionTrigger, on: readonly AlarmStateName[]): boolean {
  return t.kind === 'alarm' ? on.includes(t.event.state) : verdictsOf(config).includes(t.part.verdict);
}

export function triggerLabel(t: ActionTrigger): string {
  return t.kind === 'alarm'
    ? `${t.event.asset}/${t.event.alarm} → ${t.event.state}`
    : `${t.part.asset} part ${t.part.partId} ${t.part.verdict}`;
}

/** The trigger as the JSON body of a webhook or an MQTT message. */
export function triggerPayload(t: ActionTrigger): string {
  return JSON.stringify(t.kind === 'alarm' ? t.event : t.part);
}

/** What a text template may name: {asset}, {alarm}, {state}, {priority}, {top}, {score}; for parts also {part},
 * {verdict}. */
export function triggerVars(t: ActionTrigger): Record<string, string> {
  if (t.kind === 'alarm') {
    const e = t.event;
    return {
      asset: e.asset,
      alarm: e.alarm,
      state: e.state,
      priority: e.priority,
      top: e.topChannels[0] ?? '',
      score: Number.isFinite(e.score) ? e.score.toFixed(3) : '',
    };
  }
  const p = t.part;
  return {
    asset: p.asset,
    part: p.partId,
    verdict: p.verdict,
    alarm: 'part',
    state: p.verdict,
    top: p.topChannels[0] ?? '',
    score: p.score !== undefined ? p.score.toFixed(3) : '',
  };
}

/** `{name}` replaced by its value; unknown names stay as written. */
export function fillTemplate(template: string, vars: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => vars[k] ?? m);
}
