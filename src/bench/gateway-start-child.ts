/**
 * (Benchmark child process.) Starts the demo gateway once, in this fresh process, with or without storage.opcua_server
 * (no simulator: its sources retry in the background) and reports the time from the process's start until the
 * gateway's start resolved and the resident memory then. argv: dataDir server|plain. IPC: sends {startMs, rssMib}.
 */
import { fileURLToPath } from 'node:url';
import { loadConfigFile } from '../config/load.js';
import { freePort } from '../core/free-port.js';
import { startDaemon } from '../daemon/daemon.js';
import { opcuaServerSchema } from '../sinks/opcua-server/schema.js';
import { silentLogger } from '../telemetry/logger.js';

const [dataDir, mode] = process.argv.slice(2);
const DEMO = fileURLToPath(new URL('../../config/demo.yaml', import.meta.url));

const loaded = await loadConfigFile(DEMO, {
  LINEWATCH_HTTP_PORT: '0',
  LINEWATCH_DEMO_MODBUS_PORT: String(await freePort()),
});
loaded.config.data_dir = dataDir;
loaded.config.storage.local!.path = `${dataDir}/store.db`;
if (mode === 'server')
  loaded.config.storage.opcua_server = opcuaServerSchema.parse({
    port: await freePort(),
    users: [{ username: 'scada', password: 'bench-password-1' }],
  });
const daemon = await startDaemon(loaded, silentLogger());
const startMs = process.uptime() * 1000;
const rssMib = process.memoryUsage().rss / 2 ** 20;
process.send!({ startMs, rssMib });
await daemon.stop();
process.exit(0);
