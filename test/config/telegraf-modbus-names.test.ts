/**
 * A Modbus configuration written with Telegraf's names (a plant integrator's walk from Telegraf's Modbus input):
 * validate names linewatch's key or value for each, where nothing in our names was near enough to suggest.
 */
import { describe, expect, it } from 'vitest';
import { issuesOf } from '../helpers/config-issues.js';

const rtu = (source: string, register: string) => `sources:
  - name: line-485
    type: modbus_rtu
    path: /dev/ttyUSB0
    asset: press-1
${source}
    registers:
      - { channel: force, address: 0, ${register} }
assets: []
`;

describe("Telegraf's Modbus names", () => {
  it('names the key for slave_id, data_type and a register name', async () => {
    const issues = await issuesOf(
      rtu('    slave_id: 3', 'data_type: FLOAT32-IEEE').replace('{ channel: force,', '{ name: force,'),
    );
    // Besides these, the channel and type the register lacks.
    expect(issues).toEqual(
      expect.arrayContaining([
        `sources[0].slave_id: unknown key; did you mean unit_id? ("slave_id" in Telegraf's Modbus input)`,
        `sources[0].registers[0].name: unknown key; did you mean channel? ("name" in Telegraf)`,
        `sources[0].registers[0].data_type: unknown key; did you mean type? ("data_type" in Telegraf's Modbus input)`,
      ]),
    );
  });

  it('names the value for parity N, byte_order AB or GHEFCDAB, and type FLOAT64-IEEE', async () => {
    const issues = await issuesOf(rtu('    parity: N', 'type: FLOAT64-IEEE, byte_order: AB'));
    expect([...issues].sort()).toEqual([
      `sources[0].parity: expected one of "none", "even", "odd"; did you mean "none"? ("N" in Telegraf's Modbus input)`,
      `sources[0].registers[0].byte_order: expected one of "ABCD", "CDAB", "BADC", "DCBA"; did you mean "ABCD"? ("AB" in Telegraf's Modbus input)`,
      `sources[0].registers[0].type: expected one of "int16", "uint16", "int32", "uint32", "int64", "uint64", "float32", "float64", "bit", "string"; did you mean "float64"? ("FLOAT64-IEEE" in Telegraf's Modbus input)`,
    ]);
    expect([...(await issuesOf(rtu('    parity: E', 'type: float64, byte_order: GHEFCDAB')))].sort()).toEqual([
      `sources[0].parity: expected one of "none", "even", "odd"; did you mean "even"? ("E" in Telegraf's Modbus input)`,
      `sources[0].registers[0].byte_order: expected one of "ABCD", "CDAB", "BADC", "DCBA"; did you mean "CDAB"? ("GHEFCDAB" in Telegraf's Modbus input)`,
    ]);
  });

  it("names table for Telegraf's register and its register lists, registers for a request's fields", async () => {
    const issues = await issuesOf(rtu('    fields: []', 'type: uint16, register: holding'));
    expect(issues).toEqual(
      expect.arrayContaining([
        `sources[0].fields: unknown key; did you mean registers? ("fields" in Telegraf's Modbus input: a request's fields are the source's registers here, each with its own table and address)`,
        `sources[0].registers[0].register: unknown key; did you mean table? ("register" in Telegraf's Modbus input)`,
      ]),
    );
    const lists = await issuesOf(rtu('    input_registers: []', 'type: uint16, table: discrete_inputs'));
    expect(lists).toEqual(
      expect.arrayContaining([
        `sources[0].input_registers: unknown key; did you mean registers? ("input_registers" in Telegraf's Modbus input: one registers list here, each register with table: input)`,
        `sources[0].registers[0].table: expected one of "holding", "input", "coil", "discrete"; did you mean "discrete"? ("discrete_inputs" in Telegraf's Modbus input)`,
      ]),
    );
    expect(await issuesOf(rtu('', 'type: uint16, table: holding_registers'))).toContain(
      `sources[0].registers[0].table: expected one of "holding", "input", "coil", "discrete"; did you mean "holding"? ("holding_registers" in Telegraf's Modbus input)`,
    );
  });

  it("names linewatch's keys for node-red-contrib-modbus's client and read node settings", async () => {
    const tcp = `sources:
  - name: plc
    type: modbus_tcp
    tcpHost: 10.0.0.5
    tcpPort: 502
    clientTimeout: 1000
    rate: 500
    asset: press-1
    registers:
      - { channel: force, adr: 0, type: uint16, dataType: HoldingRegister }
assets: []
`;
    const issues = await issuesOf(tcp);
    const red = 'node-red-contrib-modbus';
    expect(issues).toEqual(
      expect.arrayContaining([
        `sources[0].tcpHost: unknown key; did you mean host? ("tcpHost" in ${red})`,
        `sources[0].tcpPort: unknown key; did you mean port? ("tcpPort" in ${red})`,
        `sources[0].clientTimeout: unknown key; did you mean timeout_ms? ("clientTimeout" in ${red})`,
        `sources[0].rate: unknown key; did you mean poll_interval_ms? ("rate" in ${red}: rate and rateUnit make one poll_interval_ms here, in milliseconds)`,
        `sources[0].registers[0].adr: unknown key; did you mean address? ("adr" in ${red})`,
        `sources[0].registers[0].dataType: unknown key; did you mean table? ("dataType" in ${red}: HoldingRegister is table: holding, InputRegister input, Coil coil, Input discrete)`,
      ]),
    );
    const serial = await issuesOf(rtu('    serialBaudrate: 19200\n    serialParity: even', 'type: uint16'));
    expect(serial).toEqual(
      expect.arrayContaining([
        `sources[0].serialBaudrate: unknown key; did you mean baud_rate? ("serialBaudrate" in ${red})`,
        `sources[0].serialParity: unknown key; did you mean parity? ("serialParity" in ${red})`,
      ]),
    );
  });

  it('says nothing of a foreign name where the object does not take the key it stands for', async () => {
    // The gateway block has a name, and no channel: `name` there is ours, and `slave_id` no key of it.
    const issues = await issuesOf(`gateway: { name: gw, slave_id: 3 }\nsources: []\n`);
    expect(issues).toContain('gateway.slave_id: unknown key');
  });
});
