/**
 * The gateway runtime: wires sources → asset pipelines (windows, model, alarm) → sinks from a
 * validated configuration. Start order: sinks, models, pipelines, sources. Stop order is the
 * reverse: sources stop (no new samples), queued windows are scored, models close, sinks flush
 * and close. The gateway is the composition root: it builds the components and wires them over one
 * event bus (gateway-wiring.ts), which consoles and integrations subscribe to through `events`.
 */
import type { Sink, Source } from '../core/components.js';
import { EventBus, type Subscribable } from '../core/event-bus.js';
import { CommandError } from '../core/errors.js';
import type { AlarmEvent } from '../core/types.js';
import type { LoadedConfig } from '../config/load.js';
import { SessionPool } from '../inference/session-pool.js';
import type { AlarmAction, ActionStatus } from '../actions/alarm-action.js';
import { sourceType } from '../registry/components.js';
import { createSource } from '../registry/runtime.js';
import { MqttSync } from '../sync/mqtt-sync.js';
import { statusModel, type StatusModel } from '../sync/status-models.js';
import { ModelUpdater, type ModelUpdaterStatus } from '../sync/model-updater.js';
import { readPublicKeys } from '../sync/release.js';
import type { ReleaseRefusal } from '../sync/release-refusals.js';
import type { ModelUpdateEvent } from '../sync/update-outcome.js';
import { collectHealth } from '../telemetry/health-reporter.js';
import type { Logger } from '../telemetry/logger.js';
import type { GatewayMetrics } from '../telemetry/metrics.js';
import { createSeriesAtZero } from '../telemetry/series-at-start.js';
import {
  ANOMALY_ALARM,
  AssetPipeline,
  type AlarmStatus,
  type AssetStatus,
  type CommandRequest,
} from './asset-pipeline.js';
import { acquireAssetModels } from './asset-models.js';
import { forgetRemovedAssetsHolds, restoreAlarms, restoreJournal } from './alarm-restore.js';
import { subscriberErrorReporter, wireGateway, type GatewayTopics } from './gateway-wiring.js';
import { scheduleHealth, type HealthTarget } from './health-schedule.js';
import { sourcesByAsset, withPartSourcesDown } from './part-sources.js';
import { alarmJournal, journaledCommand } from './journal-answer.js';
import { pipelinesUpdateHost } from './pipelines-update-host.js';
import { addGatewayActions, reassertOutputs, type AlarmOutput } from './gateway-actions.js';
import { addGatewaySinks, type GatewaySinks } from './gateway-sinks.js';
import type { SinkStatus, SinkWatch } from './sink-watch.js';

export type { GatewayTopics } from './gateway-wiring.js';

export interface GatewayStatus {
  readonly gateway: string;
  readonly site: string;
  readonly line: string;
  readonly state: 'starting' | 'running' | 'stopping' | 'stopped';
  readonly uptime_s: number;
  /**
   * Each source: whether it is connected, since when and, while not, why (`lastError`), where the source says
   * (Source.connectionState), the tags it cannot deliver now (`issues`, where any), and the channels whose tag the
   * device does not have (`missingTags`, where any: Source.missingTags).
   */
  readonly sources: {
    name: string;
    connected: boolean;
    since?: number;
    lastError?: string;
    issues?: readonly string[];
    missingTags?: readonly string[];
  }[];
  readonly assets: AssetStatus[];
  /** Alarms that are not normal (annunciated, shelved or out of service). */
  readonly alarms: AlarmStatus[];
  readonly actions: ActionStatus[];
  /** Each sink: whether it delivers, since when, why not, what waits in its queue. */
  readonly sinks: SinkStatus[];
  readonly models?: ModelUpdaterStatus[];
  /** With model updates, the last release notice refused for each model (release-refusals.ts). */
  readonly releaseRefusals?: ReleaseRefusal[];
  /** With cloud.remote_config: the configuration running and the last outcome (src/remote-config). */
  readonly remoteConfig?: RemoteConfigStatus;
}

