/**
 * Signed model updates on the gateway. A release notice — a retained MQTT message on
 * `<prefix>/releases/<model name>` or a JSON document polled over HTTPS (notice-sources.ts) — names
 * a model version and the URL of its folder. The updater downloads the release and verifies its signature and
 * hash once, takes the model from the session pool (loaded and its golden window run once, one
 * session for every asset that runs it: see release.ts, session-pool.ts); then for every asset
 * running that model it checks the inputs and release sequence, stores the release, swaps it in
 * between two scoring runs, keeps the previous model (release-apply.ts), and watches the new one on probation (a
 * ProbationModel per asset around its view of the shared model); it rolls back by itself if the
 * new model fails runs or flags too much of a healthy line, and on request (HTTP API: probation-watch.ts); with no
 * update on probation, an operator's request goes back to the release confirmed before (local-rollback.ts). Every
 * outcome is reported (event, log, metric, and through the cloud sink: update-outcome.ts). What it keeps of each
 * asset across restarts (confirmed releases, rollbacks, the crash mark) is model-store.ts's.
 *
 * Updates run one at a time; a rollback may come at any moment between their steps, so each
 * change of an asset's state (the model the gateway runs, the release on probation) is made in
 * one synchronous step, never split by an await. A notice is remembered once handled (notice-memory.ts), so a
 * redelivery is not downloaded again: for good once applied; once refused for good (a bad signature, not newer) until
 * it comes again a while later (its release may have been signed again at the same URL); one that failed in a way
 * that may pass (the release server down, a 404 before the upload finished) is not remembered.
 */
import type { KeyObject } from 'node:crypto';
import type { ModelUpdatesConfig, MqttSyncConfig } from './schema.js';
import type { Logger } from '../telemetry/logger.js';
import type { GatewayMetrics } from '../telemetry/metrics.js';
import type { SessionPool } from '../inference/session-pool.js';
import { readPublicKeys } from './release.js';
import { NoticeBacklog } from './notice-backlog.js';
import { NoticeMemory, type Rejection } from './notice-memory.js';
import { NoticeSources } from './notice-sources.js';
import { LocalRollback } from './local-rollback.js';
import { ModelStore } from './model-store.js';
import { readRefusedNotices, writeRefusedNotices } from './refused-notices.js';
import { recoverInterrupted, type RecoveredRollback } from './probation-recovery.js';
import type { LocalRollbackRecord } from './confirmed-release.js';
import { ProbationWatch, type ProbationStatus, type StoppedProbation } from './probation-watch.js';
import { ReleaseApplier } from './release-apply.js';
import { ReleaseRefusals, topicModel, type ReleaseRefusal } from './release-refusals.js';
import { parseReleaseNotice, wrongTopic, type ReleaseNotice } from './release-notice.js';
import type { UpdateHost } from './update-host.js';
import { OutcomeReporter, type ModelUpdateEvent } from './update-outcome.js';

export interface ModelUpdaterStatus {
  readonly asset: string;
  /** The version of the model whose results drive the alarms (shadowed on probation: the one before the release). */
  readonly version: string;
  /** The release on probation, if any: its version, mode, own counts and latest score. */
  readonly probation?: ProbationStatus;
  /** With a release on probation, the model before it: what a rollback puts back. */
  readonly previousVersion?: string;
  /**
   * With none on probation, the operator's local rollback that left the asset running `version` (the configured model
   * where no earlier release was left), as the store records it across restarts: the version rolled back, when, by
   * whom. None once a release is confirmed.
   */
  readonly localRollback?: LocalRollbackRecord;
  /** Once stopped, the release whose probation the stop ended, and the model the next start runs instead. */
  readonly stoppedProbation?: StoppedProbation;
  readonly last?: ModelUpdateEvent;
}

export class ModelUpdater {
  private keys: readonly KeyObject[] = [];
  private sources: NoticeSources | undefined;
  private timers: NodeJS.Timeout[] = [];
  private chain: Promise<void> = Promise.resolve();
  private readonly notices = new NoticeMemory();
  /** The notices waiting to be handled, bounded (notice-backlog.ts). */
  private readonly backlog: NoticeBacklog;
  /** Rollbacks recover() decided before the gateway chose its models, reported at start(). */
  private readonly recovered: RecoveredRollback[] = [];
  /** Each asset's records in the store: confirmed, rolled back, on probation. */
  private readonly store: ModelStore;
  private readonly outcomes: OutcomeReporter;
  private readonly probations: ProbationWatch;
  private readonly applier: ReleaseApplier;
  private readonly local: LocalRollback;
  /** The last notice refused for each model (/api/status). */
  private readonly refusals = new ReleaseRefusals();

