/**
 * Regression: a broker that accepted the connection (a CONNACK) and closed it before the client could use it was said
 * as "the broker closed the connection before accepting it (no CONNACK): is it an MQTT broker at this address, and
 * does it take this client's login ...", or with MQTT 5, a reset so as "a broker without MQTT 5 resets it so": the
 * reader checked the address, the login and the MQTT version, none of them the cause. mqtt.js tells 'connect' only once
 * it has sent again the messages it kept unacknowledged; a broker that drops the connection at one of them (over its
 * packet size limit, a topic its ACL denies), or another client taking the client id in that time, closes it first.
 * Now the log says the broker accepted the connection and closed it so many ms later, and the likely causes.
 *
 * A real mosquitto with max_packet_size: a cloud message or a source's subscription over it has the connection
 * closed right after its CONNACK (MQTT 5: a DISCONNECT with reason 149 first; 3.1.1: a reset). A message is sent so
 * with MQTT 3.1.1 only: with MQTT 5 the broker says its limit in the CONNACK, and a message over it is refused unsent
 * (mqtt-broker-limit.e2e).
 *
 * publishOnce (an mqtt_publish action, `linewatch model publish`) said only "the broker closed the connection before
 * its PUBACK" of its message over the limit, or of a connection another client took (the same client_id): now the
 * same words, with the broker's reason, the message's size and the client id.
 */
import { describe, expect, it } from 'vitest';
import { MemoryQueue } from '../../src/buffer/memory-queue.js';
import { publishOnce } from '../../src/core/mqtt-publish-once.js';
import { MqttSource } from '../../src/sources/mqtt/mqtt-source.js';
import { mqttSourceSchema } from '../../src/sources/mqtt/schema.js';
import { MqttSync } from '../../src/sync/mqtt-sync.js';
import { mqttSyncSchema } from '../../src/sync/schema.js';
import { startMosquitto } from '../../src/testing/mosquitto.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';
import { anomalyEvent } from '../../src/testing/alarm-events.js';
import { escaped } from '../helpers/escaped.js';
import { logLines } from '../helpers/log-lines.js';
import { suiteServer } from '../helpers/suite-server.js';

const MAX_PACKET = 2048;
const broker = suiteServer(() => startMosquitto({ maxPacketBytes: MAX_PACKET }));

const CAUSES =
  'the broker refuses what this client sends first: over its packet size limit, or a topic its ACL denies ' +
  '(messages not acknowledged are sent again at each connect); see its log';
const CLASH = (id: string) =>
  `another client connected with the same client id ${id} (the broker drops the older connection: two gateways ` +
  'with one name or client_id), or ';

describe.each([[4, `, before the client could use it: most likely `, '\\); messages stay queued']] as const)(
  'cloud sync, MQTT %i: a message the broker drops the connection at',
  (version, said, end) => {
    it('is said as a connection accepted and then closed, naming the client id, not as "no CONNACK"', async () => {
      const log = logLines('debug');
      const gateway = `gw-big-${version}`;
      const sync = new MqttSync(
        mqttSyncSchema.parse({ url: broker().url, protocol_version: version, publish_timeout_ms: 500 }),
        { gateway, site: 's', line: 'l', version: '0', models: () => [] },
        {
          logger: log.logger,
          metrics: new GatewayMetrics(),
          queue: new MemoryQueue(1 << 20),
          refusalBackoff: { maxMs: 1, holdMs: 60_000 },
        },
      );
      try {
        await sync.start();
        const event = anomalyEvent('unack_active', { message: 'x'.repeat(MAX_PACKET * 2) });
        sync.write({ samples: [], scores: [], alarms: [event] });
        // The first connection held: the message closed it. The next ones close as mqtt.js sends it again.
        // Not the first connection's close, which came once it was usable (at times a bare "read ECONNRESET").
        const line = await log.next(/CONNACK/);
        // MQTT 3.1.1: mosquitto resets the connection (MQTT 5 would send a DISCONNECT with reason 149 first).
        const prefix = 'read ECONNRESET \\(';
        expect(line.msg).toMatch(
          new RegExp(
            `^cloud broker ${broker().url}: ${prefix}the broker accepted the connection \\(CONNACK\\), then closed it ` +
              `\\d+ ms later${said}${escaped(CLASH(`linewatch-${gateway}`) + CAUSES)}${end}$`,
          ),
        );
        expect(log.lines.filter((l) => l.msg.includes('no CONNACK'))).toEqual([]);
      } finally {
        await sync.close();
      }
    }, 30_000);
  },
);

