/**
 * The daemon gives assets that run the same model file one onnxruntime session: two pumps read
 * from the line simulator over Modbus are scored in shared runs, each with its own results,
 * threshold and alarm.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load.js';
import type { ScoreResult } from '../../src/core/types.js';
import { startDaemon, type Daemon } from '../../src/daemon/daemon.js';
import { runSimulator, type RunningSimulator } from '../../src/sim/run-simulator.js';
import type { LoadedManifest } from '../../src/inference/manifest.js';
import { createLogger } from '../../src/telemetry/logger.js';
import { ROOT } from '../helpers/cli.js';
import { nextEvent } from '../helpers/gateway-events.js';

let sim: RunningSimulator;
let daemon: Daemon;
let loaded: Awaited<ReturnType<typeof loadConfigFile>>;
let logger: ReturnType<typeof createLogger>;
const logs: { msg: string; assets?: string[]; optimised_from_cache?: boolean }[] = [];

beforeAll(async () => {
  sim = await runSimulator({ modbusPort: 0, httpPort: 0, seed: 5 });
  loaded = await loadConfigFile(join(ROOT, 'config/demo.yaml'), {
    LINEWATCH_DEMO_MODBUS_PORT: String(sim.modbusPort),
    LINEWATCH_HTTP_PORT: '0',
  });
  const c = loaded.config;
  c.data_dir = await mkdtemp(join(tmpdir(), 'lw-shared-'));
  c.inference.cache_dir = join(c.data_dir, 'model-cache');
  c.storage.local!.path = join(c.data_dir, 'store.db');
  c.http.enabled = false;
  // A second pump: the same registers read as asset pump-2 (as a second, identical machine would be).
  const pumpSource = c.sources.find((s) => s.name === 'pump-plc')!;
  // It is polled at 150 ms, not the model's 200 ms: its window puts samples on the model's time grid.
  c.sources.push({
    ...structuredClone(pumpSource),
    name: 'pump-plc-2',
    asset: 'pump-2',
    poll_interval_ms: 150,
  } as typeof pumpSource);
  c.assets.push({
    ...structuredClone(c.assets[0]),
    name: 'pump-2',
    window: { ...c.assets[0].window, align: 'linear' },
    alarm: { ...structuredClone(c.assets[0].alarm), threshold: 1e-9, actions: [] },
  });
  (loaded.models as Map<string, LoadedManifest>).set('pump-2', loaded.models.get('pump-1')!);
  c.assets[0].alarm.actions = [];
  logger = createLogger('info', { write: (l: string) => logs.push(JSON.parse(l)) } as unknown as NodeJS.WritableStream);
  daemon = await startDaemon(loaded, logger);
});

afterAll(async () => {
  await daemon?.stop();
  await sim?.close();
});

describe('assets with the same model', () => {
  it('share one session (one load, logged with both assets), and each gets its own results, threshold and alignment', async () => {
    const loads = logs.filter((l) => /^model pump-hybrid .* loaded on cpu/.test(l.msg));
    expect(loads.map((l) => l.assets)).toEqual([['pump-1', 'pump-2']]);
    expect(loads[0].msg).toContain('(one session, shared batches)');
    const seen = new Map<string, ScoreResult>();
    while (seen.size < 2) for (const r of await nextEvent(daemon.gateway.events, 'scores')) seen.set(r.asset, r);
    expect(seen.get('pump-1')!.anomalous).toBe(false);
    // pump-2's own threshold (1e-9) makes every window anomalous; pump-1 keeps the model's.
    expect(seen.get('pump-2')!.threshold).toBe(1e-9);
    expect(seen.get('pump-2')!.anomalous).toBe(true);
    expect(seen.get('pump-1')!.threshold).toBeGreaterThan(0.1);
    // pump-2's windows end on the model's 200 ms grid although its source polls every 150 ms.
    expect(seen.get('pump-2')!.ts % 200).toBe(0);
  });

  it('on the next start, loads the optimised graph from the cache', async () => {
    const first = logs.find((l) => /^model pump-hybrid/.test(l.msg))!;
    expect(first.optimised_from_cache).toBe(false);
    await daemon.stop();
    logs.length = 0;
    daemon = await startDaemon(loaded, logger);
    const again = logs.find((l) => /^model pump-hybrid/.test(l.msg))!;
    expect(again.optimised_from_cache).toBe(true);
    expect(again.msg).toContain('(optimised graph from the cache)');
  });
});
