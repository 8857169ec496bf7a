/**
 * A remote configuration's probation on its sources, end to end: a gateway (runWithRemoteConfig, the real startDaemon)
 * polls a real Modbus TCP PLC (register-plc) and takes signed configurations on a real mosquitto. One that points the
 * source at a port where nothing listens starts, and is rolled back once its probation (probation_s: 2) passes without
 * a good sample from it; one that keeps the source on the PLC is confirmed. Outcomes are read where the cloud reads
 * them, on <prefix>/<gateway>/config/outcome, and counted on /metrics (linewatch_remote_config_total).
 */
import type { KeyObject } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load.js';
import { freePort } from '../../src/core/free-port.js';
import { signConfigMessage, type ConfigBody } from '../../src/remote-config/message.js';
import { runWithRemoteConfig, type RemoteConfigRun } from '../../src/remote-config/runner.js';
import { RUNNING_FILE, STATE_FOLDER } from '../../src/remote-config/store.js';
import { configTopic } from '../../src/remote-config/topics.js';
import { generateKeys, readPrivateKey } from '../../src/sync/release.js';
import { startMosquitto, type Mosquitto } from '../../src/testing/mosquitto.js';
import { lintExposition } from '../helpers/promlint.js';
import { startRegisterPlc, type RegisterPlc } from '../helpers/register-plc.js';
import { pumpYaml, writeLocalGateway } from '../helpers/remote-config-files.js';
import { logLines } from '../helpers/log-lines.js';

let broker: Mosquitto;
let plc: RegisterPlc;
let deadPort: number;
beforeAll(async () => {
  broker = await startMosquitto();
  plc = await startRegisterPlc(new Map(Array.from({ length: 14 }, (_, i) => [i, 0x3f80 * (i % 2 === 0 ? 1 : 0)])));
  deadPort = await freePort(); // nothing listens here
});
afterAll(async () => {
  await plc.close();
  await broker.stop();
});

let dir: string;
let key: KeyObject;
let run: RemoteConfigRun | undefined;
let prefix: string;
let watcher: mqtt.MqttClient | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lw-remote-probation-'));
  prefix = `lw${(await freePort()).toString()}`;
  const keys = await generateKeys(join(dir, 'keys'));
  key = await readPrivateKey(keys.privatePath);
});

/** Writes the local file (its source on the PLC, the probation `seconds` long). */
const writeLocal = (seconds: number) =>
  writeLocalGateway(dir, {
    mqtt: `url: ${broker.url}, topic_prefix: ${prefix}, publish_health: false`,
    publicKey: 'keys/release-signing.pub.pem',
    port: plc.port,
    remoteConfig: `probation_s: ${seconds.toString()}`,
  });

afterEach(async () => {
  await run?.stop();
  run = undefined;
  await watcher?.endAsync();
  watcher = undefined;
});

/** Reads the outcomes the gateway publishes from now on, each in turn (next). */
async function outcomes(): Promise<{ next: () => Promise<Record<string, unknown>> }> {
  const client = await mqtt.connectAsync(broker.url);
  watcher = client;
  const seen: Record<string, unknown>[] = [];
  const waiting: ((o: Record<string, unknown>) => void)[] = [];
  client.on('message', (_t, payload, packet) => {
    if (packet.retain) return;
    const outcome = JSON.parse(payload.toString()) as Record<string, unknown>;
    const wake = waiting.shift();
    if (wake) wake(outcome);
    else seen.push(outcome);
  });
  await client.subscribeAsync(`${prefix}/press-3/config/outcome`, { qos: 1 });
  return {
    next: () => {
      const first = seen.shift();
      return first ? Promise.resolve(first) : new Promise((resolve) => waiting.push(resolve));
    },
  };
}

const publish = async (body: ConfigBody) => {
  await watcher!.publishAsync(configTopic(prefix, 'press-3'), signConfigMessage(body, key), { qos: 1, retain: true });
};

