/**
 * The configured size caps of a release download (cloud.model_updates.max_model_bytes), end to
 * end: a notice on a real broker names a signed release whose model file (the fp32 one, 40 kB) is
 * over the cap; the updater refuses it naming the file and the cap, writes nothing into the
 * store and keeps the running model. A later release within the cap (the int8 file, 15 kB) is
 * applied.
 */
import { once, EventEmitter } from 'node:events';
import { mkdtemp, readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { startMosquitto } from '../../src/testing/mosquitto.js';
import { modelUpdatesSchema, mqttSyncSchema } from '../../src/config/schema.js';
import { loadManifest } from '../../src/inference/manifest.js';
import { SessionPool } from '../../src/inference/session-pool.js';
import { ModelUpdater } from '../../src/sync/model-updater.js';
import type { ModelUpdateEvent } from '../../src/sync/update-outcome.js';
import { generateKeys } from '../../src/sync/release.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';
import { makeRelease, oneAssetHost, startReleaseServer } from '../helpers/model-releases.js';
import { ROOT } from '../helpers/cli.js';

const CAP = 20_000;

describe('model update size caps', () => {
  it('refuses a release whose model file is over max_model_bytes, writing nothing, and applies a later one within it', async () => {
    const broker = await startMosquitto();
    const releases = await startReleaseServer();
    const pool = new SessionPool();
    const original = await pool.acquire(await loadManifest(join(ROOT, 'models/pump-ae')));
    const reported = new EventEmitter();
    const { host, current } = oneAssetHost(original, (e) => reported.emit('event', e));
    let updater: ModelUpdater | undefined;
    try {
      const keys = await generateKeys(await mkdtemp(join(tmpdir(), 'lw-caps-keys-')));
      const big = await makeRelease(releases.root, 'big', {
        version: '2.0.0-fp32',
        privateKeyPath: keys.privatePath,
        sequence: 1,
        edit: (m) => {
          m.file = 'model.fp32.onnx';
          m.sha256 = m.fp32_sha256;
        },
      });
      await makeRelease(releases.root, 'small', { version: '2.1.0', privateKeyPath: keys.privatePath, sequence: 2 });
      // The cap lies between the two model files.
      const bigSize = (await stat(join(big, 'model.fp32.onnx'))).size;
      expect(bigSize).toBeGreaterThan(CAP);
      expect((await stat(join(releases.root, 'small/model.int8.onnx'))).size).toBeLessThanOrEqual(CAP);

      const store = await mkdtemp(join(tmpdir(), 'lw-caps-store-'));
      const listStore = () => readdir(store, { recursive: true }).then((l) => l.sort());
      updater = new ModelUpdater(
        modelUpdatesSchema.parse({ public_key_file: keys.publicPath, store_dir: store, max_model_bytes: CAP }),
        mqttSyncSchema.parse({ url: broker.url, client_id: 'gw-caps', buffer: { type: 'memory' } }),
        host,
        { logger: silentLogger(), metrics: new GatewayMetrics(), pool },
      );
      await updater.start();
      const announce = async (version: string, folder: string) => {
        const publisher = await mqtt.connectAsync(broker.url);
        await publisher.publishAsync(
          'linewatch/releases/pump-ae',
          JSON.stringify({ model: 'pump-ae', version, url: `${releases.url}/${folder}/` }),
          { qos: 1, retain: true },
        );
        await publisher.endAsync();
      };
      const nextEvent = async () => ((await once(reported, 'event')) as [ModelUpdateEvent])[0];

      expect(await listStore()).toEqual([]);
      let event = nextEvent();
      await announce('2.0.0-fp32', 'big');
      expect(await event).toEqual({
        asset: 'pump-1',
        model: 'pump-ae',
        version: '2.0.0-fp32',
        previousVersion: '1.0.0+seed7',
        outcome: 'rejected',
        reason: `download: GET ${releases.url}/big/model.fp32.onnx: model.fp32.onnx of ${bigSize} bytes is over the ${CAP}-byte limit (cloud.model_updates.max_model_bytes)`,
        ts: expect.any(Number),
      });
      await updater.idle();
      // Nothing of the release: only the refusal kept for the next start (the notice's hash, refused-notices.ts).
      expect(await listStore()).toEqual(['.refused-notices.json']);
      expect(current()).toBe(original);
      expect(updater.status(['pump-1'])[0]).toMatchObject({ asset: 'pump-1', version: '1.0.0+seed7' });

      event = nextEvent();
      await announce('2.1.0', 'small');
      expect(await event).toMatchObject({ outcome: 'applied', version: '2.1.0', previousVersion: '1.0.0+seed7' });
      await updater.idle();
      expect(current().version).toBe('2.1.0');
      expect(await listStore()).toEqual([
        '.refused-notices.json',
        'pump-1',
        'pump-1/2.1.0',
        'pump-1/2.1.0/manifest.json',
        'pump-1/2.1.0/manifest.sig',
        'pump-1/2.1.0/model.int8.onnx',
        'pump-1/probation.json',
      ]);
    } finally {
      await updater?.stop();
      await current().close();
      await releases.close();
      await broker.stop();
    }
    expect(pool.stats()).toEqual({ sessions: 0, models: 0, views: 0 });
  }, 60_000);
});
