/**
 * The writes to machines a remote configuration adds are said in its `applied` outcome, where the cloud reads it
 * (<prefix>/<gateway>/config/outcome) and in the log: real mosquitto, the real runner and startDaemon.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load.js';
import { freePort } from '../../src/core/free-port.js';
import { signConfigMessage } from '../../src/remote-config/message.js';
import { runWithRemoteConfig } from '../../src/remote-config/runner.js';
import { configTopic } from '../../src/remote-config/topics.js';
import { generateKeys, readPrivateKey } from '../../src/sync/release.js';
import { startMosquitto, type Mosquitto } from '../../src/testing/mosquitto.js';
import { logLines } from '../helpers/log-lines.js';
import { pumpYaml, writeLocalGateway } from '../helpers/remote-config-files.js';

let broker: Mosquitto;
beforeAll(async () => {
  broker = await startMosquitto();
});
afterAll(() => broker.stop());

describe('a remote configuration that writes to a machine', () => {
  it('says the write in its applied outcome and log line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-remote-writes-e2e-'));
    const prefix = `lw${(await freePort()).toString()}`;
    const plcPort = await freePort(); // nothing listens: the source retries, the gateway runs
    const keys = await generateKeys(join(dir, 'keys'));
    const localFile = await writeLocalGateway(dir, {
      mqtt: `url: ${broker.url}, topic_prefix: ${prefix}, publish_health: false`,
      publicKey: 'keys/release-signing.pub.pem',
      port: plcPort,
    });
    const log = logLines('info');
    const run = await runWithRemoteConfig(await loadConfigFile(localFile), { logger: log.logger });
    const client = await mqtt.connectAsync(broker.url);
    try {
      const applied = new Promise<Record<string, unknown>>((resolve) =>
        client.on('message', (_t, payload) => {
          const outcome = JSON.parse(payload.toString()) as Record<string, unknown>;
          if (outcome.outcome === 'applied') resolve(outcome);
        }),
      );
      await client.subscribeAsync(`${prefix}/press-3/config/outcome`, { qos: 1 });
      const yaml = `${pumpYaml({ port: plcPort })}    alarm: { actions: [{ type: modbus_write, name: stop, source: plc, table: holding, address: 40 }] }\n`;
      const message = signConfigMessage(
        { sequence: 5, target: 'press-3', yaml },
        await readPrivateKey(keys.privatePath),
      );
      await client.publishAsync(configTopic(prefix, 'press-3'), message, { qos: 1, retain: true });
      const writes = `writes to machines as the local configuration does not: modbus_write on plc (127.0.0.1:${plcPort}) unit (first) holding 40 (assets[0].alarm.actions[0])`;
      expect(await applied).toMatchObject({ outcome: 'applied', sequence: 5, reason: writes });
      expect(log.at(30)).toContain(`remote configuration 5 applied: ${writes}`);
    } finally {
      await client.endAsync();
      await run.stop();
    }
  }, 60_000);
});
