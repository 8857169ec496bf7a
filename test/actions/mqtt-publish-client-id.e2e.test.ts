/**
 * Regression: the mqtt_publish action's default client id was `linewatch-action-<name>-<pid>`. Two gateways with the
 * same configuration in containers both run as pid 1, so both used one client id and the broker dropped one's
 * connection whenever both published at once (an alarm on a line mirrored to two gateways). Now the default ends in a
 * part drawn once per action when the gateway starts: two gateways (here two actions made from one configuration in
 * one process, as two pid-1 processes would be) connect under two ids, as the broker's log shows.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { suiteServer } from '../helpers/suite-server.js';
import { alarmActionSchema } from '../../src/config/schema.js';
import { createAlarmAction } from '../../src/registry/runtime.js';
import { anomalyEvent } from '../../src/testing/alarm-events.js';
import { startMosquitto } from '../../src/testing/mosquitto.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';

const mosquitto = suiteServer(() => startMosquitto({ connectionLog: true }));

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('mqtt_publish action: the default client id', () => {
  it('differs between two gateways running one configuration, and names the action', async () => {
    const config = alarmActionSchema.parse({
      type: 'mqtt_publish',
      url: mosquitto().url,
      topic: 'plant/alarms/{asset}',
      max_attempts: 1,
      timeout_ms: 2000,
    });
    const deps = () => ({ logger: silentLogger(), metrics: new GatewayMetrics(), writers: new Map() });
    const gateways = [createAlarmAction('pump-1', config, 0, deps()), createAlarmAction('pump-1', config, 0, deps())];
    for (const action of gateways) {
      action.dispatch(anomalyEvent('unack_active'));
      await action.idle();
      expect(action.status()).toMatchObject({ succeeded: 1, failed: 0 });
    }
    const ids = (await mosquitto().connectedLevels())
      .map((c) => c.clientId)
      .filter((id) => id.startsWith('linewatch-action-'));
    expect(ids).toHaveLength(2);
    expect(ids[0]).toMatch(/^linewatch-action-pump-1-mqtt_publish-0-[0-9a-f]{8}$/);
    expect(ids[1]).toMatch(/^linewatch-action-pump-1-mqtt_publish-0-[0-9a-f]{8}$/);
    expect(ids[0]).not.toBe(ids[1]);
  }, 30_000);
});
