/**
 * Regression: an int64 or uint64 register past 2^53 was rounded to the nearest double without a word
 * (-9007199254740993 read as -9007199254740992): a sample's value is a number. The first such read of each register
 * is now warned of, naming the register, the value the PLC sent and the one delivered. A real Modbus TCP server.
 */
import { describe, expect, it } from 'vitest';
import { localModbusTcp } from '../../helpers/local-modbus-source.js';
import type { Sample } from '../../../src/core/types.js';
import { ModbusSource } from '../../../src/sources/modbus/modbus-source.js';
import { GatewayMetrics } from '../../../src/telemetry/metrics.js';
import { logLines } from '../../helpers/log-lines.js';
import { int64Words, startRegisterPlc } from '../../helpers/register-plc.js';

describe('64-bit integer registers past 2^53', () => {
  it('are warned of once per register, with the value the PLC sent and the one delivered', async ({
    onTestFinished,
  }) => {
    const holding = new Map<number, number>();
    int64Words(-9007199254740993n).forEach((w, i) => holding.set(i, w));
    int64Words(2n ** 64n - 1n).forEach((w, i) => holding.set(4 + i, w)); // uint64's largest
    int64Words(2n ** 53n + 2n).forEach((w, i) => holding.set(8 + i, w)); // past 2^53, but a double holds it
    int64Words(-5n).forEach((w, i) => holding.set(12 + i, w));
    const plc = await startRegisterPlc(holding);
    onTestFinished(() => plc.close());
    const log = logLines('warn');
    const source = new ModbusSource(
      localModbusTcp(plc.port, {
        asset: 'meter-1',
        poll_interval_ms: 20,
        registers: [
          { channel: 'energy', address: 0, type: 'int64' },
          { channel: 'total', address: 4, type: 'uint64' },
          { channel: 'even', address: 8, type: 'int64' },
          { channel: 'small', address: 12, type: 'int64' },
        ],
      }),
      { logger: log.logger, metrics: new GatewayMetrics() },
    );
    onTestFinished(() => source.stop());
    const polls: (readonly Sample[])[] = [];
    await new Promise<void>((resolve) =>
      source.start((batch) => {
        if (polls.push(batch) === 3) resolve();
      }),
    );
    await source.stop();
    expect(polls[2].map((s) => [s.channel, s.value])).toEqual([
      ['energy', -9007199254740992],
      ['total', 18446744073709552000],
      ['even', 9007199254740994],
      ['small', -5],
    ]);
    const device = `device plc (127.0.0.1:${plc.port}, unit 1)`;
    const said = ': a sample holds integers exactly up to 2^53 (9007199254740992); said once per register';
    // Three polls, one warning per register whose value was rounded.
    expect(log.at(40)).toEqual([
      `${device}: channel energy (int64, holding register 0): read -9007199254740993, past 2^53, delivered as ` +
        `-9007199254740992${said}`,
      `${device}: channel total (uint64, holding register 4): read 18446744073709551615, past 2^53, delivered as ` +
        `18446744073709552000${said}`,
    ]);
  });
});
