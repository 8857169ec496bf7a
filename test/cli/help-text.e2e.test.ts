/**
 * `linewatch --help`, the first thing a user reads of the program: it said "Modbus ingestion" only, though the gateway
 * reads OPC UA and MQTT as well (an integrator porting an OPC UA setup took it for a Modbus tool). Each source type
 * configured by `type:` is named there by its protocol.
 */
import { describe, expect, it } from 'vitest';
import { SOURCE_TYPES } from '../../src/registry/components.js';
import { runCli } from '../helpers/cli.js';

/** A source type's protocol as a user names it: modbus_rtu_tcp → Modbus, opcua → OPC UA, mqtt → MQTT. */
const protocolOf = (type: string) => ({ modbus: 'Modbus', opcua: 'OPC UA', mqtt: 'MQTT' })[type.split('_')[0]!];

describe('linewatch --help', () => {
  it('names the protocol of every source type the configuration takes', async () => {
    const res = await runCli(['--help']);
    expect(res.code).toBe(0);
    const protocols = [...new Set(SOURCE_TYPES.map((t) => protocolOf(t.type)))];
    expect(protocols).toEqual(['Modbus', 'OPC UA', 'MQTT']);
    for (const p of protocols) expect(res.stdout, p).toContain(p);
  });
});
