/**
 * Applying a release a notice names to every asset running its model: downloaded and its signature and hash verified
 * once, the model taken from the session pool once (one session for every asset that runs it: session-pool.ts); then,
 * per asset, its inputs and release sequence checked, the release marked on probation (from its load on: crash-loop
 * protection), stored, and put on probation (probation-watch.ts). Each refusal is reported as a rejected outcome.
 */
import type { KeyObject } from 'node:crypto';
import type { Model } from '../core/components.js';
import type { SessionPool } from '../inference/session-pool.js';
import type { Logger } from '../telemetry/logger.js';
import type { ProbationWatch } from './probation-watch.js';
import { checkInputs, loadSigned } from './release.js';
import { checkReleaseUrl, fetchSignedRelease, storeRelease, type SignedRelease } from './release-download.js';
import type { ReleaseNotice } from './release-notice.js';
import { downloadLimitsOf } from './release-reader.js';
import { checkNewer, checkVersionFree, sequenceFloors } from './release-sequence.js';
import { rolledBackUnreadable } from './model-store.js';
import { reusedVersion } from './version-reuse.js';
import type { UpdaterParts, UpdateTarget } from './update-host.js';
import { combineVerdicts, type NoticeVerdict } from './notice-memory.js';
import type { ReleaseRefusals } from './release-refusals.js';
import { refusalReason, refusalVerdict, type ModelUpdateEvent } from './update-outcome.js';

export class ReleaseApplier {
  /** Notices passed over (a model no asset runs, a version an asset runs already), each said once in the log. */
  private readonly passedOver = new Set<string>();
  /** Aborted as the gateway stops: a download in progress is abandoned, nothing more is applied. */
  private readonly stopping = new AbortController();

  constructor(
    private readonly deps: UpdaterParts & {
      probations: ProbationWatch;
      /** The configured public keys a release must be signed with (one of them). */
      keys: () => readonly KeyObject[];
      pool: SessionPool;
      logger: Logger;
      /** Where a notice for a model no asset runs is kept as refused (/api/status). */
      refusals: ReleaseRefusals;
    },
  ) {}

  /**
   * Applies a release to every asset running its model: downloaded and verified once, loaded once
   * (the pool: one session for all of them), then checked, stored and put on probation per asset.
   * Resolves with what it came to (notice-memory.ts): settled once applied; the refusal's code once refused for good
   * (on any asset); 'again' after a failure that may pass (a download, the store), and for a model no asset runs
   * (nothing to download, nothing worth the memory), so a redelivery is handled again.
   */
  async apply(notice: ReleaseNotice): Promise<NoticeVerdict> {
    if (this.stopping.signal.aborted) return 'again';
    const { host, store, config } = this.deps;
    const running = host.assetsRunning(notice.model);
    if (running.length === 0) {
      this.deps.refusals.refused({
        model: notice.model,
        version: notice.version,
        at: this.deps.now(),
        reason: `no asset here runs a model named ${notice.model}`,
        passedOver: true,
      });
      this.passOver(
        notice,
        '',
        `release notice for ${notice.model} ${notice.version} passed over: no asset here runs a model named ` +
          `${notice.model} (a release carries, in its manifest's name, the name of the model it replaces)`,
      );
      return 'again';
    }
    const targets: UpdateTarget[] = [];
    let reused: NoticeVerdict = 'settled';
    for (const target of running) {
      // A refusal like any other (status, metric, the cloud's outcome topic): whoever published it again hears why.
      const refuse = (reason: string) =>
        this.deps.outcomes.report({
          asset: target.asset,
          model: notice.model,
          version: notice.version,
          previousVersion: target.model.version,
          ts: this.deps.now(),
          outcome: 'rejected',
          reason,
        });
      if (target.model.version === notice.version) {
        const onProbation = this.deps.probations.get(target.asset);
        const reason = await reusedVersion(notice, target.asset, {
          // What it runs: the release on probation (what target.model is then), else the confirmed one.
          running: onProbation
            ? { version: onProbation.model.version, dir: onProbation.dir, sequence: onProbation.sequence }
            : await store.active(target.asset),
          maxManifestBytes: config.max_manifest_bytes,
          prefixes: config.release_url_prefixes,
          stop: this.stopping.signal,
        });
        if (reason !== undefined) {
          refuse(reason);
          reused = { rejected: 'version_taken' };
          continue;
        }
        this.passOver(
          notice,
          target.asset,
          `asset ${target.asset}: release notice for ${notice.model} ${notice.version} passed over: the asset runs ` +
            'that version already (a release that replaces it carries another version in its manifest)',
        );
        continue;
      }
      const rolledBack = await store.rolledBack(target.asset);
      if (rolledBack.why !== undefined) {
        // Which versions were rolled back is unknown: this one may be one of them, so none is applied.
        refuse(`rolled_back_unreadable: ${rolledBackUnreadable(target.asset, rolledBack.why)}`);
        continue;
      }
      if (rolledBack.versions.includes(notice.version)) {
        refuse(
          `rolled_back_before: ${notice.model} ${notice.version} was rolled back on ${target.asset} before; not ` +
            'applied again (publish a new version, signed with a release sequence above the last this gateway took)',
        );
        continue;
      }
      targets.push(target);
    }
    if (targets.length === 0) return reused;
    const event = (t: UpdateTarget) => ({
      asset: t.asset,
      model: notice.model,
      version: notice.version,
      previousVersion: t.model.version,
      ts: this.deps.now(),
    });
    let release: SignedRelease;
    try {
      checkReleaseUrl(notice.url, config.release_url_prefixes);
      // In memory, size-capped; nothing is written before it verifies.
      release = await fetchSignedRelease(notice, this.deps.keys(), downloadLimitsOf(config), this.stopping.signal);
    } catch (err) {
      if (this.stopping.signal.aborted) return this.abandoned(notice);
      const reason = refusalReason(err, 'download');
      for (const t of targets) this.deps.outcomes.report({ ...event(t), outcome: 'rejected', reason });
      return refusalVerdict(err, 'download');
    }
    if (this.stopping.signal.aborted) return this.abandoned(notice);
    let verdict: NoticeVerdict = reused;
    for (const t of targets) verdict = combineVerdicts(verdict, await this.applyTo(t, release, event(t)));
    return verdict;
  }

