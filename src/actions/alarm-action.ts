/**
 * Alarm actions: what an alarm transition does outside the gateway (a stack light or reject
 * gate written on the PLC over Modbus or OPC UA, a webhook, an MQTT message). Each action has
 * its own serial queue, so a slow or dead
 * target delays only itself; dispatch() never blocks and never throws. Failed attempts are
 * retried with exponential backoff and jitter; an action that fails `max_attempts` times is
 * reported (log line, counter, status) and dropped. A PLC output follows the alarm state: only
 * the newest desired value is written, and only when it changes.
 */
import { backoffMs, jittered } from '../core/backoff.js';
import type { AlarmEvent, AlarmStateName, PartResult } from '../core/types.js';
import mqtt from 'mqtt';
import type {
  AlarmActionConfig,
  ModbusWriteActionConfig,
  MqttPublishActionConfig,
  OpcuaWriteActionConfig,
  WebhookActionConfig,
} from '../config/schema.js';
import type { ModbusWrite } from '../sources/modbus/modbus-source.js';
import type { Logger } from '../telemetry/logger.js';
import type { GatewayMetrics } from '../telemetry/metrics.js';

/** What a modbus_write action needs of a source. */
export interface ModbusWriter {
  write(target: ModbusWrite, unitId?: number): Promise<void>;
}

/** What an opcua_write action needs of a source. */
export interface OpcuaWriter {
  write(nodeId: string, value: number | boolean): Promise<void>;
}

export interface ActionDeps {
  readonly logger: Logger;
  readonly metrics: GatewayMetrics;
  readonly writers: ReadonlyMap<string, ModbusWriter>;
  readonly opcuaWriters?: ReadonlyMap<string, OpcuaWriter>;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  readonly now?: () => number;
}

export interface ActionStatus {
  readonly name: string;
  readonly type: string;
  readonly succeeded: number;
  readonly failed: number;
  readonly pending: number;
  readonly lastError?: string;
}

/** What an action reacts to: an alarm transition, or a part's quality verdict (part_actions). */
export type ActionTrigger =
  { readonly kind: 'alarm'; readonly event: AlarmEvent } | { readonly kind: 'part'; readonly part: PartResult };

interface Job {
  readonly what: string;
  readonly run: () => Promise<void>;
  readonly describe: string;
}

const MAX_BACKOFF_MS = 30_000;

export class AlarmAction {
  readonly name: string;
  private jobs: Job[] = [];
  private running: Promise<void> | undefined;
  private succeeded = 0;
  private failed = 0;
  private lastError: string | undefined;
  /** The value (or coil pattern: the config's own list, so identity compares) last written. */
  private lastWritten: string | number | boolean | readonly number[] | undefined;
  private closed = false;

  constructor(
    readonly asset: string,
    private readonly config: AlarmActionConfig,
    index: number,
    private readonly deps: ActionDeps,
  ) {
    this.name = config.name ?? `${asset}-${config.type}-${index}`;
  }

  /** Queues what the alarm event asks of this action, if anything. Never blocks, never throws. */
  dispatch(event: AlarmEvent): void {
    this.trigger({ kind: 'alarm', event });
  }

  /** Queues what a part verdict asks of this (part) action. Never blocks, never throws. */
  dispatchPart(part: PartResult): void {
    this.trigger({ kind: 'part', part });
  }

  private trigger(t: ActionTrigger): void {
    if (this.closed) return;
    const job = this.jobFor(t);
    if (!job) return;
    if (this.follows)
      this.jobs = [job]; // only the newest output value matters
    else this.jobs.push(job);
    if (!this.running) this.running = this.drain().finally(() => (this.running = undefined));
  }

  /** Output actions follow the alarm state; event actions report transitions. */
  private get follows(): boolean {
    return this.config.type === 'modbus_write' || this.config.type === 'opcua_write';
  }

  private jobFor(t: ActionTrigger): Job | undefined {
    const c = this.config;
    switch (c.type) {
      case 'modbus_write':
        return this.modbusJob(c, t);
      case 'opcua_write':
        return this.opcuaJob(c, t);
      case 'webhook':
        return this.webhookJob(c, t);
      case 'mqtt_publish':
        return this.mqttJob(c, t);
    }
  }

  /** Verdicts a part action reacts to (only part_actions carry them). */
  private get verdicts(): readonly string[] {
    return (this.config as { verdicts?: readonly string[] }).verdicts ?? ['fail'];
  }

  /** For outputs: should the output be in its active state after this trigger? */
  private isActive(t: ActionTrigger, activeStates: readonly AlarmStateName[]): boolean {
    return t.kind === 'alarm' ? activeStates.includes(t.event.state) : this.verdicts.includes(t.part.verdict);
  }

  /** For event actions: does this trigger call for a message? */
  private isSelected(t: ActionTrigger, on: readonly AlarmStateName[]): boolean {
    return t.kind === 'alarm' ? on.includes(t.event.state) : this.verdicts.includes(t.part.verdict);
  }

  private static what(t: ActionTrigger): string {
    return t.kind === 'alarm'
      ? `${t.event.asset}/${t.event.alarm} → ${t.event.state}`
      : `${t.part.asset} part ${t.part.partId} ${t.part.verdict}`;
  }

  private static payload(t: ActionTrigger): string {
    return JSON.stringify(t.kind === 'alarm' ? t.event : t.part);
  }

  private opcuaJob(c: OpcuaWriteActionConfig, t: ActionTrigger): Job | undefined {
    const value = this.isActive(t, c.active_states) ? c.value_active : c.value_inactive;
    const writer = this.deps.opcuaWriters?.get(c.source);
    if (!writer) return undefined;
    return {
      what: AlarmAction.what(t),
      describe: `${c.node_id} := ${value} on ${c.source}`,
      run: async () => {
        if (this.lastWritten === value) return;
        await writer.write(c.node_id, value);
        this.lastWritten = value;
      },
    };
  }

