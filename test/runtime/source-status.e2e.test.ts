/**
 * /api/status says of a source that is down since when and why, as it does of a sink (regression: a plant walk saw
 * `connected: false` alone while the PLC was off). /healthz, open without a token, lists the sources as before. The
 * line simulator's real Modbus server is stopped here.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load.js';
import { startDaemon } from '../../src/daemon/daemon.js';
import { runSimulator } from '../../src/sim/run-simulator.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { ROOT } from '../helpers/cli.js';
import { nextEvent } from '../helpers/gateway-events.js';

interface SourceRow {
  name: string;
  connected: boolean;
  since?: number;
  lastError?: string;
}

describe('a source whose PLC is stopped, in /api/status', () => {
  it('has since and lastError in /api/status while down; /healthz lists name and connected only', async () => {
    const sim = await runSimulator({ modbusPort: 0, httpPort: 0, seed: 3 });
    const loaded = await loadConfigFile(join(ROOT, 'config/demo.yaml'), {
      LINEWATCH_DEMO_MODBUS_PORT: String(sim.modbusPort),
      LINEWATCH_HTTP_PORT: '0',
    });
    loaded.config.storage.local!.path = join(await mkdtemp(join(tmpdir(), 'lw-source-status-')), 'store.db');
    const daemon = await startDaemon(loaded, silentLogger());
    const get = async (path: string, name: string) =>
      (
        (await (await fetch(`http://127.0.0.1:${daemon.http!.port}${path}`)).json()) as { sources: SourceRow[] }
      ).sources.find((s) => s.name === name)!;
    try {
      await nextEvent(daemon.gateway.events, 'samples', (b) =>
        b.some((s) => s.source === 'pump-plc' && s.quality === 'good'),
      );
      const up = await get('/api/status', 'pump-plc');
      expect(up).toEqual({ name: 'pump-plc', connected: true, since: expect.any(Number) });
      const stopped = Date.now();
      await sim.close();
      await nextEvent(
        daemon.gateway.events,
        'samples',
        (b) =>
          b.some((s) => s.source === 'pump-plc' && s.quality === 'bad') &&
          daemon.gateway
            .status()
            .sources.find((s) => s.name === 'pump-plc')!
            .lastError?.includes('connect:') === true,
      );
      const down = await get('/api/status', 'pump-plc');
      expect(down).toMatchObject({
        name: 'pump-plc',
        connected: false,
        lastError: `device pump-plc (127.0.0.1:${sim.modbusPort}, unit 1): connect: ECONNREFUSED (connection refused, nothing listens at that address and port: check port, and that the device serves Modbus TCP)`,
      });
      expect(down.since).toBeGreaterThanOrEqual(stopped);
      expect(await get('/healthz', 'pump-plc')).toEqual({ name: 'pump-plc', connected: false });
    } finally {
      await daemon.stop();
      await sim.close();
    }
  }, 30_000);
});
