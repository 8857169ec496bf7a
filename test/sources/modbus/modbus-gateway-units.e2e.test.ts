/**
 * Several units behind one Modbus TCP to RTU gateway (test/helpers/one-line-modbus-gateway.ts: real sockets, the
 * units' faults injected), where one unit misbehaves: the others keep being read.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { modbusTcpSourceSchema } from '../../../src/config/schema.js';
import type { Sample } from '../../../src/core/types.js';
import { ModbusSource } from '../../../src/sources/modbus/modbus-source.js';
import { createLogger } from '../../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../../src/telemetry/metrics.js';
import { startOneLineGateway, type GatewayUnit, type OneLineGateway } from '../../helpers/one-line-modbus-gateway.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

/** A source on the gateway, one device per unit (asset unit-N, register 10 as uint16), polled every 50 ms. */
async function gatewaySource(units: Record<number, GatewayUnit>, lines: 'one' | 'per-unit', timeoutMs: number) {
  const gateway: OneLineGateway = await startOneLineGateway(
    new Map(Object.entries(units).map(([u, v]) => [+u, v])),
    lines,
  );
  const logs: string[] = [];
  const logger = createLogger('info', { write: (l: string) => logs.push(l) } as unknown as NodeJS.WritableStream);
  const source = new ModbusSource(
    modbusTcpSourceSchema.parse({
      name: 'gw',
      type: 'modbus_tcp',
      host: '127.0.0.1',
      port: gateway.port,
      poll_interval_ms: 50,
      timeout_ms: timeoutMs,
      devices: Object.keys(units).map((u) => ({
        unit_id: +u,
        asset: `unit-${u}`,
        registers: [{ channel: 'r10', address: 10, type: 'uint16' }],
      })),
    }),
    { logger, metrics: new GatewayMetrics() },
  );
  const batches: Sample[][] = [];
  await source.start((b) => batches.push([...b]));
  cleanups.push(async () => {
    await source.stop();
    await gateway.close();
  });
  const good = (unit: number) => batches.filter((b) => b[0].asset === `unit-${unit}` && b[0].quality === 'good');
  return { gateway, source, logs, batches, good };
}

describe('Modbus TCP gateway: one unit misbehaves, the others are read', () => {
  it('a unit whose malformed answer drops the connection does not stall a unit whose read was in flight (regression: its poll loop waited for good)', async () => {
    // Unit 1 answers in 300 ms on its own serial port; unit 2 answers at once, too long, which drops the connection
    // while unit 1's read is on its way. modbus-serial's destroy() never calls that read back.
    const { good, logs } = await gatewaySource({ 1: { delayMs: 300 }, 2: { answer: 'long' } }, 'per-unit', 1000);
    await expect.poll(() => good(1).length, { timeout: 10_000, interval: 20 }).toBeGreaterThanOrEqual(3);
    expect(good(1)[0][0]).toMatchObject({ channel: 'r10', value: 1010 });
    // The drop is unit 2's doing: logged as unit 2's, never as a failure of unit 1.
    expect(
      logs.some((l) => l.includes('unit 2): read holding registers 10..10 (40011..40011): Data length error')),
    ).toBe(true);
    expect(logs.filter((l) => l.includes('unit 1)'))).toEqual([]);
  });

  it('an answer whose byte count is short of the registers asked for is bad, not zeros (regression: read as 0, good)', async () => {
    // modbus-serial takes as many registers as the byte count says: here none, of one asked for.
    const { batches, good, logs } = await gatewaySource({ 1: {}, 2: { answer: 'short-count' } }, 'per-unit', 1000);
    await expect.poll(() => good(1).length, { timeout: 10_000, interval: 20 }).toBeGreaterThanOrEqual(3);
    await expect
      .poll(() => batches.filter((b) => b[0].asset === 'unit-2').length, { timeout: 10_000, interval: 20 })
      .toBeGreaterThanOrEqual(3);
    expect(good(2)).toEqual([]);
    expect(
      logs.some((l) =>
        l.includes('unit 2): read holding registers 10..10 (40011..40011): the answer holds 0 registers, 1 asked for'),
      ),
    ).toBe(true);
  });

  it("a healthy unit's reads wait out a slow unit's on the gateway's one serial line without timing out (regression: every unit timed out and the connection was dropped)", async () => {
    // Unit 2 holds the line 600 ms, past timeout_ms 400: the gateway answers unit 1's read only after it.
    const { gateway, batches, good, logs } = await gatewaySource({ 1: {}, 2: { delayMs: 600 } }, 'one', 400);
    await expect.poll(() => gateway.requests.get(2) ?? 0, { timeout: 10_000, interval: 20 }).toBeGreaterThanOrEqual(3);
    await expect.poll(() => good(1).length, { timeout: 10_000, interval: 20 }).toBeGreaterThanOrEqual(20);
    expect(batches.filter((b) => b[0].asset === 'unit-1' && b[0].quality !== 'good')).toEqual([]);
    expect(gateway.connections).toBe(1);
    expect(logs.filter((l) => l.includes('unit 1)'))).toEqual([]);
    expect(logs.some((l) => l.includes('unit 2): read holding registers 10..10 (40011..40011): no answer'))).toBe(true);
  });
});
