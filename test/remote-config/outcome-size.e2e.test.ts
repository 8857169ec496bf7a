/**
 * Regression: refusal_reason_over_the_broker_limit. A signed configuration of 240 kB with thousands of problems (here
 * 7 000 sources of an unknown type) was refused with a reason of about 1 MB (every issue listed): logged whole, and
 * published as the retained outcome. A broker with a packet limit (mosquitto max_packet_size 300 000 here; managed
 * brokers set 128 to 256 kB) closed the configuration connection for it, and the client sent it again at every
 * reconnection: no outcome reached the cloud, and no later configuration reached the gateway. A refusal's reason is
 * now bounded (ConfigRefused: MAX_REASON_CHARS), saying how much was left out.
 */
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load.js';
import { freePort } from '../../src/core/free-port.js';
import { MAX_REASON_CHARS } from '../../src/remote-config/message.js';
import { runWithRemoteConfig } from '../../src/remote-config/runner.js';
import { configTopic } from '../../src/remote-config/topics.js';
import { startMosquitto, type Mosquitto } from '../../src/testing/mosquitto.js';
import { logLines } from '../helpers/log-lines.js';
import { pumpYaml, writeLocalGateway } from '../helpers/remote-config-files.js';
import { intakeBeside } from '../helpers/remote-intake.js';

let broker: Mosquitto;
beforeAll(async () => {
  broker = await startMosquitto({ maxPacketBytes: 300_000 });
});
afterAll(() => broker.stop());

describe('the outcome of a configuration with thousands of problems', () => {
  it('is published within the broker limit, and the next configuration is still taken', async () => {
    const prefix = `lw${(await freePort()).toString()}`;
    const plcPort = await freePort();
    const beside = await intakeBeside({ port: plcPort });
    // The same local file, with this broker (3.1.1: a packet over the limit closes the connection).
    const localFile = await writeLocalGateway(beside.dir, {
      mqtt: `url: ${broker.url}, topic_prefix: ${prefix}, publish_health: false, protocol_version: 4`,
      publicKey: 'keys/release-signing.pub.pem',
      port: plcPort,
    });
    const log = logLines('info');
    const run = await runWithRemoteConfig(await loadConfigFile(localFile), { logger: log.logger });
    const client = await mqtt.connectAsync(broker.url, { protocolVersion: 4 });
    try {
      const outcomes: Record<string, unknown>[] = [];
      let seen: (o: Record<string, unknown>) => void = () => undefined;
      client.on('message', (_t, payload) => {
        const outcome = JSON.parse(payload.toString()) as Record<string, unknown>;
        outcomes.push(outcome);
        seen(outcome);
      });
      const next = (outcome: string) =>
        new Promise<Record<string, unknown>>((resolve) => {
          const found = outcomes.find((o) => o.outcome === outcome);
          if (found) resolve(found);
          seen = (o) => o.outcome === outcome && resolve(o);
        });
      await client.subscribeAsync(`${prefix}/press-3/config/outcome`, { qos: 1 });
      let yaml = 'sources:\n';
      for (let i = 0; yaml.length < 240_000; i++) yaml += `  - { name: s${i}, type: x }\n`;
      const refused = next('refused');
      await client.publishAsync(configTopic(prefix, 'press-3'), beside.sign({ sequence: 1, target: 'press-3', yaml }), {
        qos: 1,
        retain: true,
      });
      const outcome = await refused;
      expect(outcome).toMatchObject({ outcome: 'refused', code: 'invalid_config' });
      const reason = outcome.reason as string;
      expect(reason.length).toBeLessThanOrEqual(MAX_REASON_CHARS);
      expect(reason).toMatch(
        /^mqtt lw\d+\/press-3\/config \(sequence 1\): invalid configuration:\n {2}sources\[0\]\.type: /,
      );
      expect(reason).toMatch(/… \(\d+ more characters: run linewatch validate on the configuration for all of it\)$/);
      const applied = next('applied');
      const good = beside.sign({ sequence: 2, target: 'press-3', yaml: pumpYaml({ port: plcPort, source: 'plc-2' }) });
      await client.publishAsync(configTopic(prefix, 'press-3'), good, { qos: 1, retain: true });
      expect(await applied).toMatchObject({ outcome: 'applied', sequence: 2 });
    } finally {
      await client.endAsync();
      await run.stop();
    }
  }, 60_000);
});
