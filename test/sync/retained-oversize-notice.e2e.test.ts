/**
 * Regression: a retained release notice over cloud.mqtt.max_incoming_bytes made a reconnect loop. The broker sends
 * it at each subscription, the gateway closes the connection on it, reconnects a second later and is sent it again,
 * for ever (and no other notice arrives; later, it connected again later each time, up to a minute apart, still for
 * ever). With MQTT 5 (the default) the broker is told the bound and keeps the message back; with 3.1.1 the client
 * leaves every model's topic out after the first close and subscribes to the topics of the models it runs but that
 * one, said once as an error, and looks at the topic again on a connection of its own until it is cleared. A real
 * mosquitto (2.0.11 drops a message over a client's Maximum Packet Size).
 */
import { once, type EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { MemoryQueue } from '../../src/buffer/memory-queue.js';
import { MqttSync } from '../../src/sync/mqtt-sync.js';
import { NoticeSources, type LeftOutNotices } from '../../src/sync/notice-sources.js';
import { anomalyEvent } from '../../src/testing/alarm-events.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';
import { modelUpdatesSchema, mqttSyncSchema } from '../../src/sync/schema.js';
import { startMosquitto, type Mosquitto } from '../../src/testing/mosquitto.js';
import { logLines, type LogLines } from '../helpers/log-lines.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';

const BIG_TOPIC = 'linewatch/releases/pump-ae';
const BIG_BYTES = 100_000;
const notice = (model: string) =>
  JSON.stringify({ model, version: '2.0.0', url: `https://releases.example/${model}/` });

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function brokerWithBigNotice(): Promise<Mosquitto> {
  const broker = await startMosquitto({ connectionLog: true });
  cleanups.push(() => broker.stop());
  await publishRetained(broker.url, BIG_TOPIC, Buffer.alloc(BIG_BYTES, 0x7b));
  return broker;
}

/** Publishes retained, as `linewatch model publish` does (an empty payload clears the topic's retained message). */
async function publishRetained(url: string, topic: string, payload: string | Buffer): Promise<void> {
  const client = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
  await client.publishAsync(topic, payload, { qos: 1, retain: true });
  await client.endAsync();
}

/** The notice client of a gateway on `url`, and the notices it hands on, by topic. */
function noticeClient(
  url: string,
  protocolVersion: 4 | 5,
  leftOut?: LeftOutNotices,
): { log: LogLines; texts: Map<string, string>; refused: { topic: string; reason: string }[] } {
  const log = logLines('info');
  const texts = new Map<string, string>();
  const refused: { topic: string; reason: string }[] = [];
  const sources = new NoticeSources(
    modelUpdatesSchema.parse({ public_key_file: '/nonexistent.pem' }),
    mqttSyncSchema.parse({ url, protocol_version: protocolVersion }),
    log.logger,
    (text, origin) => {
      texts.set(origin, text);
      log.logger.info(`test: handed on ${origin}`);
    },
    (topic, reason) => refused.push({ topic, reason }),
    leftOut,
  );
  cleanups.push(() => sources.stop());
  sources.start();
  return { log, texts, refused };
}

describe('a retained release notice over max_incoming_bytes', () => {
  it('with MQTT 5, the broker keeps it back: the connection holds and the other notices arrive', async () => {
    const broker = await brokerWithBigNotice();
    const proxy = await startTcpProxy(broker.port);
    cleanups.push(() => proxy.close());
    await publishRetained(broker.url, 'linewatch/releases/press-ae', notice('press-ae'));
    const { log, texts } = noticeClient(`mqtt://127.0.0.1:${proxy.port}`, 5);
    await log.next(/handed on mqtt linewatch\/releases\/press-ae/);
    // A notice published while subscribed comes after whatever the broker sent at the subscription.
    await publishRetained(broker.url, 'linewatch/releases/mixer-ae', notice('mixer-ae'));
    await log.next(/handed on mqtt linewatch\/releases\/mixer-ae/);
    expect([...texts.keys()].sort()).toEqual(['mqtt linewatch/releases/mixer-ae', 'mqtt linewatch/releases/press-ae']);
    expect(log.lines.filter((l) => l.msg.includes('over cloud.mqtt.max_incoming_bytes'))).toEqual([]);
    expect(proxy.opened.length).toBe(1);
  }, 30_000);

  const BIG_PACKET = 1 + 3 + 2 + BIG_TOPIC.length + 2 + BIG_BYTES;
  /** The notice client's connections (not its looks'), as the broker logged them. */
  const connections = async (broker: Mosquitto) =>
    (await broker.connectedLevels()).filter(
      (c) => c.clientId.startsWith('linewatch-updates-') && !c.clientId.includes('probe'),
    ).length;

  it('with MQTT 3.1.1, it is refused once, said as an error; then the notices of the models run here come by their own topics, over one reconnect; the cloud sync beside it publishes on', async () => {
    const broker = await brokerWithBigNotice();
    await publishRetained(broker.url, 'linewatch/releases/press-ae', notice('press-ae'));
    // The gateway's cloud sync, on its own connection: its status and its queued messages.
    const watcher = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
    cleanups.push(() => watcher.endAsync(true));
    const delivered: string[] = [];
    watcher.on('message', (topic) => delivered.push(topic));
    await watcher.subscribeAsync('linewatch/gw/#', { qos: 1 });
    const syncLog = logLines('info');
    const sync = new MqttSync(
      mqttSyncSchema.parse({ url: broker.url, protocol_version: 4 }),
      { gateway: 'gw', site: 's', line: 'l', version: '0', models: () => [] },
      { logger: syncLog.logger, metrics: new GatewayMetrics(), queue: new MemoryQueue(1 << 20) },
    );
    cleanups.push(() => sync.close());
    await sync.start();
    const { log, refused } = noticeClient(broker.url, 4, {
      models: () => ['press-ae', 'pump-ae'],
      retry: { minMs: 3_600_000, maxMs: 7_200_000 },
    });
    const line = await log.next(/over cloud.mqtt.max_incoming_bytes/);
    expect(line.level).toBe(50);
    expect(line.msg).toContain(
      `release notices: broker ${broker.url} sent a publish on ${BIG_TOPIC} of ${BIG_PACKET} bytes, over cloud.mqtt.max_incoming_bytes 65536: refused unread, the connection closed (MQTT 3.1.1 sends a retained message again at each subscription); linewatch/releases/+, ${BIG_TOPIC} no longer subscribed, so the connection holds: the notices come by linewatch/releases/press-ae meanwhile; looked at again on a connection of its own at `,
    );
    expect(line.msg).toContain(
      `(later each time it is still there, up to 120 min apart), and subscribed again once it is cleared. Clear it on the broker (mosquitto_pub -r -n -t ${BIG_TOPIC}), or set cloud.mqtt.protocol_version: 5 if the broker speaks MQTT 5`,
    );
    await log.next(/handed on mqtt linewatch\/releases\/press-ae/);
    // A notice published on a model's topic comes after whatever the broker sent at the subscription.
    await publishRetained(broker.url, 'linewatch/releases/press-ae', notice('press-ae').replace('2.0.0', '2.0.1'));
    await log.next(/connected again, and the connection holds \(1 connections refused or closed before\)/);
    expect(await connections(broker)).toBe(2);
    expect(log.lines.filter((l) => l.msg.includes('over cloud.mqtt.max_incoming_bytes')).length).toBe(1);
    sync.write({ samples: [], scores: [], alarms: [anomalyEvent('unack_active', { asset: 'pump-3' })] });
    await sync.flush();
    await watcher.publishAsync('linewatch/gw/zz-end', 'end', { qos: 1 });
    while (!delivered.includes('linewatch/gw/zz-end')) await once(watcher as unknown as EventEmitter, 'message');
    expect(delivered).toEqual(['linewatch/gw/status', 'linewatch/gw/alarm/pump-3', 'linewatch/gw/zz-end']);
    expect(sync.failing()).toBeUndefined();
    // Kept as the model's last refusal (/api/status: releaseRefusals), with what is left out and until when.
    expect(refused).toEqual([
      {
        topic: BIG_TOPIC,
        reason: expect.stringContaining(
          `over cloud.mqtt.max_incoming_bytes 65536: refused unread; linewatch/releases/+, ${BIG_TOPIC} no longer subscribed`,
        ),
      },
    ]);
  }, 30_000);

  it('with MQTT 3.1.1, a look on a connection of its own finds it still there, later each time, the connection left alone', async () => {
    const broker = await brokerWithBigNotice();
    const { log, refused } = noticeClient(broker.url, 4, {
      models: () => ['press-ae'],
      retry: { minMs: 50, maxMs: 200, random: () => 1 },
    });
    await log.next(/over cloud.mqtt.max_incoming_bytes/);
    const look = await log.next(/still holds/);
    // The look subscribes at QoS 0: the retained publish comes without a packet id (2 bytes less).
    expect(look.msg).toMatch(
      new RegExp(
        `^release notices: ${BIG_TOPIC} still holds a retained message of ${BIG_PACKET - 2} bytes: linewatch/releases/\\+ left out, looked at again at \\d{4}-\\d\\d-\\d\\dT`,
      ),
    );
    await log.nextFrom(log.lines.indexOf(look) + 1, /still holds/);
    await log.next(/connected again, and the connection holds/);
    await log.nextFrom(log.lines.length, /still holds/);
    expect(await connections(broker)).toBe(2);
    // Kept as the model's last refusal (/api/status), with the next look's time.
    expect(refused.at(-1)).toEqual({
      topic: BIG_TOPIC,
      reason: expect.stringMatching(
        new RegExp(`^${BIG_TOPIC} still holds a retained message of ${BIG_PACKET - 2} bytes: .* looked at again at `),
      ),
    });
  }, 30_000);

  it("with MQTT 3.1.1, once it is cleared on the broker, a look finds it and every model's notices come again, without a reconnect", async () => {
    const broker = await brokerWithBigNotice();
    const { log } = noticeClient(broker.url, 4, { models: () => ['press-ae'], retry: { minMs: 50, maxMs: 200 } });
    await log.next(/over cloud.mqtt.max_incoming_bytes/);
    await log.next(/connected again, and the connection holds/);
    // What the log says to do (mosquitto_pub -r -n -t TOPIC), and a new notice.
    await publishRetained(broker.url, BIG_TOPIC, '');
    await publishRetained(broker.url, BIG_TOPIC, notice('pump-ae'));
    const back = await log.next(/is gone or small enough now/);
    expect(back.msg).toBe(
      `release notices: the retained message on ${BIG_TOPIC} is gone or small enough now: subscribing to linewatch/releases/+ again`,
    );
    await log.next(/handed on mqtt linewatch\/releases\/pump-ae/);
    expect(log.lines.filter((l) => l.msg.includes('over cloud.mqtt.max_incoming_bytes')).length).toBe(1);
    expect(await connections(broker)).toBe(2);
  }, 30_000);
});
