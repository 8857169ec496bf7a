/**
 * Adversarial review r2 (s32): a broker that says a tiny Maximum Packet Size in its MQTT 5 CONNACK (mosquitto
 * max_packet_size 300: a misconfiguration, a figure meant in kilobytes, or a hostile broker) made the cloud sync set
 * aside every queued message, one after the other, as each was over it: the whole durable queue emptied at the first
 * connect, each message written whole to the log. Now a limit under MIN_SET_ASIDE_LIMIT_BYTES (no cloud message is
 * sure to fit it) sets nothing aside: the messages that fit go, the first that does not waits with those behind it,
 * said once, and shown in /api/status (the cloud sink's `packetLimit.held`) while it holds. A real mosquitto.
 */
import { describe, expect, it } from 'vitest';
import { MemoryQueue } from '../../src/buffer/memory-queue.js';
import { SinkWatch } from '../../src/runtime/sink-watch.js';
import { MqttSync } from '../../src/sync/mqtt-sync.js';
import { mqttSyncSchema } from '../../src/sync/schema.js';
import { startMosquitto } from '../../src/testing/mosquitto.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';
import { anomalyEvent } from '../../src/testing/alarm-events.js';
import { logLines } from '../helpers/log-lines.js';
import { suiteServer } from '../helpers/suite-server.js';

const LIMIT = 300;
const broker = suiteServer(() => startMosquitto({ maxPacketBytes: LIMIT }));

describe('cloud sync: a broker whose packet limit no cloud message fits (MQTT 5)', () => {
  it('keeps the queue: nothing set aside, said once', async () => {
    const log = logLines('info');
    const metrics = new GatewayMetrics();
    const queue = new MemoryQueue(1 << 20);
    const sync = new MqttSync(
      mqttSyncSchema.parse({ url: broker().url, publish_timeout_ms: 2000, protocol_version: 5 }),
      { gateway: 'gw-tiny', site: 's', line: 'l', version: '0', models: () => [] },
      { logger: log.logger, metrics, queue, now: () => 1_000 },
    );
    try {
      const alarms = Array.from({ length: 20 }, (_, i) => anomalyEvent('unack_active', { ts: i + 1 }));
      sync.write({ samples: [], scores: [], alarms });
      await sync.start();
      const said = await log.next(/packet limit|set aside/);
      expect(said).toMatchObject({ level: 50, limit: LIMIT });
      expect(said.msg).toMatch(
        new RegExp(
          `^cloud broker ${broker().url}: its packet limit, ${LIMIT} bytes \\(its CONNACK's Maximum Packet Size; ` +
            'mosquitto: max_packet_size\\), is under 1024 bytes, which no cloud message is sure to fit: the message on ' +
            'linewatch/gw-tiny/alarm/pump-1 \\(\\d+ bytes as a publish packet\\) and the 19 queued behind it wait, ' +
            "nothing set aside; raise the broker's limit$",
        ),
      );
      await sync.flush();
      expect(queue.stats().records).toBe(20);
      expect(log.lines.filter((l) => /set aside so/.test(l.msg))).toEqual([]);
      expect((await metrics.sinkDroppedPoints.get()).values).toEqual([]);
      // Said once, however often the queue is pumped.
      await sync.flush();
      expect(log.lines.filter((l) => /packet limit/.test(l.msg))).toHaveLength(1);
      // And in /api/status (the cloud sink's packetLimit) for as long as it holds: the log line scrolls away.
      const status = new SinkWatch(sync, undefined, metrics, () => 0).status();
      expect(status.packetLimit).toEqual({
        limit: LIMIT,
        setAside: 0,
        held: { topic: 'linewatch/gw-tiny/alarm/pump-1', bytes: said.bytes, since: 1_000 },
      });
    } finally {
      await sync.close();
    }
  });
});
