/**
 * Signed model updates end to end: release notices over a real broker, releases downloaded from
 * a real HTTP server, verified, swapped in while the gateway scores the simulator's pump, kept
 * on probation, rolled back automatically when they misbehave and on an operator's request.
 */
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createReadStream, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMosquitto, type Mosquitto } from '../../src/testing/mosquitto.js';
import { loadConfigFile } from '../../src/config/load.js';
import { modelUpdatesSchema, mqttSyncSchema } from '../../src/config/schema.js';
import { startDaemon, type Daemon } from '../../src/daemon/daemon.js';
import { runSimulator, type RunningSimulator } from '../../src/sim/run-simulator.js';
import { generateKeys, signRelease } from '../../src/sync/release.js';
import type { ModelUpdateEvent } from '../../src/sync/model-updater.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { ROOT } from '../helpers/cli.js';
import { nextEvent } from '../helpers/gateway-events.js';

const TOKEN = 'test-token-0123456789';
let broker: Mosquitto;
let sim: RunningSimulator;
let daemon: Daemon;
let files: Server;
let releases: string;
let filesUrl: string;
let keys: { privatePath: string; publicPath: string };
const cloud: { topic: string; msg: Record<string, unknown> }[] = [];
let consumer: mqtt.MqttClient;
let loadedConfig: Awaited<ReturnType<typeof loadConfigFile>>;

/** Release sequences as a publisher numbers them: one more for every release signed. */
let signed = 0;

async function makeRelease(
  version: string,
  edit?: (m: Record<string, any>) => void,
  after?: (dir: string) => Promise<void>,
  sequence: number | null = ++signed,
): Promise<string> {
  const dir = join(releases, version);
  await cp(join(ROOT, 'models/pump-ae'), dir, { recursive: true });
  const path = join(dir, 'manifest.json');
  const m = JSON.parse(await readFile(path, 'utf8'));
  m.version = version;
  edit?.(m);
  await writeFile(path, JSON.stringify(m, null, 2));
  await signRelease(dir, keys.privatePath, sequence ?? undefined); // null: signed with no sequence
  await after?.(dir);
  return `${filesUrl}/${version}/`;
}

async function announce(version: string, url: string): Promise<void> {
  const pub = await mqtt.connectAsync(broker.url);
  await pub.publishAsync('linewatch/releases/pump-ae', JSON.stringify({ model: 'pump-ae', version, url }), {
    qos: 1,
    retain: true,
  });
  await pub.endAsync();
}

function nextModelEvent(): Promise<ModelUpdateEvent> {
  return nextEvent(daemon.gateway.events, 'model');
}

async function scoredBy(version: string): Promise<void> {
  for (;;) {
    const scores = await nextEvent(daemon.gateway.events, 'scores');
    if (scores.some((s) => s.asset === 'pump-1' && s.modelVersion === version)) return;
  }
}

beforeAll(async () => {
  broker = await startMosquitto();
  keys = await generateKeys(await mkdtemp(join(tmpdir(), 'lw-upd-keys-')));
  releases = await mkdtemp(join(tmpdir(), 'lw-releases-'));
  files = createServer((req, res) => {
    const path = join(releases, decodeURIComponent((req.url ?? '/').split('?')[0]));
    if (!path.startsWith(releases) || !existsSync(path)) return res.writeHead(404).end();
    createReadStream(path).pipe(res);
  });
  await new Promise<void>((r) => files.listen(0, '127.0.0.1', r));
  filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
  consumer = await mqtt.connectAsync(broker.url);
  await consumer.subscribeAsync('linewatch/demo-gateway/model/#', { qos: 1 });
  consumer.on('message', (topic, payload) => cloud.push({ topic, msg: JSON.parse(payload.toString()) }));
  sim = await runSimulator({ modbusPort: 0, seed: 8 });
  const loaded = await loadConfigFile(join(ROOT, 'config/demo.yaml'), {
    LINEWATCH_DEMO_MODBUS_PORT: String(sim.modbusPort),
    LINEWATCH_HTTP_PORT: '0',
    LINEWATCH_API_TOKEN: TOKEN,
  });
  loaded.config.storage.local = undefined;
  const store = await mkdtemp(join(tmpdir(), 'lw-model-store-'));
  loaded.config.cloud.mqtt = mqttSyncSchema.parse({ url: broker.url, buffer: { type: 'memory' } });
  loaded.config.cloud.model_updates = modelUpdatesSchema.parse({
    public_key_file: keys.publicPath,
    store_dir: store,
    probation_s: 4,
    min_windows: 4,
    max_anomalous_fraction: 0.5,
  });
  loadedConfig = loaded;
  daemon = await startDaemon(loaded, silentLogger());
});

afterAll(async () => {
  await daemon?.stop();
  await sim?.close();
  await consumer?.endAsync();
  files?.close();
  await broker?.stop();
});

