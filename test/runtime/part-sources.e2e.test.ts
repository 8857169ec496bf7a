/**
 * A parts asset (cycle window) whose PLC is down is degraded. Regression (a newcomer's walk): with the simulator
 * stopped, /healthz listed `degraded_assets: ["pump-1"]` only: the presses form no part while idle, so forming none
 * was never noticed, though their source was disconnected. The line simulator's real Modbus server is stopped here.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load.js';
import { startDaemon } from '../../src/daemon/daemon.js';
import type { AssetStatus } from '../../src/runtime/asset-pipeline.js';
import { sourcesByAsset, withPartSourcesDown } from '../../src/runtime/part-sources.js';
import { runSimulator } from '../../src/sim/run-simulator.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { ROOT } from '../helpers/cli.js';
import { nextEvent } from '../helpers/gateway-events.js';

const TOKEN = 'test-token-0123456789';

const status = (name: string, more: Partial<AssetStatus> = {}) =>
  ({ name, degraded: undefined, ...more }) as AssetStatus;

describe('withPartSourcesDown', () => {
  const parts = { pass: 0, fail: 0, unknown: 0 };
  const feeding = new Map([
    ['press-1', ['press-plc', 'press-ua']],
    ['pump-1', ['pump-plc']],
  ]);

  it('says a parts asset is degraded while a source feeding it is disconnected, naming the sources', () => {
    const assets = [status('press-1', { parts }), status('pump-1')];
    const down = new Map([
      ['press-plc', false],
      ['press-ua', false],
      ['pump-plc', false],
    ]);
    expect(withPartSourcesDown(assets, feeding, down).map((a) => a.degraded)).toEqual([
      'sources press-plc, press-ua disconnected: no part can be formed',
      undefined, // a sliding window's asset: its input watch says when it goes blind
    ]);
    const oneDown = new Map([
      ['press-plc', true],
      ['press-ua', false],
    ]);
    expect(withPartSourcesDown(assets, feeding, oneDown)[0].degraded).toBe(
      'source press-ua disconnected: no part can be formed',
    );
  });

  it('keeps a reason the asset has already, and leaves an asset whose sources are connected as it is', () => {
    const failed = status('press-1', { parts, degraded: 'model failed: x' });
    expect(withPartSourcesDown([failed], feeding, new Map([['press-plc', false]]))).toEqual([failed]);
    const fine = status('press-1', { parts });
    expect(withPartSourcesDown([fine], feeding, new Map([['press-plc', true]]))[0]).toBe(fine);
  });
});

describe('a parts asset with its PLC stopped', () => {
  it('is listed in /healthz degraded_assets with the reason in /api/status, and not while its PLC answers', async () => {
    const sim = await runSimulator({ modbusPort: 0, httpPort: 0, seed: 3 });
    const loaded = await loadConfigFile(join(ROOT, 'config/demo.yaml'), {
      LINEWATCH_DEMO_MODBUS_PORT: String(sim.modbusPort),
      LINEWATCH_HTTP_PORT: '0',
      LINEWATCH_API_TOKEN: TOKEN,
    });
    loaded.config.storage.local!.path = join(await mkdtemp(join(tmpdir(), 'lw-part-sources-')), 'store.db');
    expect(sourcesByAsset(loaded.config.sources).get('press-1')).toEqual(['press-plc']);
    const daemon = await startDaemon(loaded, silentLogger());
    const connected = (name: string) => daemon.gateway.status().sources.find((s) => s.name === name)!.connected;
    const health = async () =>
      (await (await fetch(`http://127.0.0.1:${daemon.http!.port}/healthz`)).json()) as { degraded_assets: string[] };
    try {
      await nextEvent(daemon.gateway.events, 'samples', (b) =>
        b.some((s) => s.asset === 'press-1' && s.quality === 'good'),
      );
      expect((await health()).degraded_assets).not.toContain('press-1');
      const down = nextEvent(
        daemon.gateway.events,
        'samples',
        (b) => b.some((s) => s.asset === 'press-1' && s.quality === 'bad') && !connected('press-plc'),
      );
      await sim.close();
      await down;
      expect((await health()).degraded_assets).toContain('press-1');
      const press = daemon.gateway.status().assets.find((a) => a.name === 'press-1')!;
      expect(press.degraded).toBe('source press-plc disconnected: no part can be formed');
    } finally {
      await daemon.stop();
      await sim.close();
    }
  }, 30_000);
});
