/**
 * A PLC output that follows the alarm (a stack light on coils 8..10) over real Modbus TCP: the gateway writes it at
 * start (green while the alarm is normal), and again when the PLC comes back without it (the simulator restarted on
 * the same port, its coils all off), though the alarm's state did not change.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { alarmActionSchema } from '../../src/config/schema.js';
import { loadConfigFile } from '../../src/config/load.js';
import { freePort } from '../../src/core/free-port.js';
import { startDaemon } from '../../src/daemon/daemon.js';
import { runSimulator, type RunningSimulator } from '../../src/sim/run-simulator.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { ROOT } from '../helpers/cli.js';
import { nextEvent } from '../helpers/gateway-events.js';

const light = (sim: RunningSimulator) => sim.sim.coils.get(1)!.slice(8, 11);

describe('an output that follows the alarm', () => {
  it('is written at start and again after the PLC restarts', async () => {
    const port = await freePort();
    let sim = await runSimulator({ modbusPort: port, httpPort: 0, seed: 3 });
    const dir = await mkdtemp(join(tmpdir(), 'lw-reassert-'));
    const loaded = await loadConfigFile(join(ROOT, 'config/demo.yaml'), {
      LINEWATCH_DEMO_MODBUS_PORT: String(port),
      LINEWATCH_HTTP_PORT: '0',
    });
    loaded.config.storage.local!.path = join(dir, 'store.db');
    loaded.config.assets[0].alarm.actions = alarmActionSchema.array().parse([
      {
        type: 'modbus_write',
        name: 'stack-light',
        source: 'pump-plc',
        table: 'coil',
        address: 8,
        value_active: [0, 1, 1],
        value_inactive: [1, 0, 0],
      },
    ]);
    const daemon = await startDaemon(loaded, silentLogger());
    const events = daemon.gateway.events;
    const status = () => daemon.gateway.status().actions.find((a) => a.name === 'stack-light')!;
    try {
      expect(light(sim)).toEqual([false, false, false]);
      // The alarm is normal and no transition happens: the green light comes from the start-up write alone.
      while (light(sim).join() !== 'true,false,false') await nextEvent(events, 'scores');
      expect(status().succeeded).toBe(1);
      // Restarted at once, as a PLC whose program reloads: the outage may fall between two of the gateway's checks.
      await sim.close();
      sim = await runSimulator({ modbusPort: port, httpPort: 0, seed: 3 });
      expect(light(sim)).toEqual([false, false, false]);
      while (light(sim).join() !== 'true,false,false') await nextEvent(events, 'scores');
      expect(status().succeeded).toBe(2);
      expect(daemon.gateway.status().assets[0].alarm.state).toBe('normal');
    } finally {
      await daemon.stop();
      await sim.close();
    }
  }, 90_000);
});