/** What remote configuration says in /api/status: which configuration runs (a sequence, or null: the local file),
 * and the last message's outcome. */
export interface RemoteConfigStatus {
  readonly runningSequence: number | null;
  readonly last?: {
    readonly outcome: 'applied' | 'confirmed' | 'refused' | 'rolled_back';
    readonly sequence?: number;
    readonly code?: string;
    readonly reason?: string;
    readonly ts: number;
  };
}

/** One source for each configured source, of whichever registered type. */
export function createSources(loaded: LoadedConfig, deps: { logger: Logger; metrics: GatewayMetrics }): Source[] {
  return loaded.config.sources.map((s, i) =>
    createSource(s, { logger: deps.logger, metrics: deps.metrics, where: `sources[${i}]` }),
  );
}

export class Gateway {
  private readonly sources: Source[];
  /** The sources feeding each asset: a parts asset is degraded while one is disconnected (part-sources.ts). */
  private readonly feeding: ReadonlyMap<string, readonly string[]>;
  private readonly sinks: Sink[] = [];
  private readonly pipelines: AssetPipeline[] = [];
  private tickTimer: NodeJS.Timeout | undefined;
  private readonly actions: AlarmAction[] = [];
  /** The alarm actions that write through a source (a PLC output), with the source's connection they last wrote on. */
  private readonly outputs: AlarmOutput[] = [];
  private readonly partActions: AlarmAction[] = [];
  private updater: ModelUpdater | undefined;
  /** The models the assets ran when the gateway stopped (the cloud's goodbye names them). */
  private lastModels: StatusModel[] | undefined;
  /** Whether start has chosen each asset's model (the cloud's birth waits for it: it names them). */
  private modelsChosen = false;
  /** The one owner of the models' sessions (start-up, updates, rollbacks). */
  private pool = new SessionPool();
  /** The sinks that want the gateway's health points, each with its interval. */
  private readonly healthTargets: HealthTarget[] = [];
  /** Whether each sink delivers (/api/status, /readyz). */
  private readonly sinkWatches: SinkWatch[] = [];
  /** Stops the health timers. */
  private stopHealth: (() => void) | undefined;
  private state: GatewayStatus['state'] = 'stopped';
  private startedAt = 0;
  private readonly bus: EventBus<GatewayTopics>;
  /** Counts and logs a subscriber's error (the bus's, and an alarm action's dispatched after the journal). */
  private readonly onError: (topic: keyof GatewayTopics, error: unknown) => void;
  /** Undoes the wiring made at start. */
  private unwire = () => {};

  /**
   * Samples, scores, part verdicts, alarm transitions, model updates and health points, as they happen
   * (gateway-wiring.ts). A subscriber is called synchronously; one that subscribes once the gateway has
   * started runs after the gateway's own (logging, sinks, actions). One that throws is logged and
   * counted, and the others still run.
   */
  readonly events: Subscribable<GatewayTopics>;

  constructor(
    private readonly loaded: LoadedConfig,
    private readonly deps: {
      logger: Logger;
      metrics: GatewayMetrics;
      restoreAlarms?: boolean;
      logAlarms?: boolean;
      remoteConfig?: () => RemoteConfigStatus;
    },
  ) {
    this.sources = createSources(loaded, deps);
    this.feeding = sourcesByAsset(loaded.config.sources);
    this.onError = subscriberErrorReporter(deps);
    this.bus = new EventBus<GatewayTopics>(this.onError);
    this.events = this.bus;
  }

  /** The gateway's sinks, their health targets and watches, as addGatewaySinks fills them. */
  private sinkParts(): GatewaySinks {
    return { sinks: this.sinks, healthTargets: this.healthTargets, sinkWatches: this.sinkWatches };
  }

