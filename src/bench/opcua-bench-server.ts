/**
 * (Benchmark child process.) A node-opcua server with N Double variables `ns=<i>;s=v<k>` whose
 * value is a tick counter, all set every `periodMs` with one source timestamp, so a client can
 * count lost notifications as gaps in each variable's counter. The server's per-publish
 * notification limit (1,000 by default) is raised so it does not throttle delivery.
 * argv: port count periodMs. IPC: sends {ready, namespace}; {ticks: true} → {ticks}.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DataType,
  OPCUACertificateManager,
  OPCUAServer,
  StatusCodes,
  Subscription,
  Variant,
  type UAVariable,
} from 'node-opcua';

const [port, count, periodMs] = process.argv.slice(2).map(Number);
export const BENCH_NAMESPACE = 'urn:linewatch:bench';
Subscription.maxNotificationPerPublishHighLimit = 100_000;

const server = new OPCUAServer({
  port,
  hostname: '127.0.0.1',
  resourcePath: '/UA/bench',
  serverCertificateManager: new OPCUACertificateManager({
    rootFolder: mkdtempSync(join(tmpdir(), 'lw-ua-bench-pki-')),
    automaticallyAcceptUnknownCertificate: true,
  }),
  serverCapabilities: {
    maxMonitoredItems: count * 4,
    maxMonitoredItemsPerSubscription: count * 2,
    operationLimits: {
      maxMonitoredItemsPerCall: count * 2,
      maxNodesPerRead: count * 2,
      maxNodesPerTranslateBrowsePathsToNodeIds: count * 2,
    },
  },
});
await server.initialize();
const addressSpace = server.engine.addressSpace!;
const ns = addressSpace.registerNamespace(BENCH_NAMESPACE);
const folder = ns.addFolder(addressSpace.rootFolder.objects, { browseName: 'Bench' });
const variables: UAVariable[] = [];
for (let k = 0; k < count; k++) {
  variables.push(
    ns.addVariable({
      organizedBy: folder,
      browseName: `v${k}`,
      nodeId: `s=v${k}`,
      dataType: 'Double',
      minimumSamplingInterval: periodMs,
    }),
  );
}
let ticks = 0;
const tick = () => {
  ticks++;
  const now = new Date();
  for (const v of variables)
    v.setValueFromSource(new Variant({ dataType: DataType.Double, value: ticks }), StatusCodes.Good, now);
};
tick();
setInterval(tick, periodMs);
await server.start();
process.send?.({ ready: true, namespace: ns.index });
process.on('message', (m: { ticks?: boolean }) => {
  if (m.ticks) process.send?.({ ticks });
});
process.on('disconnect', () => process.exit(0));
