/**
 * (Benchmark child process.) Subscribes to the bench server's N variables and counts
 * notifications and gaps (a variable's counter skipping a value). argv: mode endpoint count periodMs.
 *   bare       a plain node-opcua client: one subscription, one monitored-item group, counting only
 *   linewatch  linewatch's OPC UA source; its samples go through sliding windows (10 pipelines
 *              of N/10 channels, 10-sample windows), as the daemon's pipelines take them
 * IPC: sends {ready} once subscribed; {count: true} → {notifications, gaps, windows}.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AttributeIds,
  ClientMonitoredItemGroup,
  MessageSecurityMode,
  OPCUAClient,
  SecurityPolicy,
  TimestampsToReturn,
} from 'node-opcua';
import { opcuaSourceSchema, windowSchema } from '../config/schema.js';
import type { Sample } from '../core/types.js';
import { OpcuaSource } from '../sources/opcua/opcua-source.js';
import { silentLogger } from '../telemetry/logger.js';
import { GatewayMetrics } from '../telemetry/metrics.js';
import { AssetWindows } from '../windows/asset-windows.js';

const [mode, endpoint, countText, periodText] = process.argv.slice(2);
const count = Number(countText);
const periodMs = Number(periodText);
const ASSETS = 10;
let notifications = 0;
let gaps = 0;
let windows = 0;
const last = new Float64Array(count).fill(Number.NaN);
const seen = (k: number, value: number) => {
  notifications++;
  const previous = last[k];
  if (previous === previous && value > previous + 1) gaps += value - previous - 1;
  last[k] = value;
};

if (mode === 'bare') {
  const client = OPCUAClient.create({
    endpointMustExist: false,
    securityMode: MessageSecurityMode.None,
    securityPolicy: SecurityPolicy.None,
    connectionStrategy: { maxRetry: 1 },
  });
  await client.connect(endpoint);
  const session = await client.createSession();
  const ns = (await session.readNamespaceArray()).indexOf('urn:linewatch:bench');
  const subscription = await session.createSubscription2({
    requestedPublishingInterval: periodMs,
    requestedLifetimeCount: 600,
    requestedMaxKeepAliveCount: 10,
    maxNotificationsPerPublish: 0,
    publishingEnabled: true,
    priority: 10,
  });
  const items = Array.from({ length: count }, (_, k) => ({
    nodeId: `ns=${ns};s=v${k}`,
    attributeId: AttributeIds.Value,
  }));
  const group = ClientMonitoredItemGroup.create(
    subscription,
    items,
    { samplingInterval: periodMs, queueSize: 1, discardOldest: true },
    TimestampsToReturn.Both,
  );
  group.on('changed', (_item, dataValue, index) => seen(index, dataValue.value.value as number));
  await new Promise<void>((r) => group.once('initialized', () => r()));
} else {
  const perAsset = count / ASSETS;
  const config = opcuaSourceSchema.parse({
    name: 'bench',
    type: 'opcua',
    endpoint,
    asset: 'machine',
    publishing_interval_ms: periodMs,
    stale_after_ms: 30_000,
    pki_dir: mkdtempSync(join(tmpdir(), 'lw-ua-bench-client-')),
    nodes: Array.from({ length: count }, (_, k) => ({
      channel: `v${k}`,
      node_id: `nsu=urn:linewatch:bench;s=v${k}`,
      sampling_interval_ms: periodMs,
    })),
  });
  const index = new Map(config.nodes.map((n, k) => [n.channel, k]));
  const settings = windowSchema.parse({ hop_samples: 10, max_sample_age_ms: 60_000 });
  // Ten pipelines of N/10 channels each, every one offered every batch, as the daemon does.
  const pipelines = Array.from(
    { length: ASSETS },
    (_, a) =>
      new AssetWindows(
        'machine',
        Array.from({ length: perAsset }, (_, i) => `v${a * perAsset + i}`),
        10,
        settings,
      ),
  );
  const source = new OpcuaSource(config, { logger: silentLogger(), metrics: new GatewayMetrics() });
  await source.start((batch: readonly Sample[]) => {
    for (const s of batch) seen(index.get(s.channel)!, s.value);
    for (const p of pipelines) for (const o of p.push(batch)) if (o.kind === 'window') windows++;
  });
  await new Promise<void>((resolve) => {
    const check = setInterval(() => {
      if (notifications >= count) {
        clearInterval(check);
        resolve();
      }
    }, 50);
  });
}
process.send?.({ ready: true });
process.on('message', (m: { count?: boolean }) => {
  if (m.count) process.send?.({ notifications, gaps, windows });
});
process.on('disconnect', () => process.exit(0));