  async start(): Promise<void> {
    this.state = 'starting';
    this.startedAt = Date.now();
    this.modelsChosen = false;
    this.lastModels = undefined;
    const { logger } = this.deps;
    try {
      // Sinks are created at start: the disk queues open their files then.
      addGatewaySinks(this.sinkParts(), this.loaded, this.deps, {
        // What each asset runs (updates included): none before the models are chosen (a confirmed update may replace
        // the configured one), the last ones once the gateway stops.
        models: () =>
          !this.modelsChosen ? undefined : this.pipelines.length === 0 ? (this.lastModels ?? []) : this.runningModels(),
        journalGapRecorded: (gap) => this.bus.publish('journalGap', gap),
        alarmStates: () => this.pipelines.map((p) => p.status().alarm),
      });
      for (const sink of this.sinks) await sink.start();
      // Every model comes from the pool: assets that run the same model file share one session and its batches, at
      // start, after an update and after a restart that runs a confirmed update.
      const { providers, cache_dir: cacheDir } = this.loaded.config.inference;
      this.pool = new SessionPool({ providers, logger, ...(cacheDir ? { cacheDir } : {}) });
      const updates = this.loaded.config.cloud.model_updates;
      // Read once: the confirmed updates chosen now and the releases to come are checked against the same keys.
      const keys = updates ? await readPublicKeys(updates.public_key_file) : [];
      if (updates) {
        this.updater = new ModelUpdater(
          updates,
          this.loaded.config.cloud.mqtt,
          {
            ...pipelinesUpdateHost(this.pipelines, this.loaded.models, (event) => this.bus.publish('model', event)),
            // A probation waiting for windows (no outcome reported): the retained status says so.
            statusChanged: () => this.announceModels(),
          },
          {
            ...this.deps,
            pool: this.pool,
            keys,
          },
        );
        // Before any model is chosen: a release that ended the last runs on probation is not loaded again.
        await this.updater.recover(this.loaded.config.assets.map((a) => a.name));
      }
      const { models, fallbacks } = await acquireAssetModels(
        this.pool,
        this.loaded.models,
        this.loaded.config.assets.map((a) => a.name),
        updates,
        keys,
        logger,
      );
      const journal = restoreJournal(this.sinks);
      for (const asset of this.loaded.config.assets) {
        const pipeline = new AssetPipeline(
          asset,
          models.get(asset.name)!,
          {
            onScores: (s) => this.bus.publish('scores', s),
            onAlarm: (a) => this.bus.publish('alarm', a),
            onParts: (p) => this.bus.publish('parts', p),
            // Only the journal keeps it (for a restart); nothing else reads it, so it goes there, not on the bus.
            onAlarmHold: (h) => journal?.write({ samples: [], scores: [], alarms: [], alarmHolds: [h] }),
          },
          this.deps,
        );
        const fallback = fallbacks.get(asset.name);
        if (fallback) pipeline.runsFallback(fallback);
        this.pipelines.push(pipeline);
      }
      forgetRemovedAssetsHolds(journal, this.pipelines, logger);
      // Each source's errors (the kinds its type counts) and each asset's alarm start at 0; the journal's restore sets
      // an alarm that was active (the sinks' series start in addGatewaySinks).
      createSeriesAtZero(this.deps.metrics, {
        sources: this.loaded.config.sources.map((s) => ({ name: s.name, errorKinds: sourceType(s.type).errorKinds })),
        alarms: this.loaded.config.assets.map((a) => ({ asset: a.name, alarm: ANOMALY_ALARM })),
      });
      if (this.deps.restoreAlarms !== false) restoreAlarms(journal, this.pipelines, logger);
      // The cloud's retained status names the models chosen now (a confirmed update, not the configured one): its
      // birth, where the broker is connected already.
      this.modelsChosen = true;
      this.announceModels();
      addGatewayActions(
        { actions: this.actions, partActions: this.partActions, outputs: this.outputs },
        this.loaded,
        this.sources,
        this.deps,
      );
      this.unwire = wireGateway(this.bus, {
        pipelines: this.pipelines,
        sinks: this.sinks,
        actions: this.actions,
        partActions: this.partActions,
        logger,
        logAlarms: this.deps.logAlarms,
        onError: this.onError,
      });
      await this.updater?.start();
      for (const source of this.sources) await source.start((batch) => this.bus.publish('samples', batch));
      this.tickTimer = setInterval(() => {
        const now = Date.now();
        for (const p of this.pipelines) p.tick(now);
        reassertOutputs(this.outputs, (asset) =>
          this.pipelines.find((p) => p.config.name === asset)?.currentAlarm(now),
        );
        // A look that fails (it never should) keeps the sink's last status; it must not end the daemon.
        for (const w of this.sinkWatches) w.look().catch(() => undefined);
      }, 1000);
      this.tickTimer.unref();
      // Each sink at its own interval (one timer per interval); a failed report is logged, never an unhandled
      // rejection that ends the daemon.
      this.stopHealth = scheduleHealth(this.healthTargets, (sinks) =>
        this.reportHealth(sinks).catch((err: unknown) =>
          this.deps.logger.error({ component: 'health' }, `health report: ${(err as Error).message}`),
        ),
      );
    } catch (err) {
      await this.stop();
      throw err;
    }
    this.state = 'running';
    logger.info(
      { sources: this.sources.length, assets: this.pipelines.length, sinks: this.sinks.map((s) => s.name) },
      'gateway running',
    );
  }

