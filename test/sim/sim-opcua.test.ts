/** The simulator's OPC UA server, read by a real node-opcua client over a real socket. */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AttributeIds, MessageSecurityMode, OPCUAClient, SecurityPolicy, StatusCodes } from 'node-opcua';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LineSimulator } from '../../src/sim/line-simulator.js';
import { SIM_OPCUA_NAMESPACE, startSimOpcuaServer, type SimOpcuaServer } from '../../src/sim/opcua-server.js';

let sim: LineSimulator;
let server: SimOpcuaServer;

beforeAll(async () => {
  sim = new LineSimulator({ seed: 9 });
  server = await startSimOpcuaServer(sim, { port: 0, pkiDir: await mkdtemp(join(tmpdir(), 'lw-sim-pki-')) });
});
afterAll(async () => {
  await server?.close();
});

describe('simulator OPC UA server', () => {
  it('serves the pump and press signals under its namespace', async () => {
    const client = OPCUAClient.create({
      endpointMustExist: false,
      securityMode: MessageSecurityMode.None,
      securityPolicy: SecurityPolicy.None,
      connectionStrategy: { maxRetry: 1 },
    });
    await client.connect(server.endpointUrl);
    const session = await client.createSession();
    try {
      const nsArray = await session.readNamespaceArray();
      const ns = nsArray.indexOf(SIM_OPCUA_NAMESPACE);
      expect(ns).toBeGreaterThan(0);
      const flow = await session.read({ nodeId: `ns=${ns};s=Pump1.flow`, attributeId: AttributeIds.Value });
      expect(flow.statusCode).toBe(StatusCodes.Good);
      expect(flow.value.value).toBeCloseTo(sim.snapshot.pump.flow, 6);
      const counter = await session.read({ nodeId: `ns=${ns};s=Press1.part_counter`, attributeId: AttributeIds.Value });
      expect(counter.value.value).toBe(sim.snapshot.press.part_counter);
      // A tick pushes new values to the address space.
      sim.injectFault({ type: 'valve_closure', severity: 1, ramp_s: 0 });
      const after = sim.tick();
      const flow2 = await session.read({ nodeId: `ns=${ns};s=Pump1.flow`, attributeId: AttributeIds.Value });
      expect(flow2.value.value).toBeCloseTo(after.pump.flow, 6);
      expect(flow2.value.value).toBeLessThan(20);
    } finally {
      await session.close();
      await client.disconnect();
    }
  });
});
