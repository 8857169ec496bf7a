/**
 * The configuration guide's table of Telegraf's OPC UA names lists each one validate answers with ours
 * (foreign-names.ts), and the node id forms a Telegraf or Node-RED user has: a walk from Telegraf found only `ns=…;s=`
 * and `nsu=` written, while the schema takes `i=`, `g=` and `b=` too, and a node id without `ns=` is namespace 0.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { foreignKeysOf, TELEGRAF_OPCUA } from '../../src/core/foreign-names.js';
import { ROOT } from '../helpers/cli.js';

const guide = readFileSync(join(ROOT, 'docs/config-guide.md'), 'utf8');
const opcua = guide.slice(guide.indexOf('**`type: opcua`**'), guide.indexOf('**`type: mqtt`**'));
/** The rows of the table whose header names Telegraf. */
const table = opcua.split('\n').filter((line) => line.startsWith('| `'));

describe("config-guide.md: OPC UA from Telegraf's names", () => {
  it('lists every Telegraf OPC UA key that validate names, in the first column', () => {
    const keys = foreignKeysOf(TELEGRAF_OPCUA);
    expect(keys.length).toBeGreaterThan(10);
    const firstColumn = table.map((row) => row.split('|')[1]).join(' ');
    expect(keys.filter((key) => !firstColumn.includes(`\`${key}\``))).toEqual([]);
  });

  it('gives the node id forms with an example each, and namespace 0 where ns= is left out', () => {
    for (const example of ['`ns=2;s=Line.Tag1`', '`ns=2;i=1006`', '`nsu=urn:plant:plc;i=1007`', '`i=2258`'])
      expect(opcua).toContain(example);
    expect(opcua).toContain('namespace 0');
    expect(opcua).toContain('`/Objects/2:Line1/2:Tag11`');
  });

  it("names node-red-contrib-opcua's datatype suffix", () => {
    expect(opcua).toContain('`ns=3;s=Counter;datatype=Int32`');
  });
});
