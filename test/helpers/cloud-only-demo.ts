/** The demo gateway (config/demo.yaml on an in-process simulator) with cloud sync as its only sink. */
import { join } from 'node:path';
import type { z } from 'zod';
import { loadConfigFile } from '../../src/config/load.js';
import { mqttSyncSchema } from '../../src/config/schema.js';
import { startDaemon, type Daemon } from '../../src/daemon/daemon.js';
import { runSimulator, type RunningSimulator } from '../../src/sim/run-simulator.js';
import { silentLogger, type Logger } from '../../src/telemetry/logger.js';
import { ROOT } from './cli.js';

export interface CloudOnlyDemo {
  readonly sim: RunningSimulator;
  readonly daemon: Daemon;
  /** Stops the daemon, then the simulator. */
  close(): Promise<void>;
}

/**
 * Starts it with `cloud` as cloud.mqtt (no local store, no InfluxDB), its alarms not restored; the caller closes it.
 */
export async function startCloudOnlyDemo(
  cloud: z.input<typeof mqttSyncSchema>,
  logger: Logger = silentLogger(),
): Promise<CloudOnlyDemo> {
  const sim = await runSimulator({ modbusPort: 0, seed: 3 });
  try {
    const loaded = await loadConfigFile(join(ROOT, 'config/demo.yaml'), {
      LINEWATCH_DEMO_MODBUS_PORT: String(sim.modbusPort),
      LINEWATCH_HTTP_PORT: '0',
    });
    loaded.config.storage.local = undefined;
    loaded.config.storage.influxdb = undefined;
    loaded.config.cloud.mqtt = mqttSyncSchema.parse(cloud);
    const daemon = await startDaemon(loaded, logger, { restoreAlarms: false });
    return {
      sim,
      daemon,
      close: async () => {
        await daemon.stop();
        await sim.close();
      },
    };
  } catch (err) {
    await sim.close();
    throw err;
  }
}
