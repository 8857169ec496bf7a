/**
 * Secrets stay secret (issue: "credentials inside URLs and webhook URLs with secret paths appear in
 * logs and in the unauthenticated /api/status"): a gateway run whose config holds marked secrets in
 * every place that takes one (InfluxDB and MQTT URLs and passwords, a webhook's path and header,
 * the API token), with every outbound connection failing so that errors name the URLs, raises an
 * alarm; its logs, /api/status, /metrics and `linewatch validate` output hold none of the markers.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { freePort } from '../../src/core/free-port.js';
import { runSimulator } from '../../src/sim/run-simulator.js';
import { BIN, ROOT, runCli } from '../helpers/cli.js';

const MARK = 'SECRETMARK';

describe('secrets in the configuration', () => {
  it('appear in no log line, API answer, metric or validate output', async () => {
    const sim = await runSimulator({ modbusPort: 0, seed: 6 });
    const closed = await freePort(); // nothing listens here: every connection fails
    const httpPort = await freePort();
    const dir = await mkdtemp(join(tmpdir(), 'lw-secrets-'));
    const config = YAML.parse(await readFile(join(ROOT, 'config/demo.yaml'), 'utf8'));
    config.data_dir = dir;
    config.log = { level: 'debug' };
    config.http = { host: '127.0.0.1', port: httpPort, api_token: `${MARK}-api-token-0123456789` };
    for (const s of config.sources) s.port = sim.modbusPort;
    for (const a of config.assets) a.model = join(ROOT, 'models', a.model.split('/').pop());
    config.storage = {
      local: { path: join(dir, 'store.db') },
      influxdb: {
        url: `http://127.0.0.1:${closed}`, // user info in it is refused: see below
        database: 'plant',
        username: 'lwuser',
        password: `${MARK}-influx-password`,
        flush_interval_ms: 200,
        timeout_ms: 500,
      },
    };
    config.cloud = {
      mqtt: {
        url: `mqtt://lwuser:${MARK}mqtturl@127.0.0.1:${closed}`,
        username: 'lwuser',
        password: `${MARK}-mqtt-password`,
        buffer: { type: 'memory' },
      },
    };
    const pump = config.assets.find((a: { name: string }) => a.name === 'pump-1');
    pump.alarm = {
      ...pump.alarm,
      on_delay_ms: 0,
      actions: [
        {
          type: 'webhook',
          name: 'pager',
          url: `http://127.0.0.1:${closed}/hooks/T0/${MARK}webhookpath`,
          headers: { authorization: `Bearer ${MARK}-header` },
          max_attempts: 1,
        },
      ],
    };
    const file = join(dir, 'gw.yaml');
    await writeFile(file, YAML.stringify(config));

    const validate = await runCli(['validate', '--config', file]);
    expect(validate.code, validate.stderr).toBe(0);
    // A password in the InfluxDB URL is refused (fetch() cannot send it), and the refusal does not repeat it.
    const withUserInfo = join(dir, 'gw-userinfo.yaml');
    const urlPassword = { ...config.storage.influxdb, url: `http://lwuser:${MARK}influxurl@127.0.0.1:${closed}` };
    await writeFile(withUserInfo, YAML.stringify({ ...config, storage: { ...config.storage, influxdb: urlPassword } }));
    const refused = await runCli(['validate', '--config', withUserInfo]);
    expect(refused.code, refused.stderr).toBe(2);
    expect(refused.stderr).toContain('storage.influxdb.url');
    const outputs: string[] = [validate.stdout, validate.stderr, refused.stdout, refused.stderr];

    const child = spawn(process.execPath, [BIN, 'run', '--config', file]);
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const logs: string[] = [];
    let faulted = false;
    for await (const line of createInterface({ input: child.stdout })) {
      logs.push(line);
      const entry = JSON.parse(line) as { msg: string };
      if (!faulted && entry.msg === 'windows scored') {
        faulted = true;
        sim.sim.injectFault({ type: 'valve_closure', severity: 0.9, ramp_s: 0.5 });
      }
      // The webhook has failed its attempts: its error is in the log and in the status.
      if ((entry as { action?: string }).action === 'pager' && /gave up/.test(entry.msg)) break;
    }
    const status = await (await fetch(`http://127.0.0.1:${httpPort}/api/status`)).text();
    const metrics = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
    child.kill('SIGTERM');
    await exited;
    await sim.close();
    outputs.push(...logs, stderr, status, metrics);
    // The run did meet every secret: the errors name the hosts they failed to reach.
    expect(logs.join('\n')).toContain(`127.0.0.1:${closed}`);
    expect(status).toContain('pager');
    const leaks = outputs.flatMap((o) => o.split('\n')).filter((l) => l.includes(MARK));
    expect(leaks).toEqual([]);
  }, 90_000);
});
