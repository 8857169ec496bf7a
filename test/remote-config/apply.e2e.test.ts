/**
 * Remote configuration end to end, in process: a gateway (runWithRemoteConfig, the real startDaemon) on a real
 * mosquitto takes signed configurations published retained on its topics, restarts with an accepted one, refuses a
 * bad one, and rolls back where the new one does not start (that start failure is injected: the one fake here). Each
 * outcome is read where the cloud reads it, on <prefix>/<gateway>/config/outcome, and in /api/status.
 */
import type { KeyObject } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load.js';
import { freePort } from '../../src/core/free-port.js';
import { startDaemon } from '../../src/daemon/daemon.js';
import type { RemoteConfigStatus } from '../../src/runtime/gateway.js';
import { signConfigMessage, type ConfigBody } from '../../src/remote-config/message.js';
import { runWithRemoteConfig, type RemoteConfigRun } from '../../src/remote-config/runner.js';
import { RUNNING_FILE, STATE_FOLDER } from '../../src/remote-config/store.js';
import { configTopic } from '../../src/remote-config/topics.js';
import { generateKeys, readPrivateKey } from '../../src/sync/release.js';
import { startMosquitto, type Mosquitto } from '../../src/testing/mosquitto.js';
import { pumpYaml, writeLocalGateway } from '../helpers/remote-config-files.js';
import { logLines, type LogLines } from '../helpers/log-lines.js';

let broker: Mosquitto;
let plcPort: number;
beforeAll(async () => {
  broker = await startMosquitto();
  plcPort = await freePort(); // nothing listens: the source retries, the gateway runs
});
afterAll(() => broker.stop());

/** A configuration whose Modbus source is named `source`, and `extra` at the top. */
const yaml = (source: string, extra = '') => pumpYaml({ source, port: plcPort, extra });

let dir: string;
let key: KeyObject;
let log: LogLines;
let run: RemoteConfigRun | undefined;
let prefix: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lw-remote-apply-'));
  prefix = `lw${(await freePort()).toString()}`; // a prefix of its own: no retained message of another test
  const keys = await generateKeys(join(dir, 'keys'));
  key = await readPrivateKey(keys.privatePath);
  await writeLocalGateway(dir, {
    mqtt: `url: ${broker.url}, topic_prefix: ${prefix}, publish_health: false`,
    publicKey: 'keys/release-signing.pub.pem',
    port: plcPort,
  });
  log = logLines('info');
});

afterEach(async () => {
  await run?.stop();
  run = undefined;
});

/** Publishes a message retained on its target's topic; resolves with the next outcome the gateway publishes. */
async function publish(message: Buffer, target: string): Promise<Record<string, unknown>> {
  const client = await mqtt.connectAsync(broker.url);
  try {
    const outcome = new Promise<Record<string, unknown>>((resolve) =>
      client.on('message', (_t, payload, packet) => {
        if (!packet.retain) resolve(JSON.parse(payload.toString()) as Record<string, unknown>);
      }),
    );
    await client.subscribeAsync(`${prefix}/press-3/config/outcome`, { qos: 1 });
    await client.publishAsync(configTopic(prefix, target), message, { qos: 1, retain: true });
    return await outcome;
  } finally {
    await client.endAsync();
  }
}

const sign = (body: ConfigBody) => signConfigMessage(body, key);
const sourceNames = (r: RemoteConfigRun) =>
  r
    .daemon()
    .gateway.status()
    .sources.map((s) => s.name);

