/**
 * A ModelUpdater as the gateway drives it, for one asset (pump-1, running the shipped pump-ae
 * model from a real session pool), with what goes around it: a real release server, signing
 * keys, a model store on disk, a clock the test moves, and every outcome reported.
 */
import { EventEmitter, once } from 'node:events';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Model } from '../../src/core/components.js';
import type { Window } from '../../src/core/types.js';
import { modelUpdatesSchema, type MqttSyncConfig } from '../../src/config/schema.js';
import { loadManifest } from '../../src/inference/manifest.js';
import { SessionPool } from '../../src/inference/session-pool.js';
import { ModelUpdater } from '../../src/sync/model-updater.js';
import { ProbationModel } from '../../src/sync/probation.js';
import type { UpdateHost } from '../../src/sync/update-host.js';
import type { ModelUpdateEvent } from '../../src/sync/update-outcome.js';
import { generateKeys } from '../../src/sync/release.js';
import { silentLogger, type Logger } from '../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';
import { ROOT } from './cli.js';
import { makeRelease, oneAssetHost, startReleaseServer, type ReleaseServer, type Routes } from './model-releases.js';

export interface UpdaterFixture {
  readonly updater: ModelUpdater;
  readonly releases: ReleaseServer;
  readonly store: string;
  /** The release signing key pair (PEM files). */
  readonly keys: { readonly privatePath: string; readonly publicPath: string };
  readonly pool: SessionPool;
  /** Every outcome reported, in order. */
  readonly events: ModelUpdateEvent[];
  /** Resolves with the next outcome reported. */
  nextEvent(): Promise<ModelUpdateEvent>;
  /** The updater's clock, in ms; the test moves it. */
  readonly clock: { now: number };
  /** The model pump-1 runs now. */
  current(): Model;
  /** Writes a signed pump-ae release `version` as `<releases>/<folder>/`. */
  release(folder: string, version: string, sequence: number): Promise<void>;
  /** Delivers a notice for pump-ae `version` in `<releases>/<folder>/`, as the broker would. */
  notice(version: string, folder: string): void;
  /**
   * Scores `n` healthy windows (the shipped model's golden window) on what pump-1 runs, as the gateway would, and
   * waits for a release on probation to be judged on them (default: min_windows' default, 30).
   */
  judge(n?: number): Promise<void>;
  /** Stops the updater, closes the running model and the release server. */
  close(): Promise<void>;
}

export async function startUpdater(
  options: {
    /** cloud.model_updates settings beyond the key and the store (`url`: the release server's). */
    config?: (url: string) => Record<string, unknown>;
    /** Changes what the updater sees of the gateway. */
    host?: (host: UpdateHost) => UpdateHost;
    logger?: Logger;
    /** Paths the release server answers itself. */
    routes?: Routes;
    /** Leaves the updater to be started by the test (after it has prepared releases and notices). */
    start?: boolean;
    /** A model store and signing keys from before (a restart); new ones otherwise. */
    store?: string;
    keys?: { readonly privatePath: string; readonly publicPath: string };
    /** A release server from before (a restart: its notices name the same URLs), left open by close(). */
    releases?: ReleaseServer;
    /** cloud.mqtt: the broker release notices come from (with `config` giving `mqtt: true`). */
    mqtt?: MqttSyncConfig;
  } = {},
): Promise<UpdaterFixture> {
  const releases = options.releases ?? (await startReleaseServer(options.routes));
  const pool = new SessionPool();
  const events: ModelUpdateEvent[] = [];
  const reported = new EventEmitter();
  const configured = await loadManifest(join(ROOT, 'models/pump-ae'));
  const report = (e: ModelUpdateEvent) => {
    events.push(e);
    reported.emit('event', e);
  };
  const { host, current } = oneAssetHost(await pool.acquire(configured), report, configured);
  const keys = options.keys ?? (await generateKeys(await mkdtemp(join(tmpdir(), 'lw-upd-keys-'))));
  const store = options.store ?? (await mkdtemp(join(tmpdir(), 'lw-upd-store-')));
  const clock = { now: 1_000_000 };
  const updater = new ModelUpdater(
    modelUpdatesSchema.parse({
      public_key_file: keys.publicPath,
      store_dir: store,
      mqtt: false,
      ...options.config?.(releases.url),
    }),
    options.mqtt,
    options.host ? options.host(host) : host,
    { logger: options.logger ?? silentLogger(), metrics: new GatewayMetrics(), pool, now: () => clock.now },
  );
  if (options.start !== false) {
    await updater.recover(['pump-1']); // as the gateway does, before it chooses its models
    await updater.start();
  }
  return {
    updater,
    releases,
    store,
    keys,
    pool,
    events,
    nextEvent: async () => ((await once(reported, 'event')) as [ModelUpdateEvent])[0],
    clock,
    current,
    release: async (folder, version, sequence) => {
      await makeRelease(releases.root, folder, { version, privateKeyPath: keys.privatePath, sequence });
    },
    notice: (version, folder) =>
      updater.onNoticeText(
        JSON.stringify({ model: 'pump-ae', version, url: `${releases.url}/${folder}/` }),
        'mqtt linewatch/releases/pump-ae',
      ),
    judge: async (n = 30) => {
      const model = current();
      const window: Window = {
        asset: 'pump-1',
        channels: model.channels,
        length: model.windowLength,
        start: 0,
        end: 1,
        data: Float32Array.from(configured.manifest.golden.input),
      };
      await model.score(Array.from({ length: n }, () => window));
      if (model instanceof ProbationModel) await model.trialsEnded();
    },
    close: async () => {
      await updater.stop();
      await current().close();
      if (!options.releases) await releases.close();
    },
  };
}

/** What an event says, in one line: `<version>:<outcome>`, and the refusal's code for a rejected release. */
export function outcomeOf(e: ModelUpdateEvent): string {
  return `${e.version}:${e.outcome}${e.outcome === 'rejected' ? `:${e.reason!.split(':')[0]}` : ''}`;
}
