/**
 * The part a PLC is making when the gateway reads it again after it restarted is unknown: its start was not seen.
 * Regression (qiwalk-s39, a quality-inspection walk over Modbus): the simulator, the PLC, was stopped and started again
 * on its port; the gateway's failed reads held the cycle-active flag at its last reading, 0, so the flag already set
 * at the first reading after the reconnect (its stroke 9 mm in) read as a rising edge. The part was cut from there as
 * if seen from its start and judged: fail, score 6.5, a 640 ms cycle of a 760 ms one. The line simulator's real
 * Modbus server is stopped and started here; its press starts a stroke at its start (0 to 4 s of a 6 s cycle).
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load.js';
import type { PartResult } from '../../src/core/types.js';
import { startDaemon } from '../../src/daemon/daemon.js';
import { runSimulator } from '../../src/sim/run-simulator.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { TRIGGER_READ_FAILED } from '../../src/windows/cycle/cycle-window.js';
import { ROOT } from '../helpers/cli.js';
import { nextEvent } from '../helpers/gateway-events.js';

// The reads fail from about a second after the stop (timeout_ms 1000): within max_sample_age_ms the flag's last reading
// is held over them, past it the rows are stale.
const CASES = [
  { maxAgeMs: 5000, reason: TRIGGER_READ_FAILED },
  { maxAgeMs: 1000, reason: 'the trigger could not be read (force, position, cycle_active stale)' },
];

describe.each(CASES)('a PLC restarted mid-idle, read again mid-stroke (max_sample_age_ms $maxAgeMs)', (c) => {
  it('gives the part it is making the verdict unknown, its start not seen: its trigger could not be read', async () => {
    let sim = await runSimulator({ modbusPort: 0, httpPort: 0, seed: 3 });
    const port = sim.modbusPort;
    const loaded = await loadConfigFile(join(ROOT, 'config/demo.yaml'), {
      LINEWATCH_DEMO_MODBUS_PORT: String(port),
      LINEWATCH_HTTP_PORT: '0',
      LINEWATCH_API_TOKEN: 'test-token-0123456789',
    });
    const asset = loaded.config.assets.find((a) => a.name === 'press-1')!;
    (asset.window as { max_sample_age_ms: number }).max_sample_age_ms = c.maxAgeMs;
    loaded.config.storage.local!.path = join(await mkdtemp(join(tmpdir(), 'lw-plc-restart-')), 'store.db');
    const daemon = await startDaemon(loaded, silentLogger());
    const press = (s: { asset: string }) => s.asset === 'press-1';
    try {
      // Stopped while its press idles (the flag read 0), so that the failed reads hold the flag at 0.
      await nextEvent(daemon.gateway.events, 'samples', (b) =>
        b.some((s) => press(s) && s.channel === 'cycle_active' && s.quality === 'good' && s.value === 0),
      );
      const failing = nextEvent(daemon.gateway.events, 'samples', (b) => b.some((s) => press(s) && s.failedRead));
      await sim.close();
      await failing;
      const restartedAt = Date.now();
      const parts = new Promise<PartResult>((resolve) => {
        const off = daemon.gateway.events.subscribe('parts', (ps) => {
          const p = ps.find((r) => press(r) && r.ts >= restartedAt);
          if (p) {
            off();
            resolve(p);
          }
        });
      });
      sim = await runSimulator({ modbusPort: port, httpPort: 0, seed: 3 });
      // The gateway reads it again within its stroke's 4 s (a reconnect's backoff starts under a second).
      const reread = await nextEvent(daemon.gateway.events, 'samples', (b) =>
        b.some((s) => press(s) && s.channel === 'cycle_active' && s.quality === 'good'),
      );
      expect(reread.find((s) => press(s) && s.channel === 'cycle_active')!.value).toBe(1);
      const first = await parts;
      expect([first.partId, first.verdict, first.reason]).toEqual([
        'PRS-000000',
        'unknown',
        `its start was not seen: ${c.reason}`,
      ]);
    } finally {
      await daemon.stop();
      await sim.close();
    }
  }, 30_000);
});