  /**
   * Abandons the download in progress, and applies nothing more: the gateway is stopping (stop() then waits for
   * nothing but this). A release server answering slowly held the stop for up to the download's minute, and the
   * release was then put on probation as the gateway stopped.
   */
  stop(): void {
    this.stopping.abort();
  }

  /** A notice whose release was being downloaded as the gateway stopped: said, not an outcome; handled when it comes
   * again (a retained notice at the next start). */
  private abandoned(notice: ReleaseNotice): NoticeVerdict {
    this.deps.logger.info(
      { component: 'model-updates', model: notice.model, version: notice.version },
      `release ${notice.model} ${notice.version}: download abandoned, the gateway is stopping; handled again when its ` +
        'notice comes again (a retained one at the next start)',
    );
    return 'again';
  }

  /** Says once (per model, version and asset) why a notice was passed over: silence leaves its user guessing. */
  private passOver(notice: ReleaseNotice, asset: string, message: string): void {
    const key = JSON.stringify([notice.model, notice.version, asset]);
    if (this.passedOver.has(key)) return;
    if (this.passedOver.size >= 1024) this.passedOver.clear(); // bounded: notices come from the network
    this.passedOver.add(key);
    this.deps.logger.info({ component: 'model-updates', ...(asset ? { asset } : {}) }, message);
  }

  /** Checks, stores and swaps in a release on one asset; resolves with what it came to (see apply). */
  private async applyTo(
    target: UpdateTarget,
    release: SignedRelease,
    base: Omit<ModelUpdateEvent, 'outcome'>,
  ): Promise<NoticeVerdict> {
    const { store, probations, outcomes } = this.deps;
    const { asset, model: current, samplePeriodMs } = target;
    const signed = release.loaded.manifest;
    const origin = release.files.origin;
    let model: Model;
    let dir: string;
    try {
      checkInputs(signed, { channels: current.channels, windowLength: current.windowLength, samplePeriodMs }, origin);
      const [active, floor] = [await store.active(asset), await store.floor(asset)];
      const held = {
        active,
        floor,
        confirmed: probations.confirmedSequence(asset),
        onProbation: probations.get(asset),
      };
      checkNewer(signed, origin, sequenceFloors(target, signed, held));
      // Its folder holds a confirmed release, or the one on probation: never written over.
      checkVersionFree(signed, origin, asset, active, held.onProbation);
    } catch (err) {
      outcomes.report({ ...base, outcome: 'rejected', reason: refusalReason(err, 'download') });
      return refusalVerdict(err, 'download');
    }
    // Marked from the load on: a release whose load ends the process (a native crash, out of memory) counts too.
    await store.markProbation(asset, signed.name, signed.version);
    try {
      model = await loadSigned(release.loaded, this.deps.pool, origin);
    } catch (err) {
      await probations.unmark(asset);
      outcomes.report({ ...base, outcome: 'rejected', reason: refusalReason(err, 'download') });
      return refusalVerdict(err, 'download');
    }
    try {
      // Named from the signed manifest, written to a temporary folder and renamed into place.
      dir = await storeRelease(this.deps.config.store_dir!, asset, release.files, signed);
    } catch (err) {
      await model.close();
      await probations.unmark(asset);
      outcomes.report({ ...base, outcome: 'rejected', reason: refusalReason(err, 'store') });
      return 'again';
    }
    await probations.begin(asset, model, { dir, sequence: signed.release_sequence!, sha256: signed.sha256 }, base);
    return 'settled';
  }
}
