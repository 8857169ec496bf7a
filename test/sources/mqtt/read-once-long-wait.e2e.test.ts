/**
 * readOnce (`run --once`) waits a publish interval and the timeout for a tag's message: two settings each under a
 * timer's longest wait (2^31 - 1 ms) may add up past it. Regression: the wait was set to the sum, Node fired it after
 * 1 ms (TimeoutOverflowWarning), and a tag whose message was on its way came back bad ("no message ... within
 * 2147483648 ms"). Now the wait stops at the longest a timer waits. Against a real mosquitto; no sleep: the second
 * message is sent when the source reads the first (its clock is called then), after it has subscribed.
 */
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { mqttSourceSchema } from '../../../src/sources/mqtt/schema.js';
import { MqttSource } from '../../../src/sources/mqtt/mqtt-source.js';
import { startMosquitto } from '../../../src/testing/mosquitto.js';
import { createLogger } from '../../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../../src/telemetry/metrics.js';
import { suiteServer } from '../../helpers/suite-server.js';

const broker = suiteServer(startMosquitto);
const T0 = 1_741_342_500_000;

const warnings: Error[] = [];
const onWarning = (w: Error) => warnings.push(w);
process.on('warning', onWarning);
afterEach(() => {
  process.off('warning', onWarning);
});

describe('mqtt source readOnce past a timer’s longest wait', () => {
  it('publish_interval_ms + timeout_ms over 2^31 - 1 ms: waits for the message instead of giving up at once', async () => {
    const pub = await mqtt.connectAsync(broker().url, { reconnectPeriod: 0 });
    try {
      await pub.publishAsync('t/long-once/first', '1', { qos: 1, retain: true });
      const config = mqttSourceSchema.parse({
        name: 'broker',
        type: 'mqtt',
        url: broker().url,
        asset: 'pump-3',
        publish_interval_ms: 2 ** 30,
        timeout_ms: 2 ** 30,
        tags: [
          { channel: 'first', topic: 't/long-once/first' },
          { channel: 'second', topic: 't/long-once/second' },
        ],
      });
      let sent: Promise<unknown> | undefined;
      // The source's clock is first called for the retained message, which comes once it has subscribed.
      const now = () => {
        sent ??= pub.publishAsync('t/long-once/second', '2', { qos: 1 });
        return T0;
      };
      const logger = createLogger('silent');
      const source = new MqttSource(config, { logger, metrics: new GatewayMetrics(), now });
      const samples = await source.readOnce();
      await sent;
      expect(samples.map((s) => [s.channel, s.value, s.quality, s.reason])).toEqual([
        ['first', 1, 'good', undefined],
        ['second', 2, 'good', undefined],
      ]);
      expect(warnings.filter((w) => w.name === 'TimeoutOverflowWarning').map((w) => w.message)).toEqual([]);
    } finally {
      await pub.publishAsync('t/long-once/first', '', { qos: 1, retain: true });
      await pub.endAsync(true);
    }
  }, 20_000);
});
