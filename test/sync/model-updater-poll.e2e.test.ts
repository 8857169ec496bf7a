/** Release notices by HTTPS polling (here plain HTTP on loopback): a notice found by the poll is applied. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelUpdatesSchema } from '../../src/config/schema.js';
import { SessionPool } from '../../src/inference/session-pool.js';
import { loadManifest } from '../../src/inference/manifest.js';
import { ModelUpdater, type ModelUpdateEvent } from '../../src/sync/model-updater.js';
import { generateKeys } from '../../src/sync/release.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';
import { ROOT } from '../helpers/cli.js';
import { makeRelease, oneAssetHost, startReleaseServer } from '../helpers/model-releases.js';

describe('model updates by polling', () => {
  it('finds the notice at poll_url, downloads, verifies and swaps the release in', async () => {
    const keys = await generateKeys(await mkdtemp(join(tmpdir(), 'lw-poll-keys-')));
    const releases = await startReleaseServer();
    await makeRelease(releases.root, 'v2', { version: '2.0.0', privateKeyPath: keys.privatePath, sequence: 1 });
    await writeFile(
      join(releases.root, 'notice.json'),
      JSON.stringify({ model: 'pump-ae', version: '2.0.0', url: `${releases.url}/v2/` }),
    );
    const pool = new SessionPool();
    const events: ModelUpdateEvent[] = [];
    let reported!: () => void;
    const firstReport = new Promise<void>((resolve) => (reported = resolve));
    const { host, current } = oneAssetHost(
      await pool.acquire(await loadManifest(join(ROOT, 'models/pump-ae'))),
      (e) => {
        events.push(e);
        reported();
      },
    );
    const updater = new ModelUpdater(
      modelUpdatesSchema.parse({
        public_key_file: keys.publicPath,
        mqtt: false,
        poll_url: `${releases.url}/notice.json`,
        poll_interval_s: 3600,
        store_dir: await mkdtemp(join(tmpdir(), 'lw-poll-store-')),
      }),
      undefined,
      host,
      { logger: silentLogger(), metrics: new GatewayMetrics(), pool },
    );
    await updater.start();
    await firstReport;
    await updater.idle();
    expect(events[0]).toMatchObject({
      asset: 'pump-1',
      outcome: 'applied',
      version: '2.0.0',
      previousVersion: '1.0.0+seed7',
    });
    expect(current().version).toBe('2.0.0');
    await updater.stop();
    await current().close();
    expect(pool.stats()).toEqual({ sessions: 0, models: 0, views: 0 });
    await releases.close();
  });
});
