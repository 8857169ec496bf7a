/**
 * `linewatch --help`, the first thing a user reads of the program: it said "Modbus ingestion" only, though the gateway
 * reads OPC UA and MQTT as well (an integrator porting an OPC UA setup took it for a Modbus tool). Each source type
 * configured by `type:` is named there by its protocol.
 */
import { describe, expect, it } from 'vitest';
import { SOURCE_TYPES } from '../../src/registry/components.js';
import { FAULT_TYPES } from '../../src/sim/faults.js';
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

describe('linewatch demo --help', () => {
  // A newcomer read 'fault injected by the demo' with no list, and --duration-s's default 0 with no word of its use.
  it('lists every fault --fault takes and says what --duration-s 0 does', async () => {
    const res = await runCli(['demo', '--help']);
    expect(res.code).toBe(0);
    const text = res.stdout.replace(/\s+/g, ' ');
    expect(text).toContain(`fault injected by the demo: ${FAULT_TYPES.join(', ')} (default: "cavitation")`);
    expect(text).toContain('exit after N seconds (0: run until Ctrl-C); a JSON summary is printed last (default: "0")');
  });
});
