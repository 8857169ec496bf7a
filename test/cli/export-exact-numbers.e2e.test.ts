/**
 * Regression: `linewatch export` wrote readings to 15 significant digits, so an int64 register holding -2^53
 * (-9007199254740992), read from the PLC and stored exactly, was exported as -9007199254740990: train and eval read
 * another number than the gateway stored. Each reading is now written as the shortest decimal that reads back as the
 * stored number. A real Modbus TCP server, the Modbus source's samples stored as the gateway stores them, the CLI in a
 * child process.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { modbusTcpSourceSchema } from '../../src/config/schema.js';
import { insertRows, openStoreDatabase, prepareStatements } from '../../src/sinks/local/store-tables.js';
import { ModbusSource } from '../../src/sources/modbus/modbus-source.js';
import { createLogger } from '../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';
import { runCli } from '../helpers/cli.js';
import { int64Words, startRegisterPlc } from '../helpers/register-plc.js';

describe('linewatch export of numbers', () => {
  it('writes an int64 register of -2^53 and a scaled register as they read back exactly', async ({
    onTestFinished,
  }) => {
    const holding = new Map<number, number>();
    int64Words(-(2n ** 53n)).forEach((w, i) => holding.set(i, w));
    int64Words(2n ** 53n - 1n).forEach((w, i) => holding.set(4 + i, w));
    holding.set(8, 289);
    const plc = await startRegisterPlc(holding);
    onTestFinished(() => plc.close());
    const source = new ModbusSource(
      modbusTcpSourceSchema.parse({
        name: 'pump-plc',
        type: 'modbus_tcp',
        host: '127.0.0.1',
        port: plc.port,
        unit_id: 1,
        asset: 'pump-7',
        registers: [
          { channel: 'energy', address: 0, type: 'int64' },
          { channel: 'counter', address: 4, type: 'int64' },
          { channel: 'flow', address: 8, type: 'uint16', scale: 0.0001 },
        ],
      }),
      { logger: createLogger('silent'), metrics: new GatewayMetrics() },
    );
    const samples = await source.readOnce();
    expect(samples.map((s) => [s.channel, s.value])).toEqual([
      ['energy', -9007199254740992],
      ['counter', 9007199254740991],
      ['flow', 0.0289],
    ]);

    const dir = await mkdtemp(join(tmpdir(), 'lw-export-numbers-'));
    const db = openStoreDatabase(join(dir, 'store.db'));
    // Two polls a second apart, as the gateway stores them.
    const polls = [0, 1000].flatMap((dt) => samples.map((s) => ({ ...s, ts: 1_765_000_000_000 + dt })));
    db.transaction(() =>
      insertRows(prepareStatements(db), { samples: polls, scores: [], parts: [], alarms: [], holds: [], gaps: [] }),
    )();
    db.close();
    const out = join(dir, 'pump.csv');
    const res = await runCli([
      'export',
      '--db',
      join(dir, 'store.db'),
      '--asset',
      'pump-7',
      '--channels',
      'energy,counter,flow',
      '--out',
      out,
    ]);
    expect(res.code, res.stderr).toBe(0);
    const lines = (await readFile(out, 'utf8')).trim().split('\n');
    expect(lines[0]).toBe('timestamp,energy,counter,flow');
    expect(lines.slice(1).map((l) => l.split(',').slice(1))).toEqual([
      ['-9007199254740992', '9007199254740991', '0.0289'],
      ['-9007199254740992', '9007199254740991', '0.0289'],
    ]);
  }, 60_000);
});
