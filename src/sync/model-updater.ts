/**
 * Signed model updates on the gateway. A release notice — a retained MQTT message on
 * `<prefix>/releases/<model name>` or a JSON document polled over HTTPS (notice-sources.ts) — names
 * a model version and the URL of its folder. The updater downloads the release and verifies its signature and
 * hash once, takes the model from the session pool (loaded and its golden window run once, one
 * session for every asset that runs it: see release.ts, session-pool.ts); then for every asset
 * running that model it checks the inputs and release sequence, stores the release, swaps it in
 * between two scoring runs, keeps the previous model, and watches the new one on probation (a
 * ProbationModel per asset around its view of the shared model); it rolls back by itself if the
 * new model fails runs or flags too much of a healthy line, and on request (HTTP API). Every
 * outcome is reported (event, log, metric, and through the cloud sink). What it keeps of each
 * asset across restarts (confirmed releases, rollbacks, the crash mark) is model-store.ts's.
 *
 * Updates run one at a time; a rollback may come at any moment between their steps, so each
 * change of an asset's state (the model the gateway runs, the release on probation) is made in
 * one synchronous step, never split by an await. A notice is remembered once settled (applied or
 * refused for good: notice-memory.ts), so a redelivery is not downloaded again; one that failed
 * in a way that may pass (the release server down, a 404 before the upload finished) is not.
 */
import type { KeyObject } from 'node:crypto';
import { z } from 'zod';
import type { Model } from '../core/components.js';
import type { ModelManifest } from '../inference/manifest.js';
import { formatIssues } from '../core/format-issues.js';
import { redactCredentials } from '../core/redact.js';
import type { ModelUpdatesConfig, MqttSyncConfig } from './schema.js';
import type { Logger } from '../telemetry/logger.js';
import type { GatewayMetrics } from '../telemetry/metrics.js';
import { ProbationModel } from './probation.js';
import type { SessionPool } from '../inference/session-pool.js';
import { checkInputs, loadSigned, readPublicKeys, ReleaseRejected } from './release.js';
import { checkReleaseUrl, fetchSignedRelease, storeRelease, type SignedRelease } from './release-download.js';
import { DownloadTooLarge, type DownloadLimits } from './release-reader.js';
import { checkNewer, type SequenceFloor } from './release-sequence.js';
import { NoticeMemory } from './notice-memory.js';
import { NoticeSources } from './notice-sources.js';
import { ModelStore } from './model-store.js';
import { INTERRUPTIONS_TO_ROLL_BACK } from './interrupted-probation.js';

export const releaseNoticeSchema = z.object({
  model: z.string().min(1),
  version: z.string().min(1),
  /** Folder URL holding manifest.json, manifest.sig and the model file. */
  url: z.url(),
});
export type ReleaseNotice = z.infer<typeof releaseNoticeSchema>;

export type UpdateOutcome = 'applied' | 'rejected' | 'rolled_back' | 'confirmed';

export interface ModelUpdateEvent {
  readonly asset: string;
  readonly model: string;
  readonly version: string;
  readonly previousVersion: string;
  readonly outcome: UpdateOutcome;
  readonly reason?: string;
  readonly by?: string;
  readonly ts: number;
}

/** An asset running a model a notice names. */
export interface UpdateTarget {
  readonly asset: string;
  readonly model: Model;
  readonly samplePeriodMs: number;
  /** The release_sequence of the model the asset is configured with, if its manifest carries one: a release must be
   * above it. */
  readonly releaseSequence?: number;
}

/** What the updater needs of the gateway. */
export interface UpdateHost {
  /** Assets whose current model has this name, with that model. */
  assetsRunning(modelName: string): UpdateTarget[];
  currentModel(asset: string): Model | undefined;
  swapModel(asset: string, model: Model): Model;
  report(event: ModelUpdateEvent): void;
}

interface Probation {
  readonly model: ProbationModel;
  readonly previous: Model;
  readonly until: number;
  /** Where the release was stored, recorded as the asset's active release once confirmed. */
  readonly dir: string;
  /** Its signed release sequence, recorded with it. */
  readonly sequence: number;
  /** The sha256 of its model file, as signed, recorded with it. */
  readonly sha256: string;
}

