/**
 * Signed model updates on the gateway. A release notice — a retained MQTT message on
 * `<prefix>/releases/<model name>` or a JSON document polled over HTTPS — names a model version
 * and the URL of its folder. The updater downloads the release and verifies its signature and
 * hash once, takes the model from the session pool (loaded and its golden window run once, one
 * session for every asset that runs it: see release.ts, session-pool.ts); then for every asset
 * running that model it checks the inputs and release sequence, stores the release, swaps it in
 * between two scoring runs, keeps the previous model, and watches the new one on probation (a
 * ProbationModel per asset around its view of the shared model); it rolls back by itself if the
 * new model fails runs or flags too much of a healthy line, and on request (HTTP API). Every
 * outcome is reported (event, log, metric, and through the cloud sink).
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes, type KeyObject } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import { z } from 'zod';
import type { Model } from '../core/components.js';
import { brokerErrorText, connectMqtt } from '../core/mqtt-connection.js';
import type { ModelUpdatesConfig, MqttSyncConfig } from './schema.js';
import type { Logger } from '../telemetry/logger.js';
import type { GatewayMetrics } from '../telemetry/metrics.js';
import { ProbationModel } from './probation.js';
import type { SessionPool } from '../inference/session-pool.js';
import { checkInputs, loadSigned, readPublicKeys, ReleaseRejected } from './release.js';
import { fetchSignedRelease, storeRelease, type SignedRelease } from './release-download.js';
import type { DownloadLimits } from './release-reader.js';
import type { ModelManifest } from '../inference/manifest.js';
import { activeReleaseFile, confirmedSequence } from './confirmed-release.js';

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

/** What the updater needs of the gateway. */
export interface UpdateHost {
  /** Assets whose current model has this name, with that model. */
  assetsRunning(modelName: string): { asset: string; model: Model; samplePeriodMs: number }[];
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

/** Only newer than what this gateway confirmed: an old signed release cannot be replayed (a downgrade). */
function checkNewer(signed: ModelManifest, origin: string, confirmed: number, asset: string): void {
  const seq = signed.release_sequence;
  if (seq === undefined)
    throw new ReleaseRejected(
      'not_newer',
      `release ${origin}: the signed manifest has no release_sequence (sign it with linewatch model sign --sequence N)`,
    );
  if (seq <= confirmed)
    throw new ReleaseRejected(
      'not_newer',
      `release ${origin}: release_sequence ${seq} is not above ${confirmed}, the last this gateway confirmed for ${asset}`,
    );
}

export class ModelUpdater {
  private keys: KeyObject[] = [];
  private client: MqttClient | undefined;
  private timers: NodeJS.Timeout[] = [];
  private chain: Promise<void> = Promise.resolve();
  private readonly probations = new Map<string, Probation>();
  private readonly last = new Map<string, ModelUpdateEvent>();
  private readonly seen = new Set<string>();

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
  ) {}

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
    if (this.config.mqtt && this.mqttConfig) {
      const topic = `${this.mqttConfig.topic_prefix}/releases/+`;
      // The cloud broker's settings (TLS included), under a client id of its own.
      const client = connectMqtt(this.mqttConfig, {
        role: 'release notices',
        defaultClientId: `linewatch-updates-${randomBytes(4).toString('hex')}`,
        idSuffix: '-updates',
        options: { reconnectPeriod: 1000, clean: true },
      });
      client.on('connect', () => client.subscribe(topic, { qos: 1 }));
      client.on('message', (_topic, payload) => this.onNoticeText(payload.toString('utf8'), `mqtt ${_topic}`));
      client.on('error', (err) =>
        this.deps.logger.warn(
          { component: 'model-updates' },
          `release notices: broker ${this.mqttConfig!.url}: ${brokerErrorText(err, this.mqttConfig!)}`,
        ),
      );
      this.client = client;
    }
    if (this.config.poll_url) {
      const poll = () => void this.poll();
      poll();
      this.timers.push(setInterval(poll, this.config.poll_interval_s * 1000));
    }
    this.timers.push(setInterval(() => this.checkProbations(), 1000));
    for (const t of this.timers) t.unref();
  }

  private async poll(): Promise<void> {
    try {
      const res = await fetch(this.config.poll_url!, { signal: AbortSignal.timeout(10_000) });
      if (!res.ok) throw new Error(`answered ${res.status}`);
      const body: unknown = await res.json();
      for (const notice of Array.isArray(body) ? body : [body])
        this.onNoticeText(JSON.stringify(notice), this.config.poll_url!);
    } catch (err) {
      this.deps.logger.warn(
        { component: 'model-updates' },
        `release notices: ${this.config.poll_url}: ${(err as Error).message}`,
      );
    }
  }

  /** Parses a notice and queues it (updates run one at a time). */
  onNoticeText(text: string, origin: string): void {
    let notice: ReleaseNotice;
    try {
      notice = releaseNoticeSchema.parse(JSON.parse(text));
    } catch (err) {
      this.deps.logger.warn(
        { component: 'model-updates' },
        `release notice from ${origin} ignored: not a notice: ${(err as Error).message.split('\n')[0]}`,
      );
      return;
    }
    const key = `${notice.model}@${notice.version}@${notice.url}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.chain = this.chain
      .then(() => this.apply(notice))
      .catch((err: Error) =>
        this.deps.logger.error({ component: 'model-updates' }, `model update failed: ${err.message}`),
      );
  }

  /** Resolves when queued updates have been handled (for tests and orderly shutdown). */
  idle(): Promise<void> {
    return this.chain;
  }

  private refusedFile(asset: string): string {
    return join(this.config.store_dir!, asset, 'rolled-back.json');
  }

  /** Versions rolled back on an asset: a notice for one of them is not applied again. */
  private async refused(asset: string): Promise<string[]> {
    try {
      return JSON.parse(await readFile(this.refusedFile(asset), 'utf8')) as string[];
    } catch {
      return [];
    }
  }

  /**
   * Applies a release to every asset running its model: downloaded and verified once, loaded once
   * (the pool: one session for all of them), then checked, stored and put on probation per asset.
   */
  private async apply(notice: ReleaseNotice): Promise<void> {
    const targets: { asset: string; model: Model; samplePeriodMs: number }[] = [];
    for (const target of this.host.assetsRunning(notice.model)) {
      if (target.model.version === notice.version) continue;
      if ((await this.refused(target.asset)).includes(notice.version)) {
        this.deps.logger.info(
          { component: 'model-updates', asset: target.asset },
          `asset ${target.asset}: ${notice.model} ${notice.version} was rolled back here before; not applied again (publish a new version)`,
        );
        continue;
      }
      targets.push(target);
    }
    if (targets.length === 0) return;
    const event = (t: (typeof targets)[number]) => ({
      asset: t.asset,
      model: notice.model,
      version: notice.version,
      previousVersion: t.model.version,
      ts: this.now(),
    });
    let release: SignedRelease;
    try {
      // In memory, size-capped; nothing is written before it verifies.
      release = await fetchSignedRelease(notice, this.keys, this.limits);
    } catch (err) {
      const reason = refusalReason(err, 'download');
      for (const t of targets) this.outcome({ ...event(t), outcome: 'rejected', reason });
      return;
    }
    for (const t of targets) await this.applyTo(t, release, event(t));
  }

  private async applyTo(
    target: { asset: string; model: Model; samplePeriodMs: number },
    release: SignedRelease,
    base: Omit<ModelUpdateEvent, 'outcome'>,
  ): Promise<void> {
    const { asset, model: current, samplePeriodMs } = target;
    const signed = release.loaded.manifest;
    const origin = release.files.origin;
    let model: Model;
    let dir: string;
    try {
      checkInputs(signed, { channels: current.channels, windowLength: current.windowLength, samplePeriodMs }, origin);
      checkNewer(signed, origin, await confirmedSequence(this.config.store_dir!, asset), asset);
      model = await loadSigned(release.loaded, this.deps.pool, origin);
    } catch (err) {
      this.outcome({ ...base, outcome: 'rejected', reason: refusalReason(err, 'download') });
      return;
    }
    try {
      // Named from the signed manifest, written to a temporary folder and renamed into place.
      dir = await storeRelease(this.config.store_dir!, asset, release.files, signed);
    } catch (err) {
      await model.close();
      this.outcome({ ...base, outcome: 'rejected', reason: refusalReason(err, 'store') });
      return;
    }
    const probation = new ProbationModel(model, {
      maxErrorRate: this.config.max_error_rate,
      maxAnomalousFraction: this.config.max_anomalous_fraction,
      minWindows: this.config.min_windows,
    });
    const previous = this.host.swapModel(asset, probation);
    const old = this.probations.get(asset);
    if (old) await old.model.inner.close().catch(() => undefined); // a newer release during probation replaces it
    this.probations.set(asset, {
      model: probation,
      previous: old?.previous ?? previous,
      until: this.now() + this.config.probation_s * 1000,
      dir,
      sequence: signed.release_sequence!,
    });
    this.outcome({ ...base, outcome: 'applied' });
  }

  private checkProbations(): void {
    for (const [asset, p] of this.probations) {
      const reason = p.model.verdict();
      if (reason) void this.rollback(asset, `misbehaved on probation: ${reason}`);
      else if (this.now() >= p.until) {
        this.probations.delete(asset);
        void p.previous.close().catch(() => undefined);
        void this.recordActive(asset, p.dir, p.model.version, p.sequence);
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
  }

  /** Atomically records the confirmed release, so a restart runs it (write, then rename). */
  private async recordActive(asset: string, dir: string, version: string, sequence: number): Promise<void> {
    const file = activeReleaseFile(this.config.store_dir!, asset);
    try {
      await writeFile(
        `${file}.tmp`,
        JSON.stringify({ version, dir, sequence, confirmed_at: new Date(this.now()).toISOString() }),
      );
      await rename(`${file}.tmp`, file);
    } catch (err) {
      this.deps.logger.error(
        { component: 'model-updates', asset },
        `cannot record the confirmed release of ${asset} in ${file}: ${(err as Error).message}; a restart will load the configured model`,
      );
    }
  }

  /** Puts the previous model back (automatic on misbehaviour, or requested by an operator). */
  async rollback(asset: string, reason: string, by?: string): Promise<ModelUpdateEvent> {
    const p = this.probations.get(asset);
    if (!p)
      throw new Error(
        `asset ${asset}: no model update to roll back (rollback is possible while an update is on probation)`,
      );
    this.probations.delete(asset);
    this.host.swapModel(asset, p.previous);
    await p.model.inner.close().catch(() => undefined);
    try {
      const refused = await this.refused(asset);
      await mkdir(join(this.config.store_dir!, asset), { recursive: true });
      await writeFile(this.refusedFile(asset), JSON.stringify([...new Set([...refused, p.model.version])]));
    } catch (err) {
      this.deps.logger.error(
        { component: 'model-updates', asset },
        `cannot record the rollback of ${p.model.version}: ${(err as Error).message}`,
      );
    }
    return this.outcome({
      asset,
      model: p.model.name,
      version: p.previous.version,
      previousVersion: p.model.version,
      outcome: 'rolled_back',
      reason,
      ...(by ? { by } : {}),
      ts: this.now(),
    });
  }

  private outcome(event: ModelUpdateEvent): ModelUpdateEvent {
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
    await this.client?.endAsync().catch(() => undefined);
    await this.chain;
    for (const p of this.probations.values()) await p.previous.close().catch(() => undefined);
    this.probations.clear();
  }
}