  constructor(
    private readonly config: ModelUpdatesConfig,
    private readonly mqttConfig: MqttSyncConfig | undefined,
    private readonly host: UpdateHost,
    private readonly deps: {
      logger: Logger;
      metrics: GatewayMetrics;
      now?: () => number;
      /** Where models come from: one session per model file, however many assets take the release. */
      pool: SessionPool;
      /** The configured public keys (public_key_file), where the caller has read them; read at start otherwise. */
      keys?: readonly KeyObject[];
    },
  ) {
    const now = () => this.now();
    this.backlog = new NoticeBacklog(deps.logger);
    this.store = new ModelStore(config.store_dir!, deps.logger);
    this.outcomes = new OutcomeReporter({
      logger: deps.logger,
      metrics: deps.metrics,
      report: (e) => {
        this.refusals.outcome(e);
        host.report(e);
      },
    });
    this.probations = new ProbationWatch({
      config,
      host,
      store: this.store,
      outcomes: this.outcomes,
      now,
      onChain: (step) => this.onChain(step),
      logger: deps.logger,
    });
    this.applier = new ReleaseApplier({
      config,
      host,
      store: this.store,
      probations: this.probations,
      outcomes: this.outcomes,
      keys: () => this.keys,
      pool: deps.pool,
      logger: deps.logger,
      refusals: this.refusals,
      now,
    });
    const keys = () => this.keys;
    this.local = new LocalRollback({
      config,
      host,
      store: this.store,
      outcomes: this.outcomes,
      keys,
      pool: deps.pool,
      now,
    });
  }

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }

  async start(): Promise<void> {
    this.keys = this.deps.keys ?? (await readPublicKeys(this.config.public_key_file));
    // Before any notice comes: a retained notice refused before this start is not downloaded again at once.
    this.notices.restore(await readRefusedNotices(this.config.store_dir!, this.deps.logger), this.now());
    for (const event of this.recovered.splice(0))
      this.outcomes.report({ ...event, version: this.host.currentModel(event.asset)?.version ?? '', ts: this.now() });
    this.sources = new NoticeSources(
      this.config,
      this.mqttConfig,
      this.deps.logger,
      (text, origin, published) => this.onNoticeText(text, origin, published),
      (topic, reason) => this.refusedUnread(`mqtt ${topic}`, reason),
      { models: () => this.host.modelNames?.() ?? [] },
    );
    this.sources.start();
    this.timers.push(setInterval(() => void this.checkProbations(), 1000));
    for (const t of this.timers) t.unref();
  }

  /**
   * Parses a notice and queues it (updates run one at a time). `published`: published anew while the gateway listened
   * (an MQTT message not flagged retained), not delivered again (a retained one at a reconnect, a poll).
   */
  onNoticeText(text: string, origin: string, published = false): void {
    const parsed = parseReleaseNotice(text);
    if ('why' in parsed) {
      const reason = `not a notice: ${parsed.why}`;
      this.refusedUnread(origin, reason);
      this.deps.logger.warn({ component: 'model-updates' }, `release notice from ${origin} ignored: ${reason}`);
      return;
    }
    const { notice } = parsed;
    const misplaced = wrongTopic(notice, origin);
    if (misplaced !== undefined) return this.refuseMisplaced(notice, origin, misplaced, published);
    const recall = this.notices.recall(notice, this.now(), published);
    if (!recall.handle) {
      if (recall.rejection && recall.tell) this.tellRefusedAgain(notice, recall.rejection);
      return;
    }
    if (!this.backlog.take(notice, origin)) {
      this.notices.settle(notice, 'again', this.now()); // not remembered: handled when it comes again
      return;
    }
    this.chain = this.chain
      .then(() => this.applier.apply(notice))
      .then(
        async (verdict) => {
          this.notices.settle(notice, verdict, this.now());
          if (typeof verdict === 'object') await this.keepRefusals();
        },
        (err: Error) => {
          this.notices.settle(notice, 'again', this.now());
          this.deps.logger.error({ component: 'model-updates' }, `model update failed: ${err.message}`);
        },
      )
      .finally(() => this.backlog.done());
  }

  /**
   * Keeps a notice refused before it was read as one (/api/status): its model by its topic, passed over where no asset
   * runs it, so that a flood of malformed notices on other models' topics cannot push out a refusal that matters here.
   */
  private refusedUnread(origin: string, reason: string): void {
    const model = topicModel(origin);
    const passedOver = model !== undefined && this.host.assetsRunning(model).length === 0;
    this.refusals.refused({ model, at: this.now(), reason, from: origin, ...(passedOver ? { passedOver } : {}) });
  }

  /**
   * Refuses a notice on another model's topic (release-notice.ts: wrongTopic) before anything is fetched: a rejected
   * outcome on each asset running the model it names (those it would have changed), or, where none runs it, kept in
   * /api/status and said in the log. Remembered as refused on that topic only (the same notice on its own topic is
   * handled), as any refusal is: the verdict cannot change, and each repetition made an outcome per asset in the cloud
   * queue (a retained one at every reconnect, one per message of a publisher looping on a topic it may write).
   */
  private refuseMisplaced(notice: ReleaseNotice, origin: string, reason: string, published: boolean): void {
    const placed = { ...notice, topic: origin };
    const recall = this.notices.recall(placed, this.now(), published);
    if (!recall.handle) {
      if (recall.rejection && recall.tell) this.tellRefusedAgain(notice, recall.rejection);
      return;
    }
    this.notices.settle(placed, { rejected: 'wrong_topic' }, this.now());
    const running = this.host.assetsRunning(notice.model);
    for (const { asset, model } of running) {
      const { version } = notice;
      this.outcomes.report({
        asset,
        model: notice.model,
        version,
        previousVersion: model.version,
        ts: this.now(),
        outcome: 'rejected',
        reason,
      });
    }
    if (running.length > 0) return;
    this.refusals.refused({
      model: notice.model,
      version: notice.version,
      at: this.now(),
      reason,
      from: origin,
      passedOver: true,
    });
    this.deps.logger.warn(
      { component: 'model-updates' },
      `release notice for ${notice.model} ${notice.version} refused: ${reason}`,
    );
  }

  /** Says (once per refusal) that a notice refused for good came again and is passed over, and until when. */
  private tellRefusedAgain(notice: ReleaseNotice, rejection: Rejection): void {
    const after = (published: boolean) => new Date(rejection.at + NoticeMemory.wait(published)).toISOString();
    this.deps.logger.info(
      { component: 'model-updates', model: notice.model, version: notice.version },
      `release notice for ${notice.model} ${notice.version} already handled: rejected (${rejection.code}) at ` +
        `${new Date(rejection.at).toISOString()}; looked at again when published anew after ${after(true)}, or ` +
        `delivered again (a reconnect, a poll) after ${after(false)}; ` +
        (rejection.code === 'wrong_topic'
          ? "on its own model's topic it is handled now"
          : 'publish it under a new URL or version to retry now'),
    );
  }

  /** Keeps the notices refused for good across a restart (refused-notices.ts); a failure is said, not fatal. */
  private async keepRefusals(): Promise<void> {
    await writeRefusedNotices(this.config.store_dir!, this.notices.refused()).catch((err: Error) =>
      this.deps.logger.warn(
        { component: 'model-updates' },
        `cannot keep the refused release notices for the next start: ${err.message}`,
      ),
    );
  }

  /** Resolves when queued updates have been handled (for tests and orderly shutdown). */
  idle(): Promise<void> {
    return this.chain;
  }

  /**
   * Judges every release on probation (start's timer, each second): rolls back one that
   * misbehaves, confirms one whose probation is over. Resolves once those rollbacks and records
   * are done.
   */
  checkProbations(): Promise<void> {
    return this.probations.check();
  }

  /**
   * Puts the previous model back (automatic on misbehaviour, or requested by an operator) in place of the release on
   * probation now, and records its version as rolled back (probation-watch.ts); at once, an update in progress is not
   * waited for. With no release on probation (an operator's request), the release confirmed before the one the asset
   * runs, or its configured model, is verified, loaded and put back (local-rollback.ts) on the updates' chain, after
   * the update in progress, if any: where that one put a release on probation by then, that release is rolled back.
   */
  async rollback(asset: string, reason: string, by?: string): Promise<ModelUpdateEvent> {
    if (this.probations.get(asset)) return this.probations.rollback(asset, reason, by);
    let event: ModelUpdateEvent | undefined;
    await this.onChain(async () => {
      event = this.probations.get(asset)
        ? await this.probations.rollback(asset, reason, by)
        : await this.local.rollback(asset, reason, by);
    });
    return event!;
  }

  /**
   * At start, before any model is chosen (the gateway calls it first): a release that was being loaded or on probation
   * when the gateway ended without stopping is said, or rolled back for good (probation-recovery.ts), which is reported
   * once started; the local rollbacks the store records are read (status).
   */
  async recover(assets: readonly string[]): Promise<void> {
    this.recovered.push(...(await recoverInterrupted(this.store, assets, this.deps.logger)));
    await this.store.readLocalRollbacks(assets); // why an asset runs what an operator's rollback left (status)
  }

  /** Runs `step` on the updates' chain: never between the steps of an update (a prune while a release is stored). */
  private onChain(step: () => Promise<void>): Promise<void> {
    const run = this.chain.then(step);
    this.chain = run.catch(() => undefined);
    return run;
  }

  status(assets: readonly string[]): ModelUpdaterStatus[] {
    return assets.map((asset) => {
      const p = this.probations.get(asset);
      const last = this.outcomes.last(asset);
      const current = this.host.currentModel(asset);
      const stopped = this.probations.stoppedOn(asset);
      return {
        asset,
        version: stopped?.next.version ?? (current?.driving ?? current)?.version ?? '',
        ...(p ? { probation: this.probations.status(asset), previousVersion: p.previous.version } : {}),
        ...(!p && this.store.localRollback(asset) ? { localRollback: this.store.localRollback(asset) } : {}),
        ...(stopped ? { stoppedProbation: stopped } : {}),
        ...(last ? { last } : {}),
      };
    });
  }

  /** The last release notice refused for each model, the latest first (release-refusals.ts). */
  lastRefusals(): ReleaseRefusal[] {
    return this.refusals.list();
  }

  /** Stops listening; models on probation stay in place, their predecessors are closed. */
  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.applier.stop(); // a download in progress is abandoned, not waited for
    await this.sources?.stop();
    await this.chain;
    await this.probations.stop();
  }
}
