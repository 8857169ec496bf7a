/**
 * An InfluxDB that cannot be reached is seen where an operator looks (the walk: a two-minute outage left /api/status,
 * /healthz and /readyz at 200 ok): the demo gateway with InfluxDB on a port nobody listens on says in /api/status that
 * influxdb is unreachable, since when and what waits in its queue, /readyz answers 503 degraded naming it, and
 * /healthz stays 200 (the process runs; a restart would not bring InfluxDB back).
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { influxSchema } from '../../src/config/schema.js';
import { loadConfigFile } from '../../src/config/load.js';
import { freePort } from '../../src/core/free-port.js';
import { startDaemon } from '../../src/daemon/daemon.js';
import { runSimulator } from '../../src/sim/run-simulator.js';
import { sparkplugSchema } from '../../src/sinks/sparkplug/schema.js';
import { ROOT } from '../helpers/cli.js';
import { startCloudOnlyDemo } from '../helpers/cloud-only-demo.js';
import { logLines } from '../helpers/log-lines.js';

/** The demo configuration against a simulator, its store in a temp folder, /readyz with no grace. */
async function demoOnSimulator() {
  const dir = await mkdtemp(join(tmpdir(), 'lw-sink-outage-'));
  const sim = await runSimulator({ modbusPort: 0, httpPort: 0, seed: 3 });
  const loaded = await loadConfigFile(join(ROOT, 'config/demo.yaml'), {
    LINEWATCH_DEMO_MODBUS_PORT: String(sim.modbusPort),
    LINEWATCH_HTTP_PORT: '0',
  });
  loaded.config.storage.local!.path = join(dir, 'store.db');
  // /readyz from the first failed batch: its grace (one retry cycle by default) is test/runtime/sink-watch.test.ts's
  loaded.config.http.readyz_grace_retries = 0;
  return { sim, loaded };
}

describe('a sink that cannot be reached', () => {
  it('is in /api/status and makes /readyz degraded, while /healthz stays ok', async () => {
    const { sim, loaded } = await demoOnSimulator();
    const influxUrl = `http://127.0.0.1:${await freePort()}`; // nobody listens there
    loaded.config.storage.influxdb = influxSchema.parse({
      url: influxUrl,
      database: 'line',
      password: 'hunter2-secret',
      username: 'writer',
      buffer: { type: 'memory' },
    });
    const log = logLines('info');
    const daemon = await startDaemon(loaded, log.logger);
    try {
      await log.next(/^influxdb .* unreachable/);
      const api = (path: string) => fetch(`http://127.0.0.1:${daemon.http!.port}${path}`);
      const status = (await (await api('/api/status')).json()) as { sinks: unknown[] };
      // Queued: what it could not send (its database not even created: nothing went out).
      expect(status.sinks).toEqual([
        expect.objectContaining({ name: 'local', reachable: true }),
        expect.objectContaining({
          name: 'influxdb',
          reachable: false,
          since: expect.any(Number),
          // What the log said, so an operator reading the status knows why.
          lastError: expect.stringMatching(/^influxdb http:\/\/127\.0\.0\.1:\d+ unreachable: connect ECONNREFUSED/),
          queued: { points: expect.any(Number), bytes: expect.any(Number), oldestAgeS: expect.any(Number) },
        }),
      ]);
      expect(JSON.stringify(status)).not.toContain('hunter2-secret');
      const ready = await api('/readyz');
      expect([ready.status, await ready.json()]).toMatchObject([
        503,
        { status: 'degraded', unreachable_sinks: ['influxdb'] },
      ]);
      const health = await api('/healthz');
      expect([health.status, (await health.json()).status]).toEqual([200, 'ok']);
    } finally {
      await daemon.stop();
      await sim.close();
    }
  }, 60_000);

  it("regression: the cloud broker down at start made /readyz 503 at once; it has InfluxDB's grace", async () => {
    const brokerUrl = `mqtt://127.0.0.1:${await freePort()}`; // nobody listens there
    const log = logLines('info');
    const { daemon, close } = await startCloudOnlyDemo({ url: brokerUrl, buffer: { type: 'memory' } }, log.logger);
    try {
      await log.next(/^cloud broker .* messages stay queued$/);
      const api = (path: string) => fetch(`http://127.0.0.1:${daemon.http!.port}${path}`);
      const status = (await (await api('/api/status')).json()) as { sinks: { since: number }[] };
      // one retry cycle of the cloud broker's: 1 s to connect again and a 10 s connect timeout
      expect(status.sinks).toEqual([
        expect.objectContaining({
          name: 'cloud-mqtt',
          reachable: false,
          lastError: `cloud broker ${brokerUrl}: connect ECONNREFUSED 127.0.0.1:${brokerUrl.split(':').pop()}`,
          readyzGraceUntil: status.sinks[0].since + 11_000,
        }),
      ]);
      const ready = await api('/readyz');
      expect([ready.status, await ready.json()]).toMatchObject([200, { status: 'ok', unreachable_sinks: [] }]);
    } finally {
      await close();
    }
  }, 60_000);

  it('storage.sparkplug with its broker down: the gateway starts, /api/status and /readyz say why', async () => {
    const { sim, loaded } = await demoOnSimulator();
    const port = await freePort(); // nobody listens there
    loaded.config.storage.sparkplug = sparkplugSchema.parse({ url: `mqtt://127.0.0.1:${port}` });
    const log = logLines('info');
    const daemon = await startDaemon(loaded, log.logger);
    try {
      await log.next(/^Sparkplug broker .* ECONNREFUSED/);
      const api = (path: string) => fetch(`http://127.0.0.1:${daemon.http!.port}${path}`);
      const status = (await (await api('/api/status')).json()) as { sinks: unknown[] };
      expect(status.sinks).toContainEqual(
        expect.objectContaining({
          name: 'sparkplug',
          reachable: false,
          since: expect.any(Number),
          lastError: `Sparkplug broker mqtt://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`,
        }),
      );
      const ready = await api('/readyz');
      expect([ready.status, await ready.json()]).toMatchObject([
        503,
        { status: 'degraded', unreachable_sinks: ['sparkplug'] },
      ]);
    } finally {
      await daemon.stop();
      await sim.close();
    }
  }, 60_000);
});