describe('remote configuration applied in process', () => {
  it('applies a signed configuration: the gateway restarts with it and says so in /api/status and to the cloud', async () => {
    run = await runWithRemoteConfig(await loadConfigFile(join(dir, 'gateway.yaml')), { logger: log.logger });
    expect(sourceNames(run)).toEqual(['plc']);
    expect(run.daemon().gateway.status().remoteConfig).toEqual({ runningSequence: null });
    const outcome = await publish(sign({ sequence: 2, target: 'press-3', yaml: yaml('plc-2') }), 'press-3');
    expect(outcome).toMatchObject({ gateway: 'press-3', outcome: 'applied', sequence: 2 });
    expect(sourceNames(run)).toEqual(['plc-2']);
    const http = run.daemon().http!;
    const status = (await (await fetch(`http://127.0.0.1:${http.port}/api/status`)).json()) as Record<string, unknown>;
    // Confirmed at once: its source never gave a good sample under the local file (nothing listens), none is judged.
    expect(status.remoteConfig).toMatchObject({ runningSequence: 2, last: { outcome: 'confirmed', sequence: 2 } });
  });

  it('refuses a message whose signature does not verify, naming why, and keeps running what it ran', async () => {
    run = await runWithRemoteConfig(await loadConfigFile(join(dir, 'gateway.yaml')), { logger: log.logger });
    const tampered = Buffer.from(
      sign({ sequence: 2, target: '*', yaml: yaml('plc-2') })
        .toString()
        .replace('plc-2', 'plc-9'),
    );
    const outcome = await publish(tampered, '*');
    expect(outcome).toMatchObject({ outcome: 'refused', code: 'bad_signature' });
    expect(outcome.reason).toContain(`mqtt ${prefix}/config: the signature does not verify`);
    expect(sourceNames(run)).toEqual(['plc']);
    expect(run.status().last).toMatchObject({ outcome: 'refused', code: 'bad_signature' });
  });

  it('rolls back to the configuration before where the new one does not start', async () => {
    const start = (loaded: Parameters<typeof startDaemon>[0], status: () => RemoteConfigStatus) => {
      if (loaded.config.gateway.site === 'broken') return Promise.reject(new Error('injected: the start failed'));
      return startDaemon(loaded, log.logger, { remoteConfig: status });
    };
    run = await runWithRemoteConfig(await loadConfigFile(join(dir, 'gateway.yaml')), { logger: log.logger, start });
    expect((await publish(sign({ sequence: 2, target: 'press-3', yaml: yaml('plc-2') }), 'press-3')).outcome).toBe(
      'applied',
    );
    const broken = sign({ sequence: 3, target: 'press-3', yaml: yaml('plc-3', 'gateway: { site: broken }') });
    const outcome = await publish(broken, 'press-3');
    expect(outcome).toMatchObject({ outcome: 'rolled_back', sequence: 3, code: 'start_failed' });
    expect(outcome.reason).toContain('(sequence 3): did not start: injected: the start failed');
    expect(sourceNames(run)).toEqual(['plc-2']);
    expect(run.status().runningSequence).toBe(2);
    const kept = await readFile(join(dir, 'data', STATE_FOLDER, RUNNING_FILE), 'utf8');
    expect(kept).toContain('plc-2');
  });

  it('ends the run (failed settles) where neither the new configuration nor the one before it starts again', async () => {
    let refuse = false; // once the new one is tried, every start fails (a port taken meanwhile, a disk full)
    const start = (loaded: Parameters<typeof startDaemon>[0], status: () => RemoteConfigStatus) => {
      if (loaded.config.gateway.site === 'broken') refuse = true;
      if (refuse) return Promise.reject(new Error(`injected: ${loaded.config.gateway.site ?? 'local'} did not start`));
      return startDaemon(loaded, log.logger, { remoteConfig: status });
    };
    run = await runWithRemoteConfig(await loadConfigFile(join(dir, 'gateway.yaml')), { logger: log.logger, start });
    const broken = sign({ sequence: 2, target: 'press-3', yaml: yaml('plc-2', 'gateway: { site: broken }') });
    const outcome = await publish(broken, 'press-3');
    expect(outcome).toMatchObject({ outcome: 'rolled_back', sequence: 2, code: 'restart_failed' });
    const err = await run.failed;
    expect(err.message).toContain(
      '(sequence 2) did not start (injected: broken did not start), nor did the configuration',
    );
    expect(err.message).toContain('the gateway stops for its supervisor to start it again');
  });

  it('starts again with the configuration accepted before, and says so', async () => {
    run = await runWithRemoteConfig(await loadConfigFile(join(dir, 'gateway.yaml')), { logger: log.logger });
    await publish(sign({ sequence: 5, target: 'press-3', yaml: yaml('plc-5') }), 'press-3');
    await run.stop();
    const again = logLines('info');
    run = await runWithRemoteConfig(await loadConfigFile(join(dir, 'gateway.yaml')), { logger: again.logger });
    expect(sourceNames(run)).toEqual(['plc-5']);
    expect(run.daemon().gateway.status().remoteConfig?.runningSequence).toBe(5);
    expect((await again.next(/^running remote configuration 5 /)).msg).toContain(
      `kept in ${join(dir, 'data', STATE_FOLDER)}`,
    );
  });
});
