/**
 * One serial line, one source (regression: two modbus_rtu sources on /dev/ttyUSB0, one slave id each as a Telegraf
 * config has them, passed validate; at run time the second failed for good with "Cannot lock port").
 */
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { accepted, issuesOf } from '../helpers/config-issues.js';

/** A source of one unit with one register, its connection given as YAML lines (`type: ...`). */
const source = (name: string, unit: number, connection: string) =>
  `  - name: ${name}
${connection
  .split('\n')
  .map((l) => `    ${l}`)
  .join('\n')}
    unit_id: ${unit}
    asset: press-${unit}
    registers: [{ channel: force, address: 0, type: float32 }]`;
const sources = (...list: string[]) => `sources:\n${list.join('\n')}\nassets: []\n`;
const rtu = (path: string) => `type: modbus_rtu\npath: ${path}`;

describe('one source per serial line', () => {
  it('refuses two modbus_rtu sources on one serial port, naming both and saying where the second unit goes', async () => {
    const issues = await issuesOf(
      sources(source('line-a', 1, rtu('/dev/ttyUSB0')), source('line-b', 2, rtu('/dev/ttyUSB0'))),
    );
    expect(issues).toEqual([
      'sources[1].path: the same line as sources[0].path (serial port /dev/ttyUSB0: a second source cannot lock it); one serial line is one source: put unit 2 under sources[0].devices[] (unit_id, asset, registers) and remove sources[1]',
    ]);
  });

  it('knows a port by the file it links to, where it exists here (/dev/serial/by-id/... and /dev/ttyUSB0)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lw-serial-'));
    writeFileSync(join(dir, 'ttyUSB0'), '');
    symlinkSync(join(dir, 'ttyUSB0'), join(dir, 'usb-FTDI_FT232R-if00-port0'));
    const issues = await issuesOf(
      sources(
        source('line-a', 1, rtu(join(dir, 'ttyUSB0'))),
        source('line-b', 3, rtu(join(dir, 'usb-FTDI_FT232R-if00-port0'))),
      ),
    );
    expect(issues).toEqual([
      `sources[1].path: the same line as sources[0].path (serial port ${join(dir, 'usb-FTDI_FT232R-if00-port0')}: a second source cannot lock it); one serial line is one source: put unit 3 under sources[0].devices[] (unit_id, asset, registers) and remove sources[1]`,
    ]);
  });

  it('refuses two modbus_rtu_tcp sources on one device server port: two masters on its line', async () => {
    const gw = 'type: modbus_rtu_tcp\nhost: 10.0.0.30\nport: 4001';
    const issues = await issuesOf(sources(source('a', 1, gw), source('b', 2, gw), source('c', 4, gw)));
    expect(issues).toEqual(
      [1, 2].map(
        (i) =>
          `sources[${i}].host: the same line as sources[0].host (serial device server port 10.0.0.30:4001: two sources would be two masters on its line, each reading the other's answers); one serial line is one source: put unit ${[2, 4][i - 1]} under sources[0].devices[] (unit_id, asset, registers) and remove sources[${i}]`,
      ),
    );
  });

  // A host name is case-insensitive: written once as GW-30.plant.local and once as gw-30.plant.local, one device
  // server port passed as two lines.
  it('knows a device server by its host name whatever its case', async () => {
    const gw = (host: string) => `type: modbus_rtu_tcp\nhost: ${host}\nport: 4001`;
    const issues = await issuesOf(
      sources(source('a', 1, gw('GW-30.plant.local')), source('b', 2, gw('gw-30.plant.local'))),
    );
    expect(issues).toEqual([
      `sources[1].host: the same line as sources[0].host (serial device server port gw-30.plant.local:4001: two sources would be two masters on its line, each reading the other's answers); one serial line is one source: put unit 2 under sources[0].devices[] (unit_id, asset, registers) and remove sources[1]`,
    ]);
  });

  it('takes two serial ports, two device server ports, and two modbus_tcp sources on one PLC (each connection its own)', async () => {
    const tcp = 'type: modbus_tcp\nhost: 10.0.0.5\nport: 502';
    const config = await accepted(
      sources(
        source('line-a', 1, rtu('/dev/ttyUSB0')),
        source('line-b', 2, rtu('/dev/ttyUSB1')),
        source('gw-1', 3, 'type: modbus_rtu_tcp\nhost: 10.0.0.30\nport: 4001'),
        source('gw-2', 4, 'type: modbus_rtu_tcp\nhost: 10.0.0.30\nport: 4002'),
        source('plc-fast', 5, tcp),
        source('plc-slow', 6, tcp),
      ),
    );
    expect(config.sources.map((s) => s.name)).toEqual(['line-a', 'line-b', 'gw-1', 'gw-2', 'plc-fast', 'plc-slow']);
  });
});
