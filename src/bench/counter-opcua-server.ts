/**
 * A node-opcua server with N Double variables `nsu=urn:linewatch:bench;s=v<k>` whose value is a tick counter, all
 * set every `periodMs` with one source timestamp: a client can count lost notifications as gaps in each variable's
 * counter (the opcua-ingest benchmark), or tell a change from a value sent again (the OPC UA source's tests).
 */
import { DataType, OPCUACertificateManager, OPCUAServer, StatusCodes, Variant, type UAVariable } from 'node-opcua';

export const COUNTER_NAMESPACE = 'urn:linewatch:bench';

export interface CounterServer {
  readonly endpointUrl: string;
  /** The index of COUNTER_NAMESPACE on the server. */
  readonly namespace: number;
  /** Ticks so far (the variables' value). */
  readonly ticks: number;
  close(): Promise<void>;
}

export async function startCounterServer(o: {
  readonly port: number;
  readonly count: number;
  readonly periodMs: number;
  readonly pkiDir: string;
  /** The source timestamp each tick is set with (default: the time of the tick); tests send broken clocks. */
  readonly sourceTimestamp?: () => Date;
}): Promise<CounterServer> {
  const { port, count, periodMs } = o;
  const server = new OPCUAServer({
    port,
    hostname: '127.0.0.1',
    resourcePath: '/UA/bench',
    serverCertificateManager: new OPCUACertificateManager({
      rootFolder: o.pkiDir,
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
  const ns = addressSpace.registerNamespace(COUNTER_NAMESPACE);
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
    const now = o.sourceTimestamp?.() ?? new Date();
    for (const v of variables)
      v.setValueFromSource(new Variant({ dataType: DataType.Double, value: ticks }), StatusCodes.Good, now);
  };
  tick();
  const timer = setInterval(tick, periodMs);
  await server.start();
  return {
    endpointUrl: `opc.tcp://127.0.0.1:${port}/UA/bench`,
    namespace: ns.index,
    get ticks() {
      return ticks;
    },
    async close() {
      clearInterval(timer);
      await server.shutdown(0);
    },
  };
}
