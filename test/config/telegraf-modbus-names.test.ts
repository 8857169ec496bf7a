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

  it('says nothing of a foreign name where the object does not take the key it stands for', async () => {
    // The gateway block has a name, and no channel: `name` there is ours, and `slave_id` no key of it.
    const issues = await issuesOf(`gateway: { name: gw, slave_id: 3 }\nsources: []\n`);
    expect(issues).toContain('gateway.slave_id: unknown key');
  });
});
