/**
 * The cloud sync when its disk queue fails at run time (issue: "a failed DELETE of an accepted
 * batch crashes the daemon": the pump's rejection escaped `void this.pump()` and Node exited 1).
 * Real mosquitto, real SQLite queue files; the disk faults are injected into the file from a
 * second connection (test/helpers/sqlite-fault.ts). The failure is logged with the file, counted,
 * retried with backoff, and nothing queued is lost; the gateway around it keeps scoring.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { SqliteQueue } from '../../src/buffer/sqlite-queue.js';
import { loadConfigFile } from '../../src/config/load.js';
import { mqttSyncSchema } from '../../src/config/schema.js';
import { startDaemon } from '../../src/daemon/daemon.js';
import { runSimulator } from '../../src/sim/run-simulator.js';
import { MqttSync } from '../../src/sync/mqtt-sync.js';
import { anomalyEvent } from '../../src/testing/alarm-events.js';
import { startMosquitto } from '../../src/testing/mosquitto.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';
import { ROOT } from '../helpers/cli.js';
import { nextEvent } from '../helpers/gateway-events.js';
import { logLines } from '../helpers/log-lines.js';
import { INJECTED, sqliteFault } from '../helpers/sqlite-fault.js';
import { suiteServer } from '../helpers/suite-server.js';

const broker = suiteServer(startMosquitto);
const identity = { gateway: 'gw-q', site: 's', line: 'l', version: '0.1.0', models: () => [] };
const queuePath = () => join(mkdtempSync(join(tmpdir(), 'lw-cloud-fail-')), 'cloud.queue.db');

/** A consumer of gw-q's alarm messages; `ids` fills as they arrive, `count(n)` waits for n. */
async function alarmConsumer(clientId: string) {
  const client = await mqtt.connectAsync(broker().url, { clientId });
  await client.subscribeAsync('linewatch/gw-q/#', { qos: 1 });
  const ids: string[] = [];
  let online = false;
  client.on('message', (topic, payload) => {
    const msg = JSON.parse(payload.toString()) as { id?: string; state?: string };
    if (topic.endsWith('/status')) online ||= msg.state === 'online';
    else if (topic.includes('/alarm/')) ids.push(String(msg.id));
  });
  const until = async (done: () => boolean) => {
    while (!done()) await new Promise((r) => client.once('message', r));
  };
  return { client, ids, online: () => until(() => online), count: (n: number) => until(() => ids.length >= n) };
}

function cloudSync(queue: SqliteQueue) {
  const log = logLines();
  const metrics = new GatewayMetrics();
  const clock = { now: Date.now() };
  const sync = new MqttSync(mqttSyncSchema.parse({ url: broker().url, health_interval_ms: 0 }), identity, {
    logger: log.logger,
    metrics,
    queue,
    now: () => clock.now,
  });
  const queueErrors = async () =>
    (await metrics.registry.getSingleMetricAsString('linewatch_sink_write_errors_total'))
      .split('\n')
      .find((l) => l.includes('kind="queue"'));
  return { sync, log, clock, queueErrors };
}

