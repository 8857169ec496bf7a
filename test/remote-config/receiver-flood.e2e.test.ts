/**
 * Regression: config_flood_queued_without_bound. The receiver queued every message its broker delivered behind the one
 * being handled (an apply: a gateway stopped and started, seconds), each held whole: whoever may publish on the
 * configuration topic (no signature needed to be queued) could pile up 256 KiB messages until the memory gave out.
 * Only the newest message of each topic waits now, as the broker retains only the newest; the others are passed over,
 * said once with their count. Real mosquitto; the message handler is the test's, held until the flood is in.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/core/free-port.js';
import { LatestOutcome } from '../../src/remote-config/latest-outcome.js';
import { ConfigReceiver } from '../../src/remote-config/receiver.js';
import { configTopic } from '../../src/remote-config/topics.js';
import { mqttSyncSchema } from '../../src/sync/schema.js';
import { startMosquitto, type Mosquitto } from '../../src/testing/mosquitto.js';
import { logLines } from '../helpers/log-lines.js';

let broker: Mosquitto;
beforeAll(async () => {
  broker = await startMosquitto();
});
afterAll(() => broker.stop());

const FLOOD = 200;

describe('configuration messages arriving while one is handled', () => {
  it('keeps only the newest of each topic waiting, and says how many it passed over', async () => {
    const prefix = `lw${(await freePort()).toString()}`;
    const own = configTopic(prefix, 'press-3');
    const fleet = configTopic(prefix, '*');
    const log = logLines('info');
    const handled: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let handling!: () => void;
    const firstHandled = new Promise<void>((resolve) => (handling = resolve));
    let done!: () => void;
    const lastHandled = new Promise<void>((resolve) => (done = resolve));
    const receiver = new ConfigReceiver(
      mqttSyncSchema.parse({ url: broker.url, topic_prefix: prefix }),
      'press-3',
      256 * 1024,
      log.logger,
      async (bytes, origin) => {
        handled.push(`${origin} ${bytes.subarray(0, 12).toString()}`);
        if (handled.length === 1) {
          handling();
          await held;
        }
        if (bytes.toString() === 'last own') done();
      },
      new LatestOutcome(
        join(await mkdtemp(join(tmpdir(), 'lw-config-flood-')), 'remote-config'),
        (why) => expect.fail(why),
        (why) => expect.fail(why),
      ),
    );
    const publisher = await mqtt.connectAsync(broker.url);
    try {
      // Retained: delivered once the receiver is subscribed, and held there while the flood comes.
      await publisher.publishAsync(own, Buffer.from('first'), { qos: 1, retain: true });
      receiver.start();
      await firstHandled;
      // Every message delivered to the receiver's connection, seen after the receiver's own listener has.
      let arrived = 0;
      const allArrived = new Promise<void>((resolve) =>
        receiver['client']!.on('message', () => {
          if (++arrived === FLOOD + 2) resolve();
        }),
      );
      const filler = Buffer.alloc(64 * 1024, 0x20);
      for (let i = 0; i < FLOOD; i++)
        await publisher.publishAsync(i % 2 ? own : fleet, Buffer.concat([Buffer.from(`flood ${i} `), filler]), {
          qos: 1,
        });
      await publisher.publishAsync(fleet, Buffer.from('last fleet'), { qos: 1 });
      await publisher.publishAsync(own, Buffer.from('last own'), { qos: 1 });
      await allArrived;
      release();
      await lastHandled;
      await receiver.stop();
    } finally {
      await publisher.publishAsync(own, Buffer.alloc(0), { qos: 1, retain: true });
      await publisher.endAsync();
    }
    expect(handled).toEqual([
      `mqtt ${prefix}/press-3/config first`,
      `mqtt ${prefix}/config last fleet`,
      `mqtt ${prefix}/press-3/config last own`,
    ]);
    expect(log.at(40).filter((m) => m.includes('passed over'))).toEqual([
      `remote configuration: ${FLOOD / 2} messages on ${prefix}/config passed over for a newer one that came while another was handled (only the newest waits, as the broker retains only the newest)`,
      `remote configuration: ${FLOOD / 2} messages on ${prefix}/press-3/config passed over for a newer one that came while another was handled (only the newest waits, as the broker retains only the newest)`,
    ]);
  }, 60_000);
});
