/**
 * The mqtt_publish alarm action over TLS with a client certificate, through the gateway: the
 * simulator's pump with a rotor imbalance raises the anomaly alarm, and its actions publish to a
 * mosquitto that has a private CA and requires client certificates (the config names the PEM
 * files relative to itself). One action trusts the broker's CA and is delivered to a subscriber
 * (over TLS too); the other trusts another CA, fails with a logged error naming the action and
 * the broker, and changes nothing else: the alarm stays raised, the first action delivered, the
 * gateway scoring.
 */
import { EventEmitter, once } from 'node:events';
import { copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { starterConfig } from '../../src/cli/starter-config.js';
import { loadConfigFile } from '../../src/config/load.js';
import type { ActionStatus } from '../../src/actions/alarm-action.js';
import type { AlarmEvent } from '../../src/core/types.js';
import { startDaemon, type Daemon } from '../../src/daemon/daemon.js';
import { runSimulator, type RunningSimulator } from '../../src/sim/run-simulator.js';
import { makeTestCa, startMosquitto, type Mosquitto } from '../../src/testing/mosquitto.js';
import { createLogger } from '../../src/telemetry/logger.js';
import { nextEvent } from '../helpers/gateway-events.js';

let broker: Mosquitto;
let sim: RunningSimulator;
let daemon: Daemon;
let subscriber: mqtt.MqttClient;
let raised: AlarmEvent;
let dir: string;
const messages: { topic: string; payload: string }[] = [];
const logs: { level: number; msg: string; action?: string }[] = [];
const seen = new EventEmitter();

/** The first element `find` returns, checked again each time `next` resolves. */
async function until<T>(next: () => Promise<unknown>, find: () => T | undefined): Promise<T> {
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    await next();
  }
}

/** An action's status once it has nothing pending and has succeeded or given up (checked at each scoring run). */
function settled(name: string): Promise<ActionStatus> {
  return until(
    () => nextEvent(daemon.gateway.events, 'scores'),
    () => daemon.gateway.status().actions.find((a) => a.name === name && a.pending === 0 && a.succeeded + a.failed > 0),
  );
}

/**
 * The starter configuration of `linewatch init` (the simulator's pump, the shipped model) pointed at
 * the simulator, with two mqtt_publish actions on the pump's alarm, their PEM files relative to the config.
 */
function config(url: string): string {
  const c = parse(starterConfig()) as Record<string, any>;
  c.data_dir = dir;
  c.http = { enabled: false };
  c.storage = {};
  c.sources[0].port = sim.modbusPort;
  const action = {
    type: 'mqtt_publish',
    url,
    topic: 'plant/line-1/alarms/{asset}/{alarm}',
    cert_file: 'certs/client.pem',
    key_file: 'certs/client.key',
    on: ['unack_active'],
  };
  c.assets[0].alarm.actions = [
    { ...action, name: 'plant-broker', client_id: 'gateway-alarms', ca_file: 'certs/ca.pem' },
    { ...action, name: 'wrong-ca', ca_file: 'certs/other-ca.pem', max_attempts: 2, retry_initial_ms: 50 },
  ];
  return stringify(c);
}

beforeAll(async () => {
  broker = await startMosquitto({ tls: true });
  const tls = broker.tls!;
  sim = await runSimulator({ modbusPort: 0, seed: 3 });
  dir = await mkdtemp(join(tmpdir(), 'lw-mqtt-tls-action-'));
  await mkdir(join(dir, 'certs'));
  for (const [from, to] of [
    [tls.caFile, 'ca.pem'],
    [tls.clientCert, 'client.pem'],
    [tls.clientKey, 'client.key'],
  ])
    await copyFile(from, join(dir, 'certs', to));
  makeTestCa(join(dir, 'certs'), 'other-ca');

  subscriber = await mqtt.connectAsync(tls.url, {
    ca: await readFile(tls.caFile),
    cert: await readFile(tls.clientCert),
    key: await readFile(tls.clientKey),
  });
  await subscriber.subscribeAsync('plant/line-1/alarms/#', { qos: 1 });
  subscriber.on('message', (topic, payload) => {
    messages.push({ topic, payload: payload.toString() });
    seen.emit('message');
  });

  await writeFile(join(dir, 'linewatch.yaml'), config(tls.url));
  const loaded = await loadConfigFile(join(dir, 'linewatch.yaml'));
  const logger = createLogger('info', {
    write: (line: string) => {
      logs.push(JSON.parse(line));
      seen.emit('log');
    },
  } as unknown as NodeJS.WritableStream);
  daemon = await startDaemon(loaded, logger);
  const alarm = nextEvent(daemon.gateway.events, 'alarm');
  sim.sim.injectFault({ type: 'rotor_imbalance', severity: 0.8, ramp_s: 1 });
  raised = await alarm;
});

afterAll(async () => {
  await daemon?.stop();
  await subscriber?.endAsync();
  await sim?.close();
  await broker?.stop();
});

describe('mqtt_publish alarm action over TLS with a client certificate', () => {
  it('publishes the raised alarm to the private-CA broker; a TLS subscriber gets it on its topic', async () => {
    expect([raised.asset, raised.alarm, raised.state]).toEqual(['pump-1', 'anomaly', 'unack_active']);
    const message = await until(
      () => once(seen, 'message'),
      () => messages[0],
    );
    expect(message.topic).toBe('plant/line-1/alarms/pump-1/anomaly');
    expect(JSON.parse(message.payload)).toEqual(JSON.parse(JSON.stringify(raised)));
    expect(await settled('plant-broker')).toMatchObject({ succeeded: 1, failed: 0 });
  });

  it('with a CA that did not sign the broker, fails that action alone with a logged error naming it and the broker', async () => {
    const url = broker.tls!.url;
    const failure = await until(
      () => once(seen, 'log'),
      () => logs.find((l) => l.action === 'wrong-ca' && l.level === 50),
    );
    expect(failure.msg).toBe(
      `action wrong-ca (assets[0].alarm.actions[1]): publish plant/line-1/alarms/pump-1/anomaly on ${url} for pump-1/anomaly → unack_active: ` +
        `the broker's TLS certificate is not trusted: ca_file ${join(dir, 'certs/other-ca.pem')} holds no CA that signed it ` +
        `(self-signed certificate in certificate chain); gave up after 2 attempts`,
    );
    expect(await settled('wrong-ca')).toMatchObject({ succeeded: 0, failed: 1 });
    expect(await settled('plant-broker')).toMatchObject({ succeeded: 1, failed: 0 });
    expect(
      (
        await until(
          () => once(seen, 'message'),
          () => messages[0],
        )
      ).topic,
    ).toBe('plant/line-1/alarms/pump-1/anomaly');
    const status = daemon.gateway.status();
    expect(status.alarms.map((a) => [a.asset, a.state])).toEqual([['pump-1', 'unack_active']]);
    // The gateway goes on scoring after the failure.
    await nextEvent(daemon.gateway.events, 'scores');
    expect(daemon.gateway.status().state).toBe('running');
  });
});