  /** The model each asset runs now, the one driving its alarms, and a release on probation (status-models.ts). */
  private runningModels(): StatusModel[] {
    const updates = this.updater?.status(this.pipelines.map((p) => p.config.name));
    return this.pipelines.map((p, k) => statusModel(p.config.name, p.model, updates?.[k]));
  }

  /**
   * An operator's rollback (HTTP API): of the model update on probation, or else back to the release confirmed before
   * the one the asset runs, or its configured model (local-rollback.ts); 409 with the reason where refused.
   */
  async rollbackModel(asset: string, by: string, comment?: string): Promise<ModelUpdateEvent> {
    this.pipelineOf(asset);
    if (!this.updater) throw new CommandError(409, 'model updates are not configured (cloud.model_updates)');
    try {
      return await this.updater.rollback(asset, `requested by ${by}${comment ? `: ${comment}` : ''}`, by);
    } catch (err) {
      throw new CommandError(409, (err as Error).message);
    }
  }

  /** Collects the health points once and writes them to `sinks` (those whose interval came round), then publishes
   * them to whoever listens on `events`. */
  private async reportHealth(sinks: readonly Sink[]): Promise<void> {
    const health = await collectHealth(
      this.deps.metrics,
      this.sources.map((s) => s.name),
      Date.now(),
    );
    for (const sink of sinks) sink.write({ samples: [], scores: [], alarms: [], health });
    this.bus.publish('health', health);
  }

  /**
   * An operator command on an alarm (acknowledge, shelve, ...). Resolves with the transition's event once it is
   * journaled (on disk in the local store, where there is one); rejects with the reason when refused, and with a 503
   * that says what took effect where the journal could not be written (journal-answer.ts).
   */
  async command(asset: string, alarm: string, request: Omit<CommandRequest, 'ts'>): Promise<AlarmEvent> {
    const pipeline = this.pipelineOf(asset);
    if (alarm !== ANOMALY_ALARM)
      throw new CommandError(404, `asset ${asset} has no alarm "${alarm}" (alarms: ${ANOMALY_ALARM})`);
    const event = pipeline.command({ ...request, ts: Date.now() });
    return journaledCommand(alarmJournal(this.sinks), event);
  }

