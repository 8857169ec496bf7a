/**
 * `linewatch config sign` and `config publish` in child processes against a real mosquitto: the message signed is the
 * one found retained on the gateway's topic, and a gateway (runWithRemoteConfig) on that broker applies it. sign
 * refuses a key only the gateway's local file sets; publish refuses a message the gateways' key does not verify.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load.js';
import { freePort } from '../../src/core/free-port.js';
import { runWithRemoteConfig } from '../../src/remote-config/runner.js';
import { generateKeys } from '../../src/sync/release.js';
import { startMosquitto, type Mosquitto } from '../../src/testing/mosquitto.js';
import { runCli } from '../helpers/cli.js';
import { pumpYaml, writeLocalGateway } from '../helpers/remote-config-files.js';
import { logLines } from '../helpers/log-lines.js';

let broker: Mosquitto;
let dir: string;
let keys: { privatePath: string; publicPath: string };
let plcPort: number;
beforeAll(async () => {
  broker = await startMosquitto();
  dir = await mkdtemp(join(tmpdir(), 'lw-config-cli-'));
  keys = await generateKeys(join(dir, 'keys'));
  plcPort = await freePort();
});
afterAll(() => broker.stop());

const yaml = (source: string, extra = '') => pumpYaml({ source, port: plcPort, extra });

const signArgs = (config: string, out: string, target = 'press-3') => [
  'config',
  'sign',
  '--config',
  config,
  '--key',
  keys.privatePath,
  '--sequence',
  '7',
  '--target',
  target,
  '--out',
  out,
];

describe('linewatch config sign | publish', () => {
  it('signs and publishes a configuration that a gateway on the broker applies', async () => {
    const prefix = 'clitest';
    await writeLocalGateway(dir, {
      mqtt: `url: ${broker.url}, topic_prefix: ${prefix}, publish_health: false`,
      publicKey: keys.publicPath,
      port: plcPort,
    });
    await writeFile(join(dir, 'remote.yaml'), yaml('plc-cli'));
    const signed = await runCli(signArgs(join(dir, 'remote.yaml'), join(dir, 'remote.msg')));
    expect(signed.stderr).toBe('');
    expect(signed.stdout).toBe(`signed: ${join(dir, 'remote.msg')} (sequence 7, target press-3)\n`);
    const log = logLines('info');
    const run = await runWithRemoteConfig(await loadConfigFile(join(dir, 'gateway.yaml')), { logger: log.logger });
    try {
      const published = await runCli([
        'config',
        'publish',
        '--message',
        join(dir, 'remote.msg'),
        '--public-key',
        keys.publicPath,
        '--broker',
        broker.url,
        '--prefix',
        prefix,
      ]);
      expect(published.stderr).toBe('');
      expect(published.stdout).toContain(`(sequence 7) retained on ${prefix}/press-3/config at ${broker.url}`);
      await log.next(/^remote configuration 7 applied$/);
      expect(
        run
          .daemon()
          .gateway.status()
          .sources.map((s) => s.name),
      ).toEqual(['plc-cli']);
      const client = await mqtt.connectAsync(broker.url);
      const retained = new Promise<Buffer>((resolve) => client.on('message', (_t, payload) => resolve(payload)));
      await client.subscribeAsync(`${prefix}/press-3/config`);
      expect(await retained).toEqual(await readFile(join(dir, 'remote.msg')));
      await client.endAsync();
    } finally {
      await run.stop();
    }
  });

  it('sign refuses a configuration that sets a key only the local file sets, naming it', async () => {
    await writeFile(join(dir, 'cloudy.yaml'), yaml('plc', 'cloud: { mqtt: { url: mqtt://elsewhere:1883 } }'));
    const r = await runCli(signArgs(join(dir, 'cloudy.yaml'), join(dir, 'cloudy.msg')));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `linewatch: protected_key: ${join(dir, 'cloudy.yaml')}: cloud: only the gateway's local configuration sets this`,
    );
  });

  it('publish refuses a message the given public key does not verify, naming why', async () => {
    await writeFile(join(dir, 'fleet.yaml'), yaml('plc'));
    expect((await runCli(signArgs(join(dir, 'fleet.yaml'), join(dir, 'fleet.msg'), '*'))).code).toBe(0);
    const other = await generateKeys(join(dir, 'other-keys'));
    const r = await runCli([
      'config',
      'publish',
      '--message',
      join(dir, 'fleet.msg'),
      '--public-key',
      other.publicPath,
      '--broker',
      broker.url,
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`linewatch: bad_signature: ${join(dir, 'fleet.msg')}: the signature does not verify`);
  });
});
