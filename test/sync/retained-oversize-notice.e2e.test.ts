/**
 * Regression: a retained release notice over cloud.mqtt.max_incoming_bytes made a reconnect loop. The broker sends
 * it at each subscription, the gateway closes the connection on it, reconnects a second later and is sent it again,
 * for ever (and no other notice arrives). With MQTT 5 (the default) the broker is told the bound and keeps the
 * message back; with 3.1.1 the gateway still closes the connection on it, but says so once, with how to clear it,
 * and connects again later each time. A real mosquitto (2.0.11 drops a message over a client's Maximum Packet Size).
 */
import { afterEach, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { NoticeSources } from '../../src/sync/notice-sources.js';
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
  const broker = await startMosquitto();
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

  it('with MQTT 3.1.1, it is refused at each connection, said once with how to clear it, and the retries slow down', async () => {
    const broker = await brokerWithBigNotice();
    const proxy = await startTcpProxy(broker.port);
    cleanups.push(() => proxy.close());
    const { log, refused } = noticeClient(`mqtt://127.0.0.1:${proxy.port}`, 4);
    const line = await log.next(/over cloud.mqtt.max_incoming_bytes/);
    expect(line.msg).toContain(
      `sent a publish on ${BIG_TOPIC} of ${1 + 3 + 2 + BIG_TOPIC.length + 2 + BIG_BYTES} bytes, over cloud.mqtt.max_incoming_bytes 65536: refused unread, the connection closed; the client connects again in `,
    );
    expect(line.msg).toContain(`clear it on the broker (mosquitto_pub -r -n -t ${BIG_TOPIC})`);
    expect(line.msg).toContain('set cloud.mqtt.protocol_version: 5');
    // Before: a connection every second (the reconnect period). Now 1 s (jittered to 0.5–1 s), then 1–2 s, then 2–4 s.
    await proxy.accepted(4);
    const gaps = proxy.opened.slice(1).map((t, i) => t - proxy.opened[i]);
    expect(gaps[2]).toBeGreaterThan(1900);
    expect(gaps[2]).toBeGreaterThan(gaps[0]);
    expect(log.lines.filter((l) => l.msg.includes('over cloud.mqtt.max_incoming_bytes')).length).toBe(1);
    // Kept as the model's last refusal (/api/status: releaseRefusals), once per episode as the log says it.
    expect(refused).toEqual([
      {
        topic: BIG_TOPIC,
        reason: `a publish on ${BIG_TOPIC} of ${1 + 3 + 2 + BIG_TOPIC.length + 2 + BIG_BYTES} bytes, over cloud.mqtt.max_incoming_bytes 65536: refused unread`,
      },
    ]);
  }, 30_000);

  it('with MQTT 3.1.1, once it is cleared on the broker, the next connection holds and new notices arrive', async () => {
    const broker = await brokerWithBigNotice();
    const { log } = noticeClient(broker.url, 4);
    await log.next(/over cloud.mqtt.max_incoming_bytes/);
    // What the log says to do (mosquitto_pub -r -n -t TOPIC), and a new notice.
    await publishRetained(broker.url, BIG_TOPIC, '');
    await publishRetained(broker.url, BIG_TOPIC, notice('pump-ae'));
    await log.next(/handed on mqtt linewatch\/releases\/pump-ae/);
    expect(log.lines.filter((l) => l.msg.includes('over cloud.mqtt.max_incoming_bytes')).length).toBe(1);
  }, 30_000);
});
