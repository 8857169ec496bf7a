/** An MQTT source started on a test broker, with its batches kept and a publisher of the test's own. */
import { EventEmitter } from 'node:events';
import mqtt from 'mqtt';
import type { Sample } from '../../src/core/types.js';
import { MqttSource } from '../../src/sources/mqtt/mqtt-source.js';
import type { MqttSourceConfig } from '../../src/sources/mqtt/schema.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';
import type { LogLines } from './log-lines.js';

/**
 * The source of `config` started, logging to `log` with the clock `now`: its batches (`seen` emits 'batch' at each), a
 * publisher connected to its broker; resolves once the source subscribed. Both are closed by `cleanups`.
 */
export async function startedMqttSource(
  config: MqttSourceConfig,
  log: LogLines,
  now: () => number,
  cleanups: (() => Promise<unknown>)[],
) {
  const source = new MqttSource(config, { logger: log.logger, metrics: new GatewayMetrics(), now });
  const batches: Sample[][] = [];
  const seen = new EventEmitter();
  await source.start((batch) => {
    batches.push([...batch]);
    seen.emit('batch');
  });
  cleanups.push(() => source.stop());
  const publisher = await mqtt.connectAsync(config.url, { reconnectPeriod: 0 });
  cleanups.push(() => publisher.endAsync(true));
  await log.next(/: subscribed to /);
  return { source, batches, seen, publisher };
}
