/**
 * Release notices from a broker with a private CA and client certificates (mosquitto, certificates
 * made with openssl): the updater connects with cloud.mqtt's TLS settings (issue 13: it used to
 * get only username and password, and notices never arrived). One notice for two assets running
 * the same model: the release is downloaded once and both assets run it on one session.
 */
import { mkdtemp } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { startMosquitto } from '../../src/testing/mosquitto.js';
import { modelUpdatesSchema, mqttSyncSchema } from '../../src/config/schema.js';
import type { Model } from '../../src/core/components.js';
import { loadManifest } from '../../src/inference/manifest.js';
import { SessionPool } from '../../src/inference/session-pool.js';
import { ModelUpdater } from '../../src/sync/model-updater.js';
import type { ModelUpdateEvent } from '../../src/sync/update-outcome.js';
import { generateKeys } from '../../src/sync/release.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';
import { ROOT } from '../helpers/cli.js';
import { makeRelease, startReleaseServer } from '../helpers/model-releases.js';

describe('model updates over TLS', () => {
  it('receives a notice from a private-CA broker and applies the release to both assets, downloaded once, one session', async () => {
    const broker = await startMosquitto({ tls: true });
    const releases = await startReleaseServer();
    const pool = new SessionPool();
    const current = new Map<string, Model>();
    let updater: ModelUpdater | undefined;
    try {
      const t = broker.tls!;
      // A retired key and the current one are configured; the release is signed with the current one.
      const retired = await generateKeys(await mkdtemp(join(tmpdir(), 'lw-tls-keys-old-')));
      const keys = await generateKeys(await mkdtemp(join(tmpdir(), 'lw-tls-keys-')));
      await makeRelease(releases.root, 'v2', { version: '2.0.0', privateKeyPath: keys.privatePath, sequence: 1 });

      const configured = await loadManifest(join(ROOT, 'models/pump-ae'));
      for (const asset of ['pump-1', 'pump-2']) current.set(asset, await pool.acquire(configured));
      const events: ModelUpdateEvent[] = [];
      let bothApplied!: () => void;
      const applied = new Promise<void>((r) => (bothApplied = r));
      updater = new ModelUpdater(
        modelUpdatesSchema.parse({
          public_key_file: [retired.publicPath, keys.publicPath],
          store_dir: await mkdtemp(join(tmpdir(), 'lw-tls-store-')),
          probation_s: 3600,
        }),
        mqttSyncSchema.parse({
          url: t.url,
          client_id: 'gw-tls',
          ca_file: t.caFile,
          cert_file: t.clientCert,
          key_file: t.clientKey,
          buffer: { type: 'memory' },
        }),
        {
          assetsRunning: (name) =>
            [...current]
              .filter(([, model]) => model.name === name)
              .map(([asset, model]) => ({ asset, model, samplePeriodMs: 200 })),
          currentModel: (asset) => current.get(asset),
          configuredModel: () => undefined,
          swapModel: (asset, model) => {
            const previous = current.get(asset)!;
            current.set(asset, model);
            return previous;
          },
          runsEnded: async () => undefined,
          report: (e) => {
            events.push(e);
            if (events.length === 2) bothApplied();
          },
        },
        { logger: silentLogger(), metrics: new GatewayMetrics(), pool },
      );
      await updater.start();
      const tls = { ca: readFileSync(t.caFile), cert: readFileSync(t.clientCert), key: readFileSync(t.clientKey) };
      const publisher = await mqtt.connectAsync(t.url, tls);
      await publisher.publishAsync(
        'linewatch/releases/pump-ae',
        JSON.stringify({ model: 'pump-ae', version: '2.0.0', url: `${releases.url}/v2/` }),
        { qos: 1, retain: true },
      );
      await publisher.endAsync();
      await applied;
      await updater.idle();

      expect(events.map((e) => [e.asset, e.outcome, e.version, e.previousVersion])).toEqual([
        ['pump-1', 'applied', '2.0.0', '1.0.0+seed7'],
        ['pump-2', 'applied', '2.0.0', '1.0.0+seed7'],
      ]);
      expect([current.get('pump-1')!.version, current.get('pump-2')!.version]).toEqual(['2.0.0', '2.0.0']);
      // One download for both assets.
      expect(releases.requests.sort()).toEqual(['/v2/manifest.json', '/v2/manifest.sig', '/v2/model.int8.onnx']);
      // One session for the model file (the release carries the same file), two manifests, the previous models
      // held for a rollback while on probation.
      expect(pool.sessionsCreated).toBe(1);
      expect(pool.stats()).toEqual({ sessions: 1, models: 2, views: 4 });
      await updater.stop();
      updater = undefined;
      expect(pool.stats()).toEqual({ sessions: 1, models: 1, views: 2 });
    } finally {
      await updater?.stop();
      for (const model of current.values()) await model.close();
      await releases.close();
      await broker.stop();
    }
    expect(pool.stats()).toEqual({ sessions: 0, models: 0, views: 0 });
  });
});
