/**
 * A moulding machine's PLC as a node-opcua server on 127.0.0.1 that the test steps by hand: a curve, a cycle flag and a
 * part counter (`nsu=urn:linewatch:test:moulder;s=<name>`), each step setting the values changed with one source
 * timestamp the test gives. A stamp behind the time of the step plays a loaded server or a device that reports its
 * values late (fault injection: the server samples them after the time they carry).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataType, OPCUACertificateManager, OPCUAServer, StatusCodes, Variant, type UAVariable } from 'node-opcua';
import { opcuaSourceSchema } from '../../src/config/schema.js';
import { freePort } from '../../src/core/free-port.js';
import { OpcuaSource } from '../../src/sources/opcua/opcua-source.js';
import { createLogger } from '../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';

export const MOULDER_NAMESPACE = 'urn:linewatch:test:moulder';
export const MOULDER_CHANNELS = ['curve', 'cycle_active', 'part_counter'] as const;

export interface MoulderStep {
  readonly curve: number;
  readonly cycle_active: boolean;
  readonly part_counter: number;
}

export interface SteppedMoulderServer {
  readonly endpointUrl: string;
  /** Sets the values that changed since the last step, stamped `sourceTs`. */
  step(values: MoulderStep, sourceTs: Date): void;
  close(): Promise<void>;
}

export async function startSteppedMoulderServer(samplingMs: number): Promise<SteppedMoulderServer> {
  const port = await freePort();
  const server = new OPCUAServer({
    port,
    hostname: '127.0.0.1',
    resourcePath: '/UA/moulder',
    serverCertificateManager: new OPCUACertificateManager({
      rootFolder: mkdtempSync(join(tmpdir(), 'lw-moulder-server-pki-')),
      automaticallyAcceptUnknownCertificate: true,
    }),
  });
  await server.initialize();
  const addressSpace = server.engine.addressSpace!;
  const ns = addressSpace.registerNamespace(MOULDER_NAMESPACE);
  const folder = ns.addFolder(addressSpace.rootFolder.objects, { browseName: 'Moulder' });
  const types = { curve: DataType.Double, cycle_active: DataType.Boolean, part_counter: DataType.UInt32 };
  const variables = {} as Record<keyof MoulderStep, UAVariable>;
  for (const name of MOULDER_CHANNELS)
    variables[name] = ns.addVariable({
      organizedBy: folder,
      browseName: name,
      nodeId: `s=${name}`,
      dataType: DataType[types[name]],
      minimumSamplingInterval: samplingMs,
    });
  let last: MoulderStep | undefined;
  const step = (values: MoulderStep, sourceTs: Date) => {
    for (const name of MOULDER_CHANNELS)
      if (last === undefined || last[name] !== values[name])
        variables[name].setValueFromSource(
          new Variant({ dataType: types[name], value: values[name] }),
          StatusCodes.Good,
          sourceTs,
        );
    last = values;
  };
  step({ curve: 0, cycle_active: false, part_counter: 0 }, new Date());
  await server.start();
  return {
    endpointUrl: `opc.tcp://127.0.0.1:${port}/UA/moulder`,
    step,
    close: () => server.shutdown(0),
  };
}

/** The gateway's OPC UA source `imm` (asset `imm`) on the moulder's three nodes, publishing every `periodMs`. */
export function moulderSource(server: SteppedMoulderServer, periodMs: number): OpcuaSource {
  return new OpcuaSource(
    opcuaSourceSchema.parse({
      name: 'imm',
      type: 'opcua',
      endpoint: server.endpointUrl,
      asset: 'imm',
      publishing_interval_ms: periodMs,
      stale_after_ms: 60_000,
      pki_dir: mkdtempSync(join(tmpdir(), 'lw-moulder-client-pki-')),
      nodes: MOULDER_CHANNELS.map((channel) => ({ channel, node_id: `nsu=${MOULDER_NAMESPACE};s=${channel}` })),
    }),
    { logger: createLogger('silent'), metrics: new GatewayMetrics() },
  );
}