export interface ModelUpdaterStatus {
  readonly asset: string;
  readonly version: string;
  readonly probationUntil?: number;
  readonly previousVersion?: string;
  readonly last?: ModelUpdateEvent;
}

/** Why a release was refused, as reported: the refusal's code, or what failed around it. */
function refusalReason(err: unknown, step: 'download' | 'store'): string {
  return err instanceof ReleaseRejected ? `${err.code}: ${err.message}` : `${step}: ${(err as Error).message}`;
}

/**
 * Whether a refusal would come again for the same notice: the release's own fault (signature,
 * manifest, sequence, model: a ReleaseRejected) or a file over its size cap. Any other download
 * failure (no answer, an HTTP error, a timeout) may pass.
 */
function isFinal(err: unknown): boolean {
  return err instanceof ReleaseRejected || err instanceof DownloadTooLarge;
}

export class ModelUpdater {
  private keys: KeyObject[] = [];
  private sources: NoticeSources | undefined;
  private timers: NodeJS.Timeout[] = [];
  private chain: Promise<void> = Promise.resolve();
  private readonly probations = new Map<string, Probation>();
  private readonly last = new Map<string, ModelUpdateEvent>();
  /** The sequence each asset confirmed while running, as soon as it is confirmed (active.json is written after). */
  private readonly confirmed = new Map<string, number>();
  private readonly notices = new NoticeMemory();
  /** Notices passed over (a model no asset runs, a version an asset runs already), each said once in the log. */
  private readonly passedOver = new Set<string>();
  /** Rollbacks recover() decided before the gateway chose its models, reported at start(). */
  private readonly recovered: Omit<ModelUpdateEvent, 'version' | 'ts'>[] = [];
  /** Each asset's records in the store: confirmed, rolled back, on probation. */
  private readonly store: ModelStore;

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
    },
  ) {
    this.store = new ModelStore(config.store_dir!, deps.logger);
  }

  private get limits(): DownloadLimits {
    const c = this.config;
    return {
      manifestBytes: c.max_manifest_bytes,
      signatureBytes: c.max_signature_bytes,
      modelBytes: c.max_model_bytes,
    };
  }

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }

  async start(): Promise<void> {
    this.keys = await readPublicKeys(this.config.public_key_file);
    for (const event of this.recovered.splice(0))
      this.outcome({ ...event, version: this.host.currentModel(event.asset)?.version ?? '', ts: this.now() });
    this.sources = new NoticeSources(this.config, this.mqttConfig, this.deps.logger, (text, origin) =>
      this.onNoticeText(text, origin),
    );
    this.sources.start();
    this.timers.push(setInterval(() => void this.checkProbations(), 1000));
    for (const t of this.timers) t.unref();
  }

  /** Parses a notice and queues it (updates run one at a time). */
  onNoticeText(text: string, origin: string): void {
    let notice: ReleaseNotice;
    try {
      notice = releaseNoticeSchema.parse(JSON.parse(text));
    } catch (err) {
      // A schema's issues by their path ("version: expected string"), not the ZodError's JSON dump.
      const why =
        err instanceof z.ZodError ? formatIssues(err.issues).join('; ') : (err as Error).message.split('\n')[0];
      this.deps.logger.warn(
        { component: 'model-updates' },
        `release notice from ${origin} ignored: not a notice: ${why}`,
      );
      return;
    }
    if (this.notices.seen(notice)) return;
    this.chain = this.chain
      .then(() => this.apply(notice))
      .then(
        (remember) => {
          if (!remember) this.notices.forget(notice);
        },
        (err: Error) => {
          this.notices.forget(notice);
          this.deps.logger.error({ component: 'model-updates' }, `model update failed: ${err.message}`);
        },
      );
  }

  /** Resolves when queued updates have been handled (for tests and orderly shutdown). */
  idle(): Promise<void> {
    return this.chain;
  }

  /**
   * Applies a release to every asset running its model: downloaded and verified once, loaded once
   * (the pool: one session for all of them), then checked, stored and put on probation per asset.
   * Resolves with whether to remember the notice: yes once it is applied or refused for good; no
   * after a failure that may pass (a download, the store), and for a model no asset runs (nothing
   * to download, nothing worth the memory), so a redelivery is handled again.
   */
  private async apply(notice: ReleaseNotice): Promise<boolean> {
    const running = this.host.assetsRunning(notice.model);
    if (running.length === 0) {
      this.passOver(
        notice,
        '',
        `release notice for ${notice.model} ${notice.version} passed over: no asset here runs a model named ` +
          `${notice.model} (a release carries, in its manifest's name, the name of the model it replaces)`,
      );
      return false;
    }
    const targets: UpdateTarget[] = [];
    for (const target of running) {
      if (target.model.version === notice.version) {
        this.passOver(
          notice,
          target.asset,
          `asset ${target.asset}: release notice for ${notice.model} ${notice.version} passed over: the asset runs ` +
            'that version already (a release that replaces it carries another version in its manifest)',
        );
        continue;
      }
      if ((await this.store.rolledBack(target.asset)).includes(notice.version)) {
        this.deps.logger.info(
          { component: 'model-updates', asset: target.asset },
          `asset ${target.asset}: ${notice.model} ${notice.version} was rolled back here before; not applied again (publish a new version)`,
        );
        continue;
      }
      targets.push(target);
    }
    if (targets.length === 0) return true;
    const event = (t: UpdateTarget) => ({
      asset: t.asset,
      model: notice.model,
      version: notice.version,
      previousVersion: t.model.version,
      ts: this.now(),
    });
    let release: SignedRelease;
    try {
      checkReleaseUrl(notice.url, this.config.release_url_prefixes);
      // In memory, size-capped; nothing is written before it verifies.
      release = await fetchSignedRelease(notice, this.keys, this.limits);
    } catch (err) {
      const reason = refusalReason(err, 'download');
      for (const t of targets) this.outcome({ ...event(t), outcome: 'rejected', reason });
      return isFinal(err);
    }
    let remember = true;
    for (const t of targets) if (!(await this.applyTo(t, release, event(t)))) remember = false;
    return remember;
  }

  /** Says once (per model, version and asset) why a notice was passed over: silence leaves its user guessing. */
  private passOver(notice: ReleaseNotice, asset: string, message: string): void {
    const key = JSON.stringify([notice.model, notice.version, asset]);
    if (this.passedOver.has(key)) return;
    if (this.passedOver.size >= 1024) this.passedOver.clear(); // bounded: notices come from the network
    this.passedOver.add(key);
    this.deps.logger.info({ component: 'model-updates', ...(asset ? { asset } : {}) }, message);
  }

  /**
   * The sequences a release for `target` must be above (release-sequence.ts). The asset's newest confirmed release
   * itself may come again where the asset does not run it (it no longer verified at start: a damaged disk): the same
   * signed sequence, version and model hash, so no downgrade.
   */
  private async sequenceFloors(target: UpdateTarget, signed: ModelManifest): Promise<SequenceFloor[]> {
    const { asset } = target;
    const active = await this.store.active(asset);
    const again =
      active !== undefined &&
      !this.confirmed.has(asset) &&
      target.model.version !== active.version &&
      active.sha256 === signed.sha256 &&
      active.version === signed.version &&
      active.sequence === signed.release_sequence;
    const stored = (active?.sequence ?? 0) - (again ? 1 : 0);
    const floors: SequenceFloor[] = [
      {
        sequence: Math.max(stored, this.confirmed.get(asset) ?? 0),
        whose: `the last this gateway confirmed for ${asset}`,
      },
    ];
    const onProbation = this.probations.get(asset);
    if (onProbation)
      floors.push({
        sequence: onProbation.sequence,
        whose: `that of ${onProbation.model.version}, on probation on ${asset}`,
      });
    if (target.releaseSequence !== undefined)
      floors.push({ sequence: target.releaseSequence, whose: `that of the model ${asset} is configured with` });
    return floors;
  }

  /** Checks, stores and swaps in a release on one asset; resolves with whether the outcome is final (see apply). */
  private async applyTo(
    target: UpdateTarget,
    release: SignedRelease,
    base: Omit<ModelUpdateEvent, 'outcome'>,
  ): Promise<boolean> {
    const { asset, model: current, samplePeriodMs } = target;
    const signed = release.loaded.manifest;
    const origin = release.files.origin;
    let model: Model;
    let dir: string;
    try {
      checkInputs(signed, { channels: current.channels, windowLength: current.windowLength, samplePeriodMs }, origin);
      checkNewer(signed, origin, await this.sequenceFloors(target, signed));
    } catch (err) {
      this.outcome({ ...base, outcome: 'rejected', reason: refusalReason(err, 'download') });
      return isFinal(err);
    }
    // Marked from the load on: a release whose load ends the process (a native crash, out of memory) counts too.
    await this.store.markProbation(asset, signed.name, signed.version);
    try {
      model = await loadSigned(release.loaded, this.deps.pool, origin);
    } catch (err) {
      await this.unmark(asset);
      this.outcome({ ...base, outcome: 'rejected', reason: refusalReason(err, 'download') });
      return isFinal(err);
    }
    try {
      // Named from the signed manifest, written to a temporary folder and renamed into place.
      dir = await storeRelease(this.config.store_dir!, asset, release.files, signed);
    } catch (err) {
      await model.close();
      await this.unmark(asset);
      this.outcome({ ...base, outcome: 'rejected', reason: refusalReason(err, 'store') });
      return false;
    }
    const probation = new ProbationModel(model, {
      maxErrorRate: this.config.max_error_rate,
      maxAnomalousFraction: this.config.max_anomalous_fraction,
      minWindows: this.config.min_windows,
    });
    // One step with no await in it: a rollback sees the release on probation and the model the gateway runs change
    // together (before or after it, never between).
    const previous = this.host.swapModel(asset, probation);
    const old = this.probations.get(asset); // a newer release during probation replaces it
    this.probations.set(asset, {
      model: probation,
      previous: old?.previous ?? previous,
      until: this.now() + this.config.probation_s * 1000,
      dir,
      sequence: signed.release_sequence!,
      sha256: signed.sha256,
    });
    this.outcome({ ...base, previousVersion: previous.version, outcome: 'applied' });
    if (old) await old.model.inner.close().catch(() => undefined);
    return true;
  }

  /** A release refused after it was marked: the mark goes back to the release on probation there, if any. */
  private async unmark(asset: string): Promise<void> {
    const p = this.probations.get(asset);
    if (p) await this.store.markProbation(asset, p.model.name, p.model.version);
    else await this.store.clearProbation(asset);
  }

  /**
   * Judges every release on probation (start's timer, each second): rolls back one that
   * misbehaves, confirms one whose probation is over. Resolves once those rollbacks and records
   * are done.
   */
  async checkProbations(): Promise<void> {
    const pending: Promise<unknown>[] = [];
    for (const [asset, p] of this.probations) {
      const reason = p.model.verdict();
      if (reason) pending.push(this.rollback(asset, `misbehaved on probation: ${reason}`));
      else if (this.now() >= p.until) {
        this.probations.delete(asset);
        this.confirmed.set(asset, p.sequence);
        pending.push(p.previous.close().catch(() => undefined));
        pending.push(
          this.onChain(() =>
            this.store.recordConfirmed(
              asset,
              {
                version: p.model.version,
                dir: p.dir,
                sequence: p.sequence,
                sha256: p.sha256,
                confirmed_at: new Date(this.now()).toISOString(),
              },
              () => this.probations.get(asset)?.dir,
            ),
          ),
        );
        this.outcome({
          asset,
          model: p.model.name,
          version: p.model.version,
          previousVersion: p.previous.version,
          outcome: 'confirmed',
          ts: this.now(),
        });
      }
    }
    await Promise.all(pending);
  }

  /**
   * Puts the previous model back (automatic on misbehaviour, or requested by an operator): the
   * release on probation now, whichever it is, in one step with no await (see applyTo); then
   * closes it and records its version as rolled back.
   */
  async rollback(asset: string, reason: string, by?: string): Promise<ModelUpdateEvent> {
    const p = this.probations.get(asset);
    if (!p)
      throw new Error(
        `asset ${asset}: no model update to roll back (rollback is possible while an update is on probation)`,
      );
    this.probations.delete(asset);
    this.host.swapModel(asset, p.previous);
    const event = this.outcome({
      asset,
      model: p.model.name,
      version: p.previous.version,
      previousVersion: p.model.version,
      outcome: 'rolled_back',
      reason,
      ...(by ? { by } : {}),
      ts: this.now(),
    });
    await p.model.inner.close().catch(() => undefined);
    await this.store.recordRolledBack(asset, p.model.version);
    // Its folder goes, on the chain (an update in progress is not waited for here).
    void this.onChain(() => this.store.prune(asset, () => this.probations.get(asset)?.dir)).catch(() => undefined);
    return event;
  }

  /**
   * At start, before any model is chosen (the gateway calls it first): a release that was being loaded or on probation
   * when the gateway ended without stopping (a crash, a kill, power lost) is said; one that was so
   * INTERRUPTIONS_TO_ROLL_BACK times in a row is rolled back for good (reported once started), so a release that
   * crashes the gateway, announced by a retained notice, cannot crash it at every start.
   */
  async recover(assets: readonly string[]): Promise<void> {
    for (const { asset, mark } of await this.store.takeInterruptedProbations(assets)) {
      const ends = `the gateway ended without stopping (a crash, a kill, power lost) while ${mark.version} was being loaded or on probation`;
      if (mark.interrupted < INTERRUPTIONS_TO_ROLL_BACK) {
        this.deps.logger.warn(
          { component: 'model-updates', asset, version: mark.version },
          `asset ${asset}: ${ends}: it runs again only where its notice comes again, on probation anew, and is ` +
            `rolled back for good if the gateway ends so ${INTERRUPTIONS_TO_ROLL_BACK} times in a row`,
        );
        continue;
      }
      await this.store.recordRolledBack(asset, mark.version);
      await this.store.prune(asset, () => undefined); // its folder goes: nothing is on probation yet
      this.recovered.push({
        asset,
        model: mark.model,
        previousVersion: mark.version,
        outcome: 'rolled_back',
        reason: `${ends}, ${mark.interrupted} times in a row: not applied again (publish a new version)`,
      });
    }
  }

  /** Runs `step` on the updates' chain: never between the steps of an update (a prune while a release is stored). */
  private onChain(step: () => Promise<void>): Promise<void> {
    const run = this.chain.then(step);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private outcome(reported: ModelUpdateEvent): ModelUpdateEvent {
    // The event leaves the box (cloud, InfluxDB, the event stream): no credentials or query values of a release URL
    // (a token) in its reason; the path stays, the cloud gave it and needs it to tell which release was refused.
    const event = reported.reason ? { ...reported, reason: redactCredentials(reported.reason) } : reported;
    this.last.set(event.asset, event);
    this.deps.metrics.modelUpdates.inc({ asset: event.asset, outcome: event.outcome });
    const text = `asset ${event.asset}: model ${event.model} ${event.outcome === 'rolled_back' ? `rolled back to ${event.version} from ${event.previousVersion}` : `${event.version} ${event.outcome}`}${event.reason ? `: ${event.reason}` : ''}`;
    if (event.outcome === 'rejected' || event.outcome === 'rolled_back')
      this.deps.logger.warn({ component: 'model-updates', ...event }, text);
    else this.deps.logger.info({ component: 'model-updates', ...event }, text);
    this.host.report(event);
    return event;
  }

  status(assets: readonly string[]): ModelUpdaterStatus[] {
    return assets.map((asset) => {
      const p = this.probations.get(asset);
      const last = this.last.get(asset);
      return {
        asset,
        version: this.host.currentModel(asset)?.version ?? '',
        ...(p ? { probationUntil: p.until, previousVersion: p.previous.version } : {}),
        ...(last ? { last } : {}),
      };
    });
  }

  /** Stops listening; models on probation stay in place, their predecessors are closed. */
  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    await this.sources?.stop();
    await this.chain;
    for (const [asset, p] of this.probations) {
      await p.previous.close().catch(() => undefined);
      // An orderly stop is no crash: the release comes back on probation anew where its notice comes again.
      await this.store.clearProbation(asset);
    }
    this.probations.clear();
  }
}