  private mqttJob(c: MqttPublishActionConfig, t: ActionTrigger): Job | undefined {
    if (!this.isSelected(t, c.on)) return undefined;
    const topic = fillTemplate(c.topic, triggerVars(t));
    const body = AlarmAction.payload(t);
    return {
      what: AlarmAction.what(t),
      describe: `publish ${topic} on ${c.url}`,
      run: async () => {
        // One connection per attempt: no hidden client-side queue that could resend later.
        const client = await mqtt.connectAsync(c.url, {
          username: c.username,
          password: c.password,
          connectTimeout: c.timeout_ms,
          reconnectPeriod: 0,
          clientId: `linewatch-action-${this.name}-${process.pid}`,
        });
        try {
          await Promise.race([
            client.publishAsync(topic, body, { qos: c.qos, retain: c.retain }),
            new Promise((_, reject) =>
              setTimeout(() => reject(new Error(`no PUBACK within ${c.timeout_ms} ms`)), c.timeout_ms).unref(),
            ),
          ]);
        } finally {
          await client.endAsync(true).catch(() => undefined);
        }
      },
    };
  }

  private modbusJob(c: ModbusWriteActionConfig, t: ActionTrigger): Job | undefined {
    const active = this.isActive(t, c.active_states);
    const writer = this.deps.writers.get(c.source);
    if (!writer) return undefined;
    // The config loader allows a coil pattern (list) only for coils, text only for holding registers.
    const value =
      c.data_type === 'string'
        ? fillTemplate(active ? c.text_active : c.text_inactive, triggerVars(t))
        : active
          ? c.value_active
          : c.value_inactive;
    const target: ModbusWrite =
      typeof value === 'string'
        ? { table: 'holding', address: c.address, text: value, length: c.length ?? 1, byteOrder: c.byte_order }
        : c.table === 'coil'
          ? {
              table: 'coil',
              address: c.address,
              value: typeof value === 'number' ? value !== 0 : value.map((v) => v === 1),
            }
          : {
              table: 'holding',
              address: c.address,
              value: value as number,
              type: c.data_type as Exclude<typeof c.data_type, 'string'>,
              byteOrder: c.byte_order,
              scale: c.scale,
              offset: c.offset,
            };
    const shown =
      typeof value === 'string'
        ? JSON.stringify(value)
        : typeof value === 'number'
          ? String(value)
          : `[${value.join(',')}]`;
    const span = typeof value === 'object' ? `..${c.address + value.length - 1}` : '';
    return {
      what: AlarmAction.what(t),
      describe: `${c.table} ${c.address}${span} := ${shown} on ${c.source}${c.unit_id !== undefined ? ` unit ${c.unit_id}` : ''}`,
      run: async () => {
        if (this.lastWritten === value) return;
        await writer.write(target, c.unit_id);
        this.lastWritten = value;
      },
    };
  }

  private webhookJob(c: WebhookActionConfig, t: ActionTrigger): Job | undefined {
    if (!this.isSelected(t, c.on)) return undefined;
    const body = AlarmAction.payload(t);
    return {
      what: AlarmAction.what(t),
      describe: `POST ${c.url}`,
      run: async () => {
        const res = await fetch(c.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...c.headers },
          body,
          signal: AbortSignal.timeout(c.timeout_ms),
        });
        if (!res.ok) throw new Error(`answered ${res.status} ${(await res.text()).slice(0, 200)}`);
      },
    };
  }

  private async drain(): Promise<void> {
    const sleep = this.deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref()));
    const random = this.deps.random ?? Math.random;
    while (this.jobs.length > 0) {
      const job = this.jobs.shift()!;
      for (let attempt = 1; ; attempt++) {
        const stop = this.deps.metrics.actionSeconds.startTimer({ action: this.name });
        try {
          await job.run();
          stop();
          this.succeeded++;
          this.deps.metrics.actions.inc({ action: this.name, outcome: 'ok' });
          if (attempt > 1)
            this.deps.logger.info(
              { action: this.name, attempt },
              `action ${this.name}: ${job.describe} succeeded on attempt ${attempt}`,
            );
          break;
        } catch (err) {
          const message = `action ${this.name}: ${job.describe} for ${job.what}: ${(err as Error).message}`;
          this.lastError = message;
          this.deps.metrics.actions.inc({ action: this.name, outcome: 'retry' });
          if (attempt >= this.config.max_attempts || this.closed) {
            this.failed++;
            this.deps.metrics.actions.inc({ action: this.name, outcome: 'failed' });
            this.deps.logger.error(
              { action: this.name, attempts: attempt },
              `${message}; gave up after ${attempt} attempts`,
            );
            break;
          }
          if (attempt === 1) this.deps.logger.warn({ action: this.name }, `${message}; retrying`);
          await sleep(jittered(backoffMs(attempt, this.config.retry_initial_ms, MAX_BACKOFF_MS), random));
          if (this.jobs.length > 0 && this.follows) break; // a newer value supersedes this one
        }
      }
    }
  }

  /** Resolves when every queued job has finished (succeeded or given up). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  close(): void {
    this.closed = true;
  }

  status(): ActionStatus {
    return {
      name: this.name,
      type: this.config.type,
      succeeded: this.succeeded,
      failed: this.failed,
      pending: this.jobs.length,
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }
}

/** What a text template may name: {asset}, {alarm}, {state}, {priority}, {top}, {score}; for parts also {part},
 * {verdict}. */
function triggerVars(t: ActionTrigger): Record<string, string> {
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
function fillTemplate(template: string, vars: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => vars[k] ?? m);
}
