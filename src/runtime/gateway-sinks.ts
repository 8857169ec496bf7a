/**
 * The gateway's sinks, created when it starts (the disk queues open their files then): one for each configured
 * `storage:` section and cloud sync where configured, each with its durable queue watched, the health points it
 * wants and how often, and a SinkWatch that says whether it delivers (/api/status, /readyz).
 */
import type { AlarmJournalGap, Sink } from '../core/components.js';
import { LINEWATCH_VERSION } from '../core/version.js';
import type { LoadedConfig } from '../config/load.js';
import { openQueue } from '../buffer/open-queue.js';
import { PRIORITIES, type DurableQueue } from '../buffer/queue.js';
import type { BufferConfig } from '../buffer/schema.js';
import { createSinks } from '../registry/runtime.js';
import { warnNoStorage } from '../config/storage-notes.js';
import { assetOutline } from '../config/asset-outline.js';
import type { SinkAlarmState } from '../sinks/sink-type.js';
import { CLOUD_SINK, MqttSync, type GatewayIdentity } from '../sync/mqtt-sync.js';
import { OpenMinutesFile, openMinutesFile } from '../sync/open-minutes.js';
import type { ComponentDeps } from '../telemetry/component-deps.js';
import { createSeriesAtZero, type SinkSeries } from '../telemetry/series-at-start.js';
import type { HealthTarget } from './health-schedule.js';
import { SinkWatch, WatchedQueue } from './sink-watch.js';

export interface GatewaySinks {
  readonly sinks: Sink[];
  readonly healthTargets: HealthTarget[];
  readonly sinkWatches: SinkWatch[];
}

/** What the sinks ask of the gateway while they run. */
export interface GatewaySinkHooks {
  /** What each asset runs (cloud sync's status names them); undefined before the models are chosen. */
  readonly models: GatewayIdentity['models'];
  /** A gap the local store recorded in its journal, once on disk: the gateway publishes it. */
  readonly journalGapRecorded: (gap: AlarmJournalGap) => void;
  /** Each asset's alarm now; empty before the asset pipelines run. */
  readonly alarmStates?: () => readonly SinkAlarmState[];
}

/**
 * Adds every sink of the configuration to `into`, in the registry's order, then cloud sync: one by one, so that where
 * one cannot be created those before it are there to be closed.
 */
export function addGatewaySinks(
  into: GatewaySinks,
  loaded: LoadedConfig,
  deps: ComponentDeps,
  hooks: GatewaySinkHooks,
): void {
  const { config } = loaded;
  const { sinks, healthTargets, sinkWatches } = into;
  const tags = { site: config.gateway.site, line: config.gateway.line, gateway: config.gateway.name };
  const created = createSinks(config.storage, {
    ...deps,
    tags,
    openQueue: (sink, buffer) => new WatchedQueue(openSinkQueue(sink, buffer, deps)),
    journalGapRecorded: hooks.journalGapRecorded,
    dataDir: config.data_dir,
    opcuaLogsTo: async (logger) => (await import('../sources/opcua/opcua-log.js')).sendOpcuaLogsTo(logger),
    assets: assetOutline(config),
    ...(hooks.alarmStates ? { alarmStates: hooks.alarmStates } : {}),
  });
  if (created.length === 0) warnNoStorage(config, deps.logger);
  sinks.push(...created.map((c) => c.sink));
  createSeriesAtZero(deps.metrics, { sinks: created.map((c) => ({ name: c.sink.name, ...c.series })) });
  healthTargets.push(...created);
  const grace = config.http.readyz_grace_retries;
  for (const c of created) {
    const queue = c.queue instanceof WatchedQueue ? c.queue : undefined;
    sinkWatches.push(new SinkWatch(c.sink, queue, deps.metrics, Date.now, grace));
  }
  if (config.cloud.mqtt) {
    const identity = {
      gateway: config.gateway.name,
      site: config.gateway.site,
      line: config.gateway.line,
      version: LINEWATCH_VERSION,
      models: hooks.models,
    };
    const buffer = config.cloud.mqtt.buffer;
    const queue = new WatchedQueue(openSinkQueue(CLOUD_SINK, buffer, deps));
    // Beside a disk queue, the minutes being summarised, against a crash; a memory queue loses them with the rest.
    const openMinutes =
      buffer.type === 'disk' && buffer.path
        ? new OpenMinutesFile(openMinutesFile(buffer.path), buffer.sync === 'full')
        : undefined;
    const cloud = new MqttSync(config.cloud.mqtt, identity, { ...deps, queue, openMinutes });
    sinks.push(cloud);
    createSeriesAtZero(deps.metrics, { sinks: [{ name: cloud.name, ...CLOUD_SERIES }] });
    sinkWatches.push(new SinkWatch(cloud, queue, deps.metrics, Date.now, grace));
    // None where it does not publish them.
    const { publish_health: publish, health_interval_ms: intervalMs } = config.cloud.mqtt;
    healthTargets.push({ sink: cloud, intervalMs: publish ? intervalMs : 0 });
  }
}

/**
 * What cloud sync counts (mqtt-sync.ts): a failed connection or publish, its queue failing, points not queued, its
 * queue's evictions.
 */
const CLOUD_SERIES: SinkSeries = {
  writeErrorKinds: ['network', 'queue'],
  droppedReasons: ['queue_write_failed'],
  evictedClasses: PRIORITIES,
};

/** A sink's queue; a corrupt queue file is set aside (logged once, counted) and a fresh one opened. */
function openSinkQueue(sink: string, buffer: BufferConfig, deps: ComponentDeps): DurableQueue {
  return openQueue(buffer, Date.now, (c) => {
    deps.metrics.queueCorrupt.inc({ sink });
    deps.logger.error(
      { component: 'buffer', sink, path: c.path, moved_to: c.movedTo, bytes: c.bytes },
      `queue file ${c.path} of sink ${sink} cannot be read (${c.reason}): ${c.bytes} bytes set aside as ${c.movedTo}; a fresh queue is used, what was queued in it is not sent`,
    );
  });
}
