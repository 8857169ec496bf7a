/**
 * Regression: `run --once` gave the tags of a device's reads that were never sent (the device failed an earlier read
 * of the same poll, so the rest of the poll was given up) the failed read's reason, which names another register. Each
 * now says it was not sent, naming its own read and the one that failed before it. A real Modbus TCP to RTU gateway
 * on a socket (test/helpers/one-line-modbus-gateway.ts) whose unit 1 answers nothing.
 */
import { describe, expect, it } from 'vitest';
import { localModbusTcp } from '../../helpers/local-modbus-source.js';
import { ModbusSource } from '../../../src/sources/modbus/modbus-source.js';
import { createLogger } from '../../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../../src/telemetry/metrics.js';
import { startOneLineGateway } from '../../helpers/one-line-modbus-gateway.js';

describe('run --once: reads not sent after a failed one', () => {
  it('gives their tags a reason naming their own read and the failure that stopped them', async ({
    onTestFinished,
  }) => {
    const gateway = await startOneLineGateway(new Map([[1, { silent: true }]]));
    onTestFinished(() => gateway.close());
    const source = new ModbusSource(
      localModbusTcp(gateway.port, {
        asset: 'pump-1',
        timeout_ms: 200,
        // Three reads: the registers lie too far apart for one.
        registers: [
          { channel: 'pressure', address: 0, type: 'uint16' },
          { channel: 'flow', address: 500, type: 'uint16' },
          { channel: 'speed', address: 501, type: 'uint16' },
          { channel: 'level', address: 900, type: 'uint16' },
        ],
      }),
      { logger: createLogger('silent'), metrics: new GatewayMetrics() },
    );
    const samples = await source.readOnce();
    const device = `device plc (127.0.0.1:${gateway.port}, unit 1)`;
    const noAnswer =
      'no answer within 200 ms (timeout_ms): the device is off or slower than that, or none has this unit id';
    expect(samples.map((s) => [s.channel, s.quality, s.reason])).toEqual([
      ['pressure', 'bad', `${device}: read holding registers 0..0 (40001..40001): ${noAnswer}`],
      [
        'flow',
        'bad',
        `${device}: read holding registers 500..501 (40501..40502): not sent, since read holding registers 0..0 ` +
          `(40001..40001) before it failed: ${noAnswer}`,
      ],
      [
        'speed',
        'bad',
        `${device}: read holding registers 500..501 (40501..40502): not sent, since read holding registers 0..0 ` +
          `(40001..40001) before it failed: ${noAnswer}`,
      ],
      [
        'level',
        'bad',
        `${device}: read holding registers 900..900 (40901..40901): not sent, since read holding registers 0..0 ` +
          `(40001..40001) before it failed: ${noAnswer}`,
      ],
    ]);
    // Only the first read went on the line.
    expect(gateway.requests.get(1)).toBe(1);
  });
});
