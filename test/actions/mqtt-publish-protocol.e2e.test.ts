/**
 * Regression: the mqtt_publish alarm action connected with MQTT 3.1.1 whatever the gateway's other MQTT clients spoke
 * (cloud sync, the MQTT source, `model publish`: MQTT 5 by default), and had no setting for it. Now it speaks MQTT 5 by
 * default, or 3.1.1 with `protocol_version: 4`, and a broker without MQTT 5 fails it with the hint the others give,
 * naming the action's own setting by its place in the configuration. Delivery is checked on a real mosquitto (its log
 * says which version each client spoke); the refusals on the fault-injection broker (test/helpers/oversize-broker.ts,
 * `floods: 0`: it sends nothing over the bound), since mosquitto 2 takes every version.
 */
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { startOversizeBroker, type OversizeBroker } from '../helpers/oversize-broker.js';
import { suiteServer } from '../helpers/suite-server.js';
import type { AlarmAction } from '../../src/actions/alarm-action.js';
import { alarmActionSchema, assetSchema } from '../../src/config/schema.js';
import type { LoadedConfig } from '../../src/config/load.js';
import { createAlarmAction } from '../../src/registry/runtime.js';
import { addGatewayActions, type GatewayActions } from '../../src/runtime/gateway-actions.js';
import { anomalyEvent } from '../../src/testing/alarm-events.js';
import { startMosquitto } from '../../src/testing/mosquitto.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';

const mosquitto = suiteServer(() => startMosquitto({ connectionLog: true }));

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const deps = () => ({ logger: silentLogger(), metrics: new GatewayMetrics(), writers: new Map() });

/** An mqtt_publish action of pump-1 to `url`, tried once, with `settings` added. */
function publisher(url: string, settings: Record<string, unknown>, where?: string): AlarmAction {
  const config = alarmActionSchema.parse({ type: 'mqtt_publish', url, max_attempts: 1, timeout_ms: 2000, ...settings });
  return createAlarmAction('pump-1', config, 0, deps(), where);
}

/** A fault-injection broker that speaks `speaks` only, answering another version's CONNECT as `unspoken` says. */
async function brokerSpeaking(
  speaks: number[],
  unspoken: 'connack1' | 'close' | 'reset' = 'connack1',
): Promise<OversizeBroker> {
  const broker = await startOversizeBroker({ topic: 'unused', after: 'publish', floods: 0, speaks, unspoken });
  cleanups.push(() => broker.close());
  return broker;
}