/** Resolves at the next good sample of source plc in the gateway `r` runs now. */
const goodSample = (r: RemoteConfigRun) =>
  new Promise<void>((resolve) => {
    const off = r.daemon().gateway.events.subscribe('samples', (batch) => {
      if (batch.some((s) => s.source === 'plc' && s.quality === 'good')) {
        off();
        resolve();
      }
    });
  });

/** Starts the gateway of a local file with a probation `seconds` long; resolves once its source gave a good sample. */
async function startGateway(seconds: number): Promise<RemoteConfigRun> {
  await writeLocal(seconds);
  const started = await runWithRemoteConfig(await loadConfigFile(join(dir, 'gateway.yaml')), {
    logger: logLines('info').logger,
  });
  await goodSample(started);
  return started;
}

const sourceStatus = (r: RemoteConfigRun) => r.daemon().gateway.status().sources;

describe('a remote configuration on probation on its sources', () => {
  it('rolls back one whose source gives no good sample within its probation, naming the source and its error', async () => {
    const seen = await outcomes();
    run = await startGateway(2);
    await publish({ sequence: 2, target: 'press-3', yaml: pumpYaml({ port: deadPort }) });
    expect(await seen.next()).toMatchObject({ outcome: 'applied', sequence: 2 });
    const rolledBack = await seen.next();
    expect(rolledBack).toMatchObject({ outcome: 'rolled_back', sequence: 2, code: 'probation_failed' });
    expect(rolledBack.reason).toContain(
      `(sequence 2): no good sample within its 2 s probation from plc (device plc (127.0.0.1:${deadPort.toString()}, unit 1): connect: ECONNREFUSED`,
    );
    expect(rolledBack.reason).toContain('which gave good samples under the configuration before');
    expect(run.status()).toMatchObject({ runningSequence: null, last: { code: 'probation_failed' } });
    // The local file runs again: its source gives good samples from the PLC.
    await goodSample(run);
    await expect(readFile(join(dir, 'data', STATE_FOLDER, RUNNING_FILE))).rejects.toThrow(/ENOENT/);
    // Counted across the restarts: the gateway running now is the third this process started.
    const metrics = await (await fetch(`http://127.0.0.1:${run.daemon().http!.port}/metrics`)).text();
    const counted = metrics.split('\n').filter((l) => l.startsWith('linewatch_remote_config_total{'));
    expect(counted.sort()).toEqual([
      'linewatch_remote_config_total{outcome="applied",code=""} 1',
      'linewatch_remote_config_total{outcome="rolled_back",code="probation_failed"} 1',
    ]);
    const problems = lintExposition(metrics); // the three nodejs_active_* gauges aside (docs/metrics.md)
    expect(problems.filter((p) => !p.startsWith('nodejs_active_'))).toEqual([]);
  });

  it('confirms one whose sources give good samples, and keeps it', async () => {
    const seen = await outcomes();
    run = await startGateway(60); // confirmed at the first good sample, long before
    await publish({
      sequence: 2,
      target: 'press-3',
      yaml: pumpYaml({ port: plc.port, extra: 'gateway: { site: b }' }),
    });
    expect(await seen.next()).toMatchObject({ outcome: 'applied', sequence: 2 });
    expect(await seen.next()).toMatchObject({ outcome: 'confirmed', sequence: 2, reason: 'plc gave good samples' });
    expect(run.status().runningSequence).toBe(2);
    expect(sourceStatus(run)).toMatchObject([{ name: 'plc', connected: true }]);
    expect(await readFile(join(dir, 'data', STATE_FOLDER, RUNNING_FILE), 'utf8')).toContain('site: b');
  });

  it('does not judge a source the configuration before never reached: confirmed at once', async () => {
    const seen = await outcomes();
    run = await startGateway(60); // confirmed at the first good sample, long before
    await publish({ sequence: 2, target: 'press-3', yaml: pumpYaml({ source: 'plc-new', port: deadPort }) });
    expect(await seen.next()).toMatchObject({ outcome: 'applied', sequence: 2 });
    expect(await seen.next()).toMatchObject({
      outcome: 'confirmed',
      sequence: 2,
      reason: 'no source gave a good sample under the configuration before: none judged',
    });
    expect(run.status().runningSequence).toBe(2);
  });
});
