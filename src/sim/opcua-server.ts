/**
 * Serves the simulated plant over OPC UA (node-opcua): Objects/Plant/{Pump1,Press1}/<signal>,
 * string node ids `ns=1;s=Pump1.<channel>`, values pushed on every simulator tick with source
 * timestamps, so subscriptions see real changes. Security None plus Sign and SignAndEncrypt;
 * its PKI lives in a folder the caller chooses. It listens on `host` only (default 127.0.0.1): it has writable
 * nodes and accepts security None, so it is not offered on every interface unless asked (`--host 0.0.0.0`).
 */
import {
  DataType,
  OPCUACertificateManager,
  OPCUAServer,
  MessageSecurityMode,
  SecurityPolicy,
  StatusCodes,
  Variant,
  type UAVariable,
} from 'node-opcua';
import { freePort } from '../core/free-port.js';
import { endpointHost } from '../core/loopback.js';
import { routeOpcuaLogs } from '../sources/opcua/opcua-log.js';
import type { LineSimulator } from './line-simulator.js';
import { PUMP_CHANNELS, PUMP_UNITS } from './plant.js';
import type { PlantSnapshot } from './register-map.js';

export interface SimOpcuaServer {
  readonly endpointUrl: string;
  readonly port: number;
  close(): Promise<void>;
}

export interface SimOpcuaOptions {
  /** The address it listens on (default 127.0.0.1); 0.0.0.0 or :: for every interface. */
  readonly host?: string;
  readonly port?: number;
  readonly pkiDir: string;
  /** When set, only these users may open sessions (username → password), and anonymous ones are refused. */
  readonly users?: Readonly<Record<string, string>>;
  /** PKI folder for X.509 user certificates: users whose certificate is in its trusted/certs may open sessions. */
  readonly userPkiDir?: string;
  /**
   * false: a client certificate the server does not know is refused and put in its pkiDir's rejected/ (a PLC's way);
   * true (the default): trusted at first sight.
   */
  readonly trustUnknownClients?: boolean;
}

export const SIM_OPCUA_NAMESPACE = 'urn:linewatch:sim';

/** The host its endpoint URL names (core/loopback.ts). */
export { endpointHost };

export async function startSimOpcuaServer(sim: LineSimulator, options: SimOpcuaOptions): Promise<SimOpcuaServer> {
  routeOpcuaLogs();
  const host = options.host ?? '127.0.0.1';
  const urlHost = endpointHost(host);
  const port = options.port && options.port > 0 ? options.port : await freePort(host);
  const certificateManager = new OPCUACertificateManager({
    rootFolder: options.pkiDir,
    automaticallyAcceptUnknownCertificate: options.trustUnknownClients ?? true,
  });
  const userCertificateManager = options.userPkiDir
    ? new OPCUACertificateManager({ rootFolder: options.userPkiDir, automaticallyAcceptUnknownCertificate: false })
    : undefined;
  await userCertificateManager?.initialize();
  const users = options.users;
  const server = new OPCUAServer({
    ...(users
      ? {
          allowAnonymous: false,
          userManager: {
            isValidUser: (name: string, password: string) => users[name] !== undefined && users[name] === password,
          },
        }
      : {}),
    ...(userCertificateManager ? { userCertificateManager } : {}),
    port,
    // `host` is the address node-opcua listens on (without it: every interface); `hostname` only names the endpoint.
    host,
    hostname: urlHost,
    alternateHostname: [urlHost],
    resourcePath: '/UA/linewatch-sim',
    serverCertificateManager: certificateManager,
    securityModes: [MessageSecurityMode.None, MessageSecurityMode.Sign, MessageSecurityMode.SignAndEncrypt],
    securityPolicies: [
      SecurityPolicy.None,
      SecurityPolicy.Basic256Sha256,
      SecurityPolicy.Aes128_Sha256_RsaOaep,
      SecurityPolicy.Aes256_Sha256_RsaPss,
    ],
    buildInfo: { productName: 'linewatch line simulator', manufacturerName: 'linewatch' },
  });
  await server.initialize();
  const addressSpace = server.engine.addressSpace!;
  const ns = addressSpace.registerNamespace(SIM_OPCUA_NAMESPACE);
  const plant = ns.addFolder(addressSpace.rootFolder.objects, { browseName: 'Plant' });
  const pump = ns.addObject({ organizedBy: plant, browseName: 'Pump1' });
  const press = ns.addObject({ organizedBy: plant, browseName: 'Press1' });

  const variables: Array<{ node: UAVariable; dataType: DataType; read: (s: PlantSnapshot) => number | boolean }> = [];
  const add = (
    parent: typeof pump,
    id: string,
    browseName: string,
    dataType: DataType,
    unit: string,
    read: (s: PlantSnapshot) => number | boolean,
  ) => {
    const node = ns.addVariable({
      componentOf: parent,
      browseName,
      nodeId: `s=${id}`,
      dataType: DataType[dataType],
      description: unit ? `unit: ${unit}` : undefined,
    });
    variables.push({ node, dataType, read });
  };
  for (const ch of PUMP_CHANNELS) add(pump, `Pump1.${ch}`, ch, DataType.Double, PUMP_UNITS[ch], (s) => s.pump[ch]);
  add(press, 'Press1.force', 'force', DataType.Double, 'kN', (s) => s.press.force_kn);
  add(press, 'Press1.position', 'position', DataType.Double, 'mm', (s) => s.press.position_mm);
  add(press, 'Press1.part_counter', 'part_counter', DataType.UInt32, '', (s) => s.press.part_counter);
  add(press, 'Press1.cycle_active', 'cycle_active', DataType.Boolean, '', (s) => s.press.cycle_active);

  // Writable outputs (alarm lamp, reject gate): what an alarm action writes.
  for (const [output, owner] of [
    ['alarm_lamp', pump],
    ['reject_gate', press],
  ] as const) {
    const id = `${owner === pump ? 'Pump1' : 'Press1'}.${output}`;
    ns.addVariable({
      componentOf: owner,
      browseName: output,
      nodeId: `s=${id}`,
      dataType: 'Boolean',
      accessLevel: 'CurrentRead | CurrentWrite',
      userAccessLevel: 'CurrentRead | CurrentWrite',
      // A getter's value is sampled, not pushed: a subscription sees a write within this many ms.
      minimumSamplingInterval: 100,
      value: {
        get: () => new Variant({ dataType: DataType.Boolean, value: sim.outputs.get(output) ?? false }),
        set: (variant: Variant) => {
          sim.outputs.set(output, Boolean(variant.value));
          return StatusCodes.Good;
        },
      },
    });
  }

  const publish = (s: PlantSnapshot) => {
    const now = new Date();
    for (const v of variables) {
      v.node.setValueFromSource(new Variant({ dataType: v.dataType, value: v.read(s) }), StatusCodes.Good, now);
    }
  };
  publish(sim.snapshot);
  sim.on('tick', publish);
  await server.start();
  const endpointUrl = `opc.tcp://${urlHost}:${port}/UA/linewatch-sim`;
  let closed = false;
  return {
    endpointUrl,
    port,
    close: async () => {
      if (closed) return;
      closed = true;
      sim.off('tick', publish);
      await server.shutdown(0);
      await certificateManager.dispose();
      await userCertificateManager?.dispose();
    },
  };
}