describe('mqtt_publish action and the MQTT version', () => {
  it('delivers with MQTT 5 by default, and with 3.1.1 given protocol_version 4, as mosquitto logs them', async () => {
    const subscriber = await mqtt.connectAsync(mosquitto().url);
    cleanups.push(() => subscriber.endAsync());
    await subscriber.subscribeAsync('plant/alarms/#', { qos: 1 });
    const received: string[] = [];
    subscriber.on('message', (topic) => received.push(topic));
    for (const [id, settings] of [
      ['act-default', {}],
      ['act-v4', { protocol_version: 4 }],
      ['act-v5', { protocol_version: 5 }],
    ] as const) {
      const action = publisher(mosquitto().url, { client_id: id, topic: `plant/alarms/${id}`, ...settings });
      action.dispatch(anomalyEvent('unack_active'));
      await action.idle();
      expect([id, action.status()]).toMatchObject([id, { succeeded: 1, failed: 0 }]);
    }
    // QoS 1 from the broker to the subscriber: the third has come once a PUBLISH after it has.
    await subscriber.publishAsync('plant/alarms/end', 'x', { qos: 1 });
    while (!received.includes('plant/alarms/end')) await new Promise((r) => subscriber.once('message', r));
    expect(received).toEqual([
      'plant/alarms/act-default',
      'plant/alarms/act-v4',
      'plant/alarms/act-v5',
      'plant/alarms/end',
    ]);
    const levels = (await mosquitto().connectedLevels()).filter((c) => c.clientId.startsWith('act-'));
    expect(levels).toEqual([
      { clientId: 'act-default', level: 5 },
      { clientId: 'act-v4', level: 4 },
      { clientId: 'act-v5', level: 5 },
    ]);
  }, 30_000);

  const where = 'assets[2].alarm.actions[1]';
  it.each([
    [
      'refuses the version',
      'connack1',
      `Connection refused: Unacceptable protocol version (the broker does not speak MQTT 5: set ${where}.protocol_version: 4)`,
    ],
    [
      'closes the connection',
      'close',
      `the broker closed the connection before accepting it (no CONNACK): a broker without MQTT 5 closes it so; set ${where}.protocol_version: 4 if it does not speak MQTT 5`,
    ],
    [
      'resets the connection',
      'reset',
      `read ECONNRESET (the broker reset the connection before accepting it, no CONNACK: a broker without MQTT 5 resets it so; set ${where}.protocol_version: 4 if it does not speak MQTT 5)`,
    ],
  ] as const)(
    "a broker without MQTT 5 that %s: the error names the action's protocol_version, and 4 delivers",
    async (_, unspoken, error) => {
      const broker = await brokerSpeaking([4], unspoken);
      const refused = publisher(broker.url, { name: 'horn', topic: 'plant/horn' }, where);
      refused.dispatch(anomalyEvent('unack_active'));
      await refused.idle();
      expect(refused.status()).toEqual({
        name: 'horn',
        where,
        type: 'mqtt_publish',
        succeeded: 0,
        failed: 1,
        pending: 0,
        lastError: `action horn (${where}): publish plant/horn on ${broker.url} for pump-1/anomaly → unack_active: ${error}`,
        lastErrorAt: expect.any(Number),
      });
      const v4 = publisher(broker.url, { name: 'horn', topic: 'plant/horn', protocol_version: 4 }, where);
      v4.dispatch(anomalyEvent('unack_active'));
      await v4.idle();
      expect(v4.status()).toMatchObject({ succeeded: 1, failed: 0 });
      expect(broker.accepted).toEqual([4]);
    },
    30_000,
  );

  it('the gateway names each action by its place: an alarm action and a part action of the second asset', async () => {
    const broker = await brokerSpeaking([4]);
    const action = { type: 'mqtt_publish', url: broker.url, max_attempts: 1, timeout_ms: 2000 };
    const asset = (name: string, more: object) => assetSchema.parse({ name, model: 'models/pump-ae', ...more });
    // What addGatewayActions reads of a loaded configuration: its sources and assets.
    const loaded = {
      config: {
        sources: [],
        assets: [
          asset('pump-1', {}),
          asset('press-1', {
            alarm: {
              actions: [
                { ...action, topic: 'a/0', protocol_version: 4 },
                { ...action, topic: 'a/1' },
              ],
            },
            part_actions: [{ ...action, topic: 'p/0' }],
          }),
        ],
      },
    } as unknown as LoadedConfig;
    const into: GatewayActions = { actions: [], partActions: [], outputs: [] };
    addGatewayActions(into, loaded, [], deps());
    const [, second] = into.actions;
    second!.dispatch(anomalyEvent('unack_active', { asset: 'press-1' }));
    const [part] = into.partActions;
    part!.dispatchPart({
      asset: 'press-1',
      partId: 'P7',
      ts: Date.now(),
      verdict: 'fail',
      topChannels: [],
      model: 'm',
    });
    await Promise.all([second!.idle(), part!.idle()]);
    expect(second!.status().lastError).toBe(
      `action press-1-mqtt_publish-1 (assets[1].alarm.actions[1]): publish a/1 on ${broker.url} for press-1/anomaly → unack_active: Connection ` +
        'refused: Unacceptable protocol version (the broker does not speak MQTT 5: set ' +
        'assets[1].alarm.actions[1].protocol_version: 4)',
    );
    expect(part!.status().lastError).toBe(
      `action press-1-part-mqtt_publish-0 (assets[1].part_actions[0]): publish p/0 on ${broker.url} for press-1 part P7 fail: Connection ` +
        'refused: Unacceptable protocol version (the broker does not speak MQTT 5: set ' +
        'assets[1].part_actions[0].protocol_version: 4)',
    );
  }, 30_000);
});