  /** The asset's pipeline; a 404 naming the assets there are where there is none of that name. */
  private pipelineOf(asset: string): AssetPipeline {
    const pipeline = this.pipelines.find((p) => p.config.name === asset);
    if (!pipeline)
      throw new CommandError(
        404,
        `no asset "${asset}" (assets: ${this.pipelines.map((p) => p.config.name).join(', ') || 'none'})`,
      );
    return pipeline;
  }

  /** Publishes the cloud's retained status again (the models chosen, a probation waiting for windows). */
  private announceModels(): void {
    for (const sink of this.sinks) if (sink instanceof MqttSync) sink.announce();
  }

  /** Stops in reverse order, flushing everything accepted. Idempotent. */
  async stop(): Promise<void> {
    if (this.state === 'stopped' && this.pipelines.length === 0) return;
    this.state = 'stopping';
    if (this.tickTimer) clearInterval(this.tickTimer);
    // Where the health timers ran, a last health point for every sink that takes them (the state at shutdown).
    const stopHealth = this.stopHealth;
    this.stopHealth = undefined;
    stopHealth?.();
    const healthSinks = this.healthTargets.filter((t) => t.intervalMs > 0).map((t) => t.sink);
    this.healthTargets.length = 0;
    if (stopHealth && healthSinks.length > 0) await this.reportHealth(healthSinks);
    // Actions in flight get a moment to land on the PLC before the connections close.
    const allActions = [...this.actions, ...this.partActions];
    for (const action of allActions) action.close();
    await Promise.race([Promise.all(allActions.map((a) => a.idle())), new Promise((r) => setTimeout(r, 2000).unref())]);
    await this.updater?.stop();
    for (const source of [...this.sources].reverse())
      await source
        .stop()
        .catch((err) =>
          this.deps.logger.error({ source: source.name }, `stopping ${source.name}: ${(err as Error).message}`),
        );
    // A row of held values waiting for a batch that no stopped source sends goes, scored before the sinks close.
    for (const p of this.pipelines) p.releaseHeld(true);
    for (const p of this.pipelines) await p.idle();
    if (this.pipelines.length > 0) this.lastModels = this.runningModels(); // the goodbye names them
    for (const p of this.pipelines) await p.model.close();
    this.pipelines.length = 0;
    for (const sink of [...this.sinks].reverse())
      await sink
        .close()
        .catch((err) => this.deps.logger.error({ sink: sink.name }, `closing ${sink.name}: ${(err as Error).message}`));
    this.sinks.length = 0;
    this.sinkWatches.length = 0;
    this.unwire();
    this.unwire = () => {};
    this.state = 'stopped';
    this.deps.logger.info('gateway stopped');
  }

  status(): GatewayStatus {
    const { gateway } = this.loaded.config;
    const sources = this.sources.map((s) => {
      const issues = s.tagIssues?.() ?? [];
      const missingTags = s.missingTags?.() ?? [];
      return {
        name: s.name,
        connected: s.connected,
        ...s.connectionState?.(),
        ...(issues.length > 0 ? { issues } : {}),
        ...(missingTags.length > 0 ? { missingTags } : {}),
      };
    });
    const assets = withPartSourcesDown(
      this.pipelines.map((p) => p.status()),
      this.feeding,
      new Map(sources.map((s) => [s.name, s.connected])),
    );
    return {
      gateway: gateway.name,
      site: gateway.site,
      line: gateway.line,
      state: this.state,
      uptime_s: this.startedAt ? (Date.now() - this.startedAt) / 1000 : 0,
      sources,
      assets,
      alarms: assets.map((a) => a.alarm).filter((a) => a.state !== 'normal'),
      actions: [...this.actions, ...this.partActions].map((a) => a.status()),
      sinks: this.sinkWatches.map((w) => w.status()),
      ...(this.updater
        ? {
            models: this.updater.status(this.pipelines.map((p) => p.config.name)),
            releaseRefusals: this.updater.lastRefusals(),
          }
        : {}),
      ...(this.deps.remoteConfig ? { remoteConfig: this.deps.remoteConfig() } : {}),
    };
  }
}
