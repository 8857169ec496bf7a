/**
 * What a storage sink type brings to the gateway (src/registry/ lists them): its key under
 * `storage:`, its schema, how it is built, and a commented sample for docs/configuration.md.
 */
import type { z } from 'zod';
import type { AssetOutline } from '../core/asset-outline.js';
import type { AlarmJournalGap, Sink } from '../core/components.js';
import type { AlarmStateName } from '../core/types.js';
import type { ConfigPaths } from '../core/config-primitives.js';
import type { BufferConfig } from '../buffer/schema.js';
import type { DurableQueue } from '../buffer/queue.js';
import type { ComponentDeps } from '../telemetry/component-deps.js';
import type { SinkSeries } from '../telemetry/series-at-start.js';

/** An asset of the configuration as a sink that offers each asset's variables sees it (storage.opcua_server). */
/** An asset's alarm as the gateway holds it now (restored from the journal at start, then each transition). */
export interface SinkAlarmState {
  readonly asset: string;
  readonly state: AlarmStateName;
  /** Since when it has been active, where it is and the gateway knows. */
  readonly since?: number;
}

/** What a sink's settings are checked against (checkSettings). */
export interface SinkCheckContext {
  /** The names of the configuration's assets. */
  readonly assets: readonly string[];
}

export interface SinkDeps extends ComponentDeps {
  /** The gateway's identity, tagged on every series. */
  readonly tags: { readonly site: string; readonly line: string; readonly gateway: string };
  /** Opens the sink's durable queue (a corrupt file is set aside and reported). */
  openQueue(sink: string, buffer: BufferConfig): DurableQueue;
  /**
   * A sink that journals alarms calls it with each gap it recorded in the journal, once the commit that recorded it
   * is on disk (the gateway publishes it: the live event stream, InfluxDB).
   */
  readonly journalGapRecorded?: (gap: AlarmJournalGap) => void;
  /** The gateway's data_dir (absolute): where a sink keeps what it makes itself (a server's certificates). */
  readonly dataDir?: string;
  /** Sends node-opcua's own warnings and errors to `logger` (a sink that runs node-opcua; sources/opcua owns this). */
  readonly opcuaLogsTo?: (logger: ComponentDeps['logger']) => Promise<void>;
  /** What each asset of the configuration will carry (for a sink that declares its metrics before any record). */
  readonly assets?: readonly AssetOutline[];
  /** Each asset's alarm now; empty before the gateway's asset pipelines run (until its sources start). */
  readonly alarmStates?: () => readonly SinkAlarmState[];
}

export interface SinkType<K extends string, S extends z.ZodType<object>> {
  /** Its key under `storage:`. */
  readonly key: K;
  readonly schema: S;
  /** The commented YAML of its section (validated by a test, shown in docs/configuration.md). */
  readonly sample: string;
  /** The label values of its error, drop and eviction counters: each series is created at 0 when the gateway starts. */
  readonly series: SinkSeries;
  /** How often it wants the gateway's health point (0: never). */
  healthIntervalMs?(config: z.output<S>): number;
  /** Makes its file paths absolute (defaults under data_dir). */
  resolvePaths?(config: z.output<S>, paths: ConfigPaths): void;
  /** What the schema cannot check (a file it names): each problem a message naming its key. Opens no connection. */
  check?(config: z.output<S>): string[];
  /**
   * What the schema cannot check that needs no file or credential (an asset it names, a host beyond loopback): each
   * problem a message naming its key. Run by every check of a configuration. Opens no connection.
   */
  checkSettings?(config: z.output<S>, ctx: SinkCheckContext): string[];
  create(config: z.output<S>, deps: SinkDeps): Sink;
}

/** Keeps the literal types of a sink type's definition. */
export function defineSink<const K extends string, S extends z.ZodType<object>>(t: SinkType<K, S>): SinkType<K, S> {
  return t;
}
