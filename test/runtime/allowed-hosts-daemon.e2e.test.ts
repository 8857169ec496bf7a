/**
 * http.allowed_hosts from a configuration file to the running gateway's API (DNS rebinding beyond loopback): the demo
 * configuration listening on 0.0.0.0 with public reads and one allowed name, read over a real socket with the Host a
 * rebinding page would send and the one a scraper sends. The line simulator's real Modbus server feeds it.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { startDaemon } from '../../src/daemon/daemon.js';
import { runSimulator } from '../../src/sim/run-simulator.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { ROOT } from '../helpers/cli.js';

/** The status of GET `path` on 127.0.0.1:`port` under `host`. */
function status(port: number, path: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('a gateway on 0.0.0.0 whose configuration lists allowed_hosts', () => {
  it('answers the listed name and loopback, and refuses a rebinding name with 421, /api/ reads included', async () => {
    const sim = await runSimulator({ modbusPort: 0, httpPort: 0, seed: 3 });
    const file = join(ROOT, 'config/demo.yaml');
    const text = (await readFile(file, 'utf8')).replace(
      'http:\n  host: 127.0.0.1\n',
      'http:\n  host: 0.0.0.0\n  public_reads: true\n  allowed_hosts: [gateway.plant.example]\n',
    );
    const loaded = await parseConfig(text, file, {
      LINEWATCH_DEMO_MODBUS_PORT: String(sim.modbusPort),
      LINEWATCH_HTTP_PORT: '0',
    });
    expect(loaded.config.http.allowed_hosts).toEqual(['gateway.plant.example']);
    loaded.config.storage.local!.path = join(await mkdtemp(join(tmpdir(), 'lw-allowed-hosts-')), 'store.db');
    const daemon = await startDaemon(loaded, silentLogger());
    try {
      const port = daemon.http!.port;
      for (const path of ['/healthz', '/metrics', '/api/status']) {
        expect([path, await status(port, path, `evil.example:${port}`)]).toEqual([path, 421]);
        expect([path, await status(port, path, `gateway.plant.example:${port}`)]).toEqual([path, 200]);
        expect([path, await status(port, path, `localhost:${port}`)]).toEqual([path, 200]);
      }
    } finally {
      await daemon.stop();
      await sim.close();
    }
  }, 30_000);
});