describe('mqtt source: a subscription the broker drops the connection at', () => {
  it('is said as a connection accepted and then closed before the subscription was answered', async () => {
    const log = logLines('debug');
    const topic = `t/${'long/'.repeat(MAX_PACKET / 4)}pump-3`;
    const source = new MqttSource(
      mqttSourceSchema.parse({
        type: 'mqtt',
        name: 'broker',
        url: broker().url,
        asset: 'pump-3',
        client_id: 'linewatch-long-topic',
        tags: [{ channel: 'flow', topic }],
      }),
      { logger: log.logger, metrics: new GatewayMetrics() },
    );
    try {
      await source.start(() => undefined);
      const line = await log.next(/connecting again$/);
      expect(line.msg).toMatch(
        new RegExp(
          `^mqtt broker \\(${escaped(broker().url)}\\): subscribing: the broker accepted the connection \\(CONNACK\\), ` +
            `then closed it \\d+ ms later, before it answered the subscription: most likely ` +
            `${escaped(CLASH('linewatch-long-topic') + CAUSES)}; connecting again$`,
        ),
      );
    } finally {
      await source.stop();
    }
  });
});

describe('publishOnce (mqtt_publish, model publish): a connection the broker closes after accepting it', () => {
  const publisher = (version: 4 | 5) => ({
    role: 'test',
    defaultClientId: `linewatch-once-${version}`,
    options: { protocolVersion: version },
    maxIncomingBytes: 4096,
    boundOf: 'the test connection',
    timeoutMs: 10_000,
  });

  it.each([[4, '']] as const)(
    "MQTT %i: a message over the broker's limit names its size, not a bare close",
    async (version, said) => {
      const message = { topic: 'plant7/big', payload: 'x'.repeat(MAX_PACKET * 2), qos: 1 as const, retain: false };
      const err = await publishOnce({ url: broker().url }, publisher(version), message).then(
        () => new Error('published'),
        (e: Error) => e,
      );
      expect(err.message).toMatch(
        new RegExp(
          `^the broker accepted the connection \\(CONNACK\\), then closed it \\d+ ms later${said}, before its PUBACK: ` +
            `most likely ${escaped(`the broker refuses its message on plant7/big (${MAX_PACKET * 2} bytes): over its packet size limit, or a topic its ACL denies; see its log`)}$`,
        ),
      );
    },
  );

  it.each([5, 4] as const)(
    'MQTT %i: two at once with one client_id, the one taken over names the id',
    async (version) => {
      const message = { topic: 'plant7/t', payload: 'p', qos: 1 as const, retain: false };
      const pair = () =>
        Promise.all(
          [0, 1].map(() =>
            publishOnce({ url: broker().url, client_id: 'linewatch-twin' }, publisher(version), message).then(
              () => 'published',
              (e: Error) => e.message,
            ),
          ),
        );
      // The broker takes the id for the later CONNECT, most often before the earlier connection's PUBLISH (a round
      // trip later: 398 of 400 pairs on mosquitto 2.0.11); where both were published first, a pair again.
      // mosquitto 2.0 closes the older connection without a DISCONNECT, with MQTT 5 too (no reason to name).
      let results = await pair();
      for (let tries = 1; tries < 5 && results.every((r) => r === 'published'); tries++) results = await pair();
      expect(results.sort()).toEqual([
        'published',
        expect.stringMatching(
          new RegExp(
            '^the broker accepted the connection \\(CONNACK\\), then closed it \\d+ ms later, before its PUBACK: most likely ' +
              `${escaped(CLASH('linewatch-twin'))}the broker refuses ` +
              `${escaped('its message on plant7/t (1 byte)')}: `,
          ),
        ),
      ]);
    },
  );
});
