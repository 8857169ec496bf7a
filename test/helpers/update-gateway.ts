/**
 * A gateway of its own for each model-update test, as a user runs one: the demo configuration (pump-1 on the shipped
 * pump-ae model, scoring the simulator's pump over Modbus) started as the daemon, with its model store, topic prefix
 * (so its own retained release notices and cloud messages), release server and signing sequence. Shared by the tests
 * of a file (useUpdateGateways): a real broker, the signing keys and the simulator (healthy and only read).
 */
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startMosquitto, type Mosquitto } from '../../src/testing/mosquitto.js';
import { loadConfigFile, type LoadedConfig } from '../../src/config/load.js';
import { modelUpdatesSchema, mqttSyncSchema, type ModelUpdatesConfig } from '../../src/config/schema.js';
import { startDaemon, type Daemon } from '../../src/daemon/daemon.js';
import { runSimulator, type RunningSimulator } from '../../src/sim/run-simulator.js';
import { loadManifest, type LoadedManifest } from '../../src/inference/manifest.js';
import { generateKeys, signRelease } from '../../src/sync/release.js';
import type { ModelUpdateEvent } from '../../src/sync/update-outcome.js';
import { silentLogger, type Logger } from '../../src/telemetry/logger.js';
import { ROOT } from './cli.js';
import { nextEvent } from './gateway-events.js';
import { startReleaseServer, type ReleaseServer } from './model-releases.js';

/** The gateways' http.api_token. */
export const TOKEN = 'test-token-0123456789';

/** What the tests of a file share, set up before them. */
const shared = {} as {
  broker: Mosquitto;
  sim: RunningSimulator;
  keys: { privatePath: string; publicPath: string };
};

/** A test's own gateway and what goes with it. */
export interface TestGateway {
  daemon: Daemon;
  readonly loaded: LoadedConfig;
  /** Release notices on `<prefix>/releases/pump-ae`, outcomes on `<prefix>/demo-gateway/model/<asset>`. */
  readonly prefix: string;
  readonly store: string;
  readonly releases: ReleaseServer;
  readonly consumer: mqtt.MqttClient;
  /** What the gateway reported to the cloud on `<prefix>/demo-gateway/model/#`. */
  readonly cloud: { topic: string; msg: Record<string, unknown> }[];
  /** Release sequences as a publisher numbers them: one more for every release signed. */
  signed: number;
}

let gateways = 0;

async function startGateway(): Promise<TestGateway> {
  const { broker, sim, keys } = shared;
  const prefix = `lw-upd-${++gateways}`;
  const releases = await startReleaseServer();
  const consumer = await mqtt.connectAsync(broker.url);
  const cloud: TestGateway['cloud'] = [];
  await consumer.subscribeAsync(`${prefix}/demo-gateway/model/#`, { qos: 1 });
  consumer.on('message', (topic, payload) => cloud.push({ topic, msg: JSON.parse(payload.toString()) }));
  const loaded = await loadConfigFile(join(ROOT, 'config/demo.yaml'), {
    LINEWATCH_DEMO_MODBUS_PORT: String(sim.modbusPort),
    LINEWATCH_HTTP_PORT: '0',
    LINEWATCH_API_TOKEN: TOKEN,
  });
  loaded.config.storage.local = undefined;
  // The releases here are versions of the shipped pump-ae autoencoder: pump-1 runs it (the demo runs pump-hybrid).
  loaded.config.assets[0].model = join(ROOT, 'models/pump-ae');
  (loaded.models as Map<string, LoadedManifest>).set('pump-1', await loadManifest(join(ROOT, 'models/pump-ae')));
  const store = await mkdtemp(join(tmpdir(), 'lw-model-store-'));
  loaded.config.cloud.mqtt = mqttSyncSchema.parse({
    url: broker.url,
    topic_prefix: prefix,
    client_id: `linewatch-${prefix}`,
    buffer: { type: 'memory' },
  });
  loaded.config.cloud.model_updates = modelUpdatesSchema.parse({
    public_key_file: keys.publicPath,
    store_dir: store,
    probation_s: 4,
    min_windows: 4,
    max_anomalous_fraction: 0.5,
  });
  const daemon = await startDaemon(loaded, silentLogger());
  return { daemon, loaded, prefix, store, releases, consumer, cloud, signed: 0 };
}

async function stopGateway(gw: TestGateway): Promise<void> {
  await gw.daemon.stop();
  await gw.consumer.endAsync();
  await gw.releases.close();
  await publishRetained(releaseTopic(gw), ''); // an empty retained message clears the notice
}

/**
 * Sets up what the tests of the calling file share (before them) and takes it down (after them); returns their `it`,
 * which gives each test its own gateway (`gw`), stopped after it.
 */
