/** Alarm actions against real servers: MQTT (mosquitto) and an OPC UA write on the simulator. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { suiteServer } from '../helpers/suite-server.js';
import { createAlarmAction } from '../../src/registry/runtime.js';
import { anomalyEvent } from '../../src/testing/alarm-events.js';
import { startMosquitto } from '../../src/testing/mosquitto.js';
import { alarmActionSchema, opcuaSourceSchema } from '../../src/config/schema.js';
import type { AlarmEvent } from '../../src/core/types.js';
import { LineSimulator } from '../../src/sim/line-simulator.js';
import { startSimOpcuaServer } from '../../src/sim/opcua-server.js';
import { OpcuaSource } from '../../src/sources/opcua/opcua-source.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';

const broker = suiteServer(startMosquitto);

describe('mqtt_publish action', () => {
  it('publishes each transition as JSON on its topic, and delivers after the broker comes back', async () => {
    const subscriber = await mqtt.connectAsync(broker().url);
    await subscriber.subscribeAsync('plant/alarms/#', { qos: 1 });
    const received: { topic: string; state: string }[] = [];
    subscriber.on('message', (topic, payload) =>
      received.push({ topic, state: (JSON.parse(payload.toString()) as AlarmEvent).state }),
    );
    const action = createAlarmAction(
      'pump-1',
      alarmActionSchema.parse({
        type: 'mqtt_publish',
        url: broker().url,
        topic: 'plant/alarms/{asset}/{state}',
        retain: true,
        retry_initial_ms: 200,
        max_attempts: 20,
        timeout_ms: 1000,
      }),
      0,
      { logger: silentLogger(), metrics: new GatewayMetrics(), writers: new Map() },
    );
    action.dispatch(anomalyEvent('unack_active'));
    await action.idle();
    // Broker down: the next transition is retried until it is back (retained, so the new subscriber
    // gets it whether it subscribes before or after the retry lands).
    await subscriber.endAsync();
    await broker().pause();
    action.dispatch(anomalyEvent('ack_active'));
    await broker().resume();
    const again = await mqtt.connectAsync(broker().url);
    await again.subscribeAsync('plant/alarms/#', { qos: 1 });
    again.on('message', (topic, payload) =>
      received.push({ topic, state: (JSON.parse(payload.toString()) as AlarmEvent).state }),
    );
    await action.idle();
    while (!received.some((r) => r.state === 'ack_active')) await new Promise((r) => again.once('message', r));
    await again.endAsync();
    // Retained messages survive the broker's restart, so the new subscriber may see the first again.
    expect(new Set(received.map((r) => `${r.topic} ${r.state}`))).toEqual(
      new Set(['plant/alarms/pump-1/unack_active unack_active', 'plant/alarms/pump-1/ack_active ack_active']),
    );
    expect(received[0]).toEqual({ topic: 'plant/alarms/pump-1/unack_active', state: 'unack_active' });
    expect(action.status()).toMatchObject({ succeeded: 2, failed: 0 });
  });
});

describe('opcua_write action', () => {
  it('switches a writable node on the PLC while the alarm is active, off when normal', async () => {
    const sim = new LineSimulator({ seed: 4 });
    const server = await startSimOpcuaServer(sim, { port: 0, pkiDir: mkdtempSync(join(tmpdir(), 'lw-ua-pki-')) });
    const source = new OpcuaSource(
      opcuaSourceSchema.parse({
        name: 'ua',
        type: 'opcua',
        endpoint: server.endpointUrl,
        asset: 'pump-1',
        publishing_interval_ms: 200,
        pki_dir: mkdtempSync(join(tmpdir(), 'lw-ua-client-')),
        nodes: [{ channel: 'flow', node_id: 'nsu=urn:linewatch:sim;s=Pump1.flow' }],
      }),
      { logger: silentLogger(), metrics: new GatewayMetrics() },
    );
    const connected = new Promise<void>((resolve) => void source.start(() => resolve()));
    await connected;
    const action = createAlarmAction(
      'pump-1',
      alarmActionSchema.parse({
        type: 'opcua_write',
        source: 'ua',
        node_id: 'nsu=urn:linewatch:sim;s=Pump1.alarm_lamp',
      }),
      0,
      {
        logger: silentLogger(),
        metrics: new GatewayMetrics(),
        writers: new Map([['ua', source]]),
      },
    );
    action.dispatch(anomalyEvent('unack_active'));
    await action.idle();
    expect(sim.outputs.get('alarm_lamp')).toBe(true);
    action.dispatch(anomalyEvent('normal'));
    await action.idle();
    expect(sim.outputs.get('alarm_lamp')).toBe(false);
    expect(action.status()).toMatchObject({ succeeded: 2, failed: 0 });
    await source.stop();
    await server.close();
  });
});