describe('cloud sync with a disk queue that fails at run time', () => {
  it('a delivered batch whose delete fails is kept, logged with the file, counted, and sent again after the backoff', async () => {
    const consumer = await alarmConsumer('consumer-delete-fails');
    const path = queuePath();
    const queue = new SqliteQueue({ path, maxBytes: 1 << 20 });
    const { sync, log, clock, queueErrors } = cloudSync(queue);
    await sync.start();
    await consumer.online();
    const fault = sqliteFault(path).failDeletes();
    const event = anomalyEvent('unack_active');
    sync.write({ samples: [], scores: [], alarms: [event] });
    await sync.flush(); // rejected before the fix: QueueStateError out of the pump, Node exited 1
    await consumer.count(1);
    expect(queue.stats().records).toBe(1);
    expect(await queueErrors()).toBe('linewatch_sink_write_errors_total{sink="cloud-mqtt",kind="queue"} 1');
    expect(log.lines.filter((l) => l.level === 50)).toEqual([
      expect.objectContaining({
        path,
        msg: `sink cloud-mqtt: queue file ${path}: removing a delivered batch failed: ${INJECTED}; what is queued stays queued, retrying with backoff`,
      }),
    ]);
    await sync.flush(); // inside the backoff: the queue is left alone
    expect(await queueErrors()).toMatch(/\} 1$/);
    fault.heal();
    clock.now += 120_000;
    await sync.flush();
    expect(queue.stats().records).toBe(0);
    await consumer.count(2); // sent again: the same id twice, which consumers drop
    expect(consumer.ids).toEqual(Array(2).fill(`gw-q/pump-1/anomaly/${event.ts}/unack_active`));
    expect(log.at(30)).toContain('sink cloud-mqtt: its queue works again');
    await sync.close();
    await consumer.client.endAsync();
  });

  it('a queue that cannot be read when the broker connects: logged, and what it holds is sent once it can', async () => {
    const consumer = await alarmConsumer('consumer-read-fails');
    const path = queuePath();
    const queue = new SqliteQueue({ path, maxBytes: 1 << 20 });
    const { sync, log, clock, queueErrors } = cloudSync(queue);
    const event = anomalyEvent('unack_active');
    sync.write({ samples: [], scores: [], alarms: [event] }); // queued before the broker is there
    const fault = sqliteFault(path).hideTable();
    await sync.start(); // connects, and the pump's first take fails
    await consumer.online();
    await sync.flush(); // rejected before the fix
    expect(await queueErrors()).toBe('linewatch_sink_write_errors_total{sink="cloud-mqtt",kind="queue"} 1');
    expect(log.at(50)).toEqual([
      `sink cloud-mqtt: queue file ${path}: reading the oldest items failed: no such table: queue; what is queued stays queued, retrying with backoff`,
    ]);
    fault.heal();
    clock.now += 120_000;
    await sync.flush();
    await consumer.count(1);
    expect(consumer.ids).toEqual([`gw-q/pump-1/anomaly/${event.ts}/unack_active`]);
    await sync.close();
    await consumer.client.endAsync();
  });
});

describe('the gateway with a cloud queue that fails at run time', () => {
  it('keeps scoring while the queue fails, and the sync sends again once the file works', async () => {
    const sim = await runSimulator({ modbusPort: 0, seed: 4 });
    const path = queuePath();
    const loaded = await loadConfigFile(join(ROOT, 'config/demo.yaml'), {
      LINEWATCH_DEMO_MODBUS_PORT: String(sim.modbusPort),
      LINEWATCH_HTTP_PORT: '0',
    });
    loaded.config.storage.local = undefined;
    // The gateway's health point every 200 ms: the sync pumps and accepts all the time.
    loaded.config.cloud.mqtt = mqttSyncSchema.parse({
      url: broker().url,
      health_interval_ms: 200,
      buffer: { type: 'disk', path },
    });
    const log = logLines('info');
    const daemon = await startDaemon(loaded, log.logger);
    try {
      await nextEvent(daemon.gateway.events, 'scores');
      const fault = sqliteFault(path).failDeletes();
      await log.next(/^sink cloud-mqtt: queue file .* removing a delivered batch failed/);
      await nextEvent(daemon.gateway.events, 'scores'); // still scoring
      const metrics = await (await fetch(`http://127.0.0.1:${daemon.http!.port}/metrics`)).text();
      expect(metrics).toMatch(/^linewatch_sink_write_errors_total\{sink="cloud-mqtt",kind="queue"\} [1-9]\d*$/m);
      fault.heal();
      await log.next(/^sink cloud-mqtt: its queue works again$/);
      await nextEvent(daemon.gateway.events, 'scores');
    } finally {
      await daemon.stop();
      await sim.close();
    }
  }, 60_000);
});