export function useUpdateGateways() {
  beforeAll(async () => {
    shared.broker = await startMosquitto();
    shared.keys = await generateKeys(await mkdtemp(join(tmpdir(), 'lw-upd-keys-')));
    shared.sim = await runSimulator({ modbusPort: 0, seed: 8 });
  });
  afterAll(async () => {
    await shared.sim?.close();
    await shared.broker?.stop();
  });
  return test.extend<{ gw: TestGateway }>({
    // eslint-disable-next-line no-empty-pattern -- Vitest reads what a fixture depends on from this pattern: nothing
    gw: async ({}, use) => {
      const gw = await startGateway();
      try {
        await use(gw);
      } finally {
        await stopGateway(gw);
      }
    },
  });
}

/** The shared broker's URL. */
export const brokerUrl = () => shared.broker.url;

/** Starts the test's gateway again (a restart), as it was configured, logging to `logger` (default: nowhere). */
export async function restartGateway(gw: TestGateway, logger: Logger = silentLogger()): Promise<void> {
  await gw.daemon.stop();
  gw.daemon = await startDaemon(gw.loaded, logger);
}

/** Starts the test's gateway again with `edit` made to its cloud.model_updates (probation mode, length...). */
export async function restartWithUpdates(gw: TestGateway, edit: (u: ModelUpdatesConfig) => void): Promise<void> {
  edit(gw.loaded.config.cloud.model_updates!);
  await restartGateway(gw);
}

/**
 * Writes the shipped pump-ae model as release `version` on the gateway's release server, `edit` applied to its
 * manifest, signed (as `sequence`: by default the next; null: with none), then `after` done to its folder; its URL.
 */
export async function makeRelease(
  gw: TestGateway,
  version: string,
  edit?: (m: Record<string, any>) => void,
  after?: (dir: string) => Promise<void>,
  sequence: number | null = ++gw.signed,
): Promise<string> {
  const dir = join(gw.releases.root, version);
  await cp(join(ROOT, 'models/pump-ae'), dir, { recursive: true });
  const path = join(dir, 'manifest.json');
  const m = JSON.parse(await readFile(path, 'utf8'));
  m.version = version;
  edit?.(m);
  await writeFile(path, JSON.stringify(m, null, 2));
  await signRelease(dir, shared.keys.privatePath, sequence ?? undefined); // null: signed with no sequence
  await after?.(dir);
  return `${gw.releases.url}/${version}/`;
}

export const releaseTopic = (gw: TestGateway) => `${gw.prefix}/releases/pump-ae`;

export async function publishRetained(topic: string, payload: string): Promise<void> {
  const pub = await mqtt.connectAsync(shared.broker.url);
  await pub.publishAsync(topic, payload, { qos: 1, retain: true });
  await pub.endAsync();
}

/** Publishes the retained notice of pump-ae `version` at `url`. */
export async function announce(gw: TestGateway, version: string, url: string): Promise<void> {
  await publishRetained(releaseTopic(gw), JSON.stringify({ model: 'pump-ae', version, url }));
}

export function nextModelEvent(gw: TestGateway): Promise<ModelUpdateEvent> {
  return nextEvent(gw.daemon.gateway.events, 'model');
}

/** Resolves once pump-1 is scored by `version`. */
export async function scoredBy(gw: TestGateway, version: string): Promise<void> {
  for (;;) {
    const scores = await nextEvent(gw.daemon.gateway.events, 'scores');
    if (scores.some((s) => s.asset === 'pump-1' && s.modelVersion === version)) return;
  }
}

/** An operator's POST /api/models/<asset>/rollback, with the API token. */
export function requestRollback(gw: TestGateway, body: Record<string, unknown>, asset = 'pump-1'): Promise<Response> {
  return fetch(`http://127.0.0.1:${gw.daemon.http!.port}/api/models/${asset}/rollback`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify(body),
  });
}

/** Precondition: `version` applied and, after its probation, confirmed (signed as `sequence`; default the next). */
export async function applyAndConfirm(gw: TestGateway, version: string, sequence?: number): Promise<void> {
  await applyRelease(gw, version, await makeRelease(gw, version, undefined, undefined, sequence));
  expect(await nextModelEvent(gw)).toMatchObject({ outcome: 'confirmed', version });
}

/** Announces pump-ae `version` at `url` (default: the shipped pump-ae made as that release); resolves once applied. */
export async function applyRelease(gw: TestGateway, version: string, url?: string): Promise<void> {
  const at = url ?? (await makeRelease(gw, version));
  const applied = nextModelEvent(gw);
  await announce(gw, version, at);
  expect(await applied).toMatchObject({ outcome: 'applied', version });
}
