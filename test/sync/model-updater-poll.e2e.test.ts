/** Release notices by HTTPS polling (here plain HTTP on loopback): a notice found by the poll is applied. */
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createReadStream, existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelUpdatesSchema } from '../../src/config/schema.js';
import type { Model } from '../../src/core/components.js';
import { SessionPool } from '../../src/inference/session-pool.js';
import { loadManifest } from '../../src/inference/manifest.js';
import { ModelUpdater, type ModelUpdateEvent } from '../../src/sync/model-updater.js';
import { generateKeys, signRelease } from '../../src/sync/release.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';
import { ROOT } from '../helpers/cli.js';

describe('model updates by polling', () => {
  it('finds the notice at poll_url, downloads, verifies and swaps the release in', async () => {
    const keys = await generateKeys(await mkdtemp(join(tmpdir(), 'lw-poll-keys-')));
    const root = await mkdtemp(join(tmpdir(), 'lw-poll-releases-'));
    await cp(join(ROOT, 'models/pump-ae'), join(root, 'v2'), { recursive: true });
    const m = JSON.parse(await readFile(join(root, 'v2/manifest.json'), 'utf8'));
    m.version = '2.0.0';
    await writeFile(join(root, 'v2/manifest.json'), JSON.stringify(m));
    await signRelease(join(root, 'v2'), keys.privatePath, 1);
    const server = createServer((req, res) => {
      const url = (req.url ?? '/').split('?')[0];
      if (url === '/notice.json')
        return res.end(
          JSON.stringify({
            model: 'pump-ae',
            version: '2.0.0',
            url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v2/`,
          }),
        );
      const path = join(root, decodeURIComponent(url));
      if (!existsSync(path)) return res.writeHead(404).end();
      createReadStream(path).pipe(res);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const pool = new SessionPool();
    let current: Model = await pool.acquire(await loadManifest(join(ROOT, 'models/pump-ae')));
    const events: ModelUpdateEvent[] = [];
    const updater = new ModelUpdater(
      modelUpdatesSchema.parse({
        public_key_file: keys.publicPath,
        mqtt: false,
        poll_url: `http://127.0.0.1:${port}/notice.json`,
        poll_interval_s: 3600,
        store_dir: await mkdtemp(join(tmpdir(), 'lw-poll-store-')),
      }),
      undefined,
      {
        assetsRunning: (name) =>
          current.name === name ? [{ asset: 'pump-1', model: current, samplePeriodMs: 200 }] : [],
        currentModel: () => current,
        swapModel: (_asset, model) => {
          const previous = current;
          current = model;
          return previous;
        },
        report: (e) => events.push(e),
      },
      { logger: silentLogger(), metrics: new GatewayMetrics(), pool },
    );
    const reported = new Promise<void>((resolve) => {
      const check = setInterval(() => events.length > 0 && (clearInterval(check), resolve()), 20);
    });
    await updater.start();
    await reported;
    await updater.idle();
    expect(events[0]).toMatchObject({
      asset: 'pump-1',
      outcome: 'applied',
      version: '2.0.0',
      previousVersion: '1.0.0+seed7',
    });
    expect(current.version).toBe('2.0.0');
    await updater.stop();
    await current.close();
    expect(pool.stats()).toEqual({ sessions: 0, models: 0, views: 0 });
    server.close();
  });
});