describe('model updates', () => {
  it('rejects a tampered release and keeps scoring with the old model', async () => {
    const url = await makeRelease('1.0.1-tampered', undefined, async (dir) => {
      const m = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
      m.score.threshold = 0.5; // changed after signing
      await writeFile(join(dir, 'manifest.json'), JSON.stringify(m));
    });
    const event = nextModelEvent();
    await announce('1.0.1-tampered', url);
    expect(await event).toMatchObject({
      asset: 'pump-1',
      outcome: 'rejected',
      version: '1.0.1-tampered',
      previousVersion: '1.0.0+seed7',
    });
    expect((await event).reason).toMatch(
      /^bad_signature: release http:\/\/127\.0\.0\.1:\d+\/1\.0\.1-tampered\/: the signature does not verify against the configured public key$/,
    );
    await scoredBy('1.0.0+seed7');
  });

  it('applies a good release without a gap in scoring, and confirms it after probation', async () => {
    const url = await makeRelease('1.1.0');
    const applied = nextModelEvent();
    await announce('1.1.0', url);
    expect(await applied).toMatchObject({ outcome: 'applied', version: '1.1.0', previousVersion: '1.0.0+seed7' });
    await scoredBy('1.1.0');
    const status = (await (await fetch(`http://127.0.0.1:${daemon.http!.port}/api/status`)).json()) as {
      models: { asset: string; version: string; probationUntil?: number }[];
    };
    expect(status.models.find((m) => m.asset === 'pump-1')).toMatchObject({
      version: '1.1.0',
      previousVersion: '1.0.0+seed7',
    });
    expect(await nextModelEvent()).toMatchObject({ outcome: 'confirmed', version: '1.1.0' });
  });

  it('rolls back by itself a release that flags a healthy line', async () => {
    const url = await makeRelease('1.3.0-trigger-happy', (m) => (m.score.threshold = 1e-6));
    const applied = nextModelEvent();
    await announce('1.3.0-trigger-happy', url);
    expect(await applied).toMatchObject({ outcome: 'applied', version: '1.3.0-trigger-happy' });
    const rolled = await nextModelEvent();
    expect(rolled).toMatchObject({ outcome: 'rolled_back', version: '1.1.0', previousVersion: '1.3.0-trigger-happy' });
    expect(rolled.reason).toMatch(/misbehaved on probation: \d+ of \d+ windows judged anomalous/);
    await scoredBy('1.1.0');
  });

  it("rolls back on an operator's request through the API, and reports every outcome to the cloud", async () => {
    const url = await makeRelease('1.4.0');
    const applied = nextModelEvent();
    await announce('1.4.0', url);
    expect(await applied).toMatchObject({ outcome: 'applied', version: '1.4.0' });
    const res = await fetch(`http://127.0.0.1:${daemon.http!.port}/api/models/pump-1/rollback`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ by: 'j.doe', comment: 'drift after retrofit' }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ outcome: 'rolled_back', version: '1.1.0', by: 'j.doe' });
    const again = await fetch(`http://127.0.0.1:${daemon.http!.port}/api/models/pump-1/rollback`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ by: 'j.doe' }),
    });
    expect(again.status).toBe(409);
    while (cloud.filter((c) => c.topic === 'linewatch/demo-gateway/model/pump-1').length < 7)
      await new Promise((r) => consumer.once('message', r));
    expect(cloud.map((c) => c.msg.outcome)).toEqual([
      'rejected',
      'applied',
      'confirmed',
      'applied',
      'rolled_back',
      'applied',
      'rolled_back',
    ]);
  });

  it('runs the last confirmed update again after a restart (not one that was rolled back)', async () => {
    await daemon.stop();
    daemon = await startDaemon(loadedConfig, silentLogger());
    await scoredBy('1.1.0');
  });

  it('refuses a signed release whose sequence is not above the confirmed one (a downgrade), and one with no sequence, writing nothing', async () => {
    const store = loadedConfig.config.cloud.model_updates!.store_dir!;
    const older = await makeRelease('0.9.0', undefined, undefined, 1); // 1.1.0, confirmed, was sequence 2
    let event = nextModelEvent();
    await announce('0.9.0', older);
    expect(await event).toMatchObject({ outcome: 'rejected', version: '0.9.0' });
    expect((await event).reason).toMatch(
      /^not_newer: release .*: release_sequence 1 is not above 2, the last this gateway confirmed for pump-1$/,
    );
    const unnumbered = await makeRelease('2.0.0-unnumbered', undefined, undefined, null);
    event = nextModelEvent();
    await announce('2.0.0-unnumbered', unnumbered);
    expect((await event).reason).toMatch(
      /^not_newer: .*has no release_sequence \(sign it with linewatch model sign --sequence N\)$/,
    );
    expect(existsSync(join(store, 'pump-1', '0.9.0'))).toBe(false);
    expect(existsSync(join(store, 'pump-1', '2.0.0-unnumbered'))).toBe(false);
    await scoredBy('1.1.0');
  });
});
