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

/**
 * A source on the gateway, one device per unit (asset unit-N, register 10 as uint16, and `registers` more), polled
 * every 50 ms.
 */
async function gatewaySource(
  units: Record<number, GatewayUnit>,
  lines: 'one' | 'per-unit',
  timeoutMs: number,
  registers: unknown[] = [],
) {
  const gateway: OneLineGateway = await startOneLineGateway(
    new Map(Object.entries(units).map(([u, v]) => [+u, v])),
    lines,
  );
  const logs: string[] = [];
  const metrics = new GatewayMetrics();
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
        registers: [{ channel: 'r10', address: 10, type: 'uint16' }, ...registers],
      })),
    }),
    { logger, metrics },
  );
  const batches: Sample[][] = [];
  await source.start((b) => batches.push([...b]));
  cleanups.push(async () => {
    await source.stop();
    await gateway.close();
  });
  const good = (unit: number) => batches.filter((b) => b[0].asset === `unit-${unit}` && b[0].quality === 'good');
  return { gateway, source, logs, batches, good, metrics };
}

/** Waits for three good reads of unit 1 and three polls of unit 2 (whose answers are malformed). */
async function untilPolled(batches: readonly Sample[][], good: (unit: number) => readonly Sample[][]): Promise<void> {
  await expect.poll(() => good(1).length, { timeout: 10_000, interval: 20 }).toBeGreaterThanOrEqual(3);
  await expect
    .poll(() => batches.filter((b) => b[0].asset === 'unit-2').length, { timeout: 10_000, interval: 20 })
    .toBeGreaterThanOrEqual(3);
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
    await untilPolled(batches, good);
    expect(good(2)).toEqual([]);
    expect(
      logs.some((l) =>
        l.includes('unit 2): read holding registers 10..10 (40011..40011): the answer holds 0 registers, 1 asked for'),
      ),
    ).toBe(true);
  });

  it('an answer whose byte count is larger than the registers it carries is a failed read that says so (was: modbus-serial\'s "offset is out of range")', async () => {
    // Five registers asked for and carried (10 bytes), the byte count saying 20: modbus-serial reads past the answer.
    const five = [11, 12, 13, 14].map((a) => ({ channel: `r${a}`, address: a, type: 'uint16' }));
    const { gateway, batches, good, logs } = await gatewaySource(
      { 1: {}, 2: { answer: 'long-count' } },
      'per-unit',
      1000,
      five,
    );
    await untilPolled(batches, good);
    expect(good(2)).toEqual([]);
    expect(
      batches
        .filter((b) => b[0].asset === 'unit-2')
        .flat()
        .every((s) => s.failedRead === true),
    ).toBe(true);
    const told = logs.filter((l) => l.includes('unit 2)')).map((l) => JSON.parse(l).msg as string);
    expect(told[0]).toBe(
      `device gw (127.0.0.1:${gateway.port}, unit 2): read holding registers 10..14 (40011..40015): unit 2 answered 10 bytes where its byte count says 20: a short or corrupted answer`,
    );
  });

  it("a healthy unit's reads wait out a slow unit's on the gateway's one serial line without timing out (regression: every unit timed out and the connection was dropped)", async () => {
    // Unit 2 holds the line 600 ms, past timeout_ms 400: the gateway answers unit 1's read only after it.
    const { gateway, batches, good, logs, source } = await gatewaySource({ 1: {}, 2: { delayMs: 600 } }, 'one', 400);
    await expect.poll(() => gateway.requests.get(2) ?? 0, { timeout: 10_000, interval: 20 }).toBeGreaterThanOrEqual(3);
    await expect.poll(() => good(1).length, { timeout: 10_000, interval: 20 }).toBeGreaterThanOrEqual(20);
    expect(batches.filter((b) => b[0].asset === 'unit-1' && b[0].quality !== 'good')).toEqual([]);
    expect(gateway.connections).toBe(1);
    expect(logs.filter((l) => l.includes('unit 1)'))).toEqual([]);
    expect(logs.some((l) => l.includes('unit 2): read holding registers 10..10 (40011..40011): no answer'))).toBe(true);
    expect(source.tagIssues()).toEqual([
      expect.stringMatching(/unit 2\): read holding registers 10\.\.10 \(40011\.\.40011\): no answer within 400 ms/),
    ]);
  });

  it('a register the unit refuses is logged once while it lasts, and its unit stays up (regression: the refusal and "answers again" at every poll)', async () => {
    const refused = new Set([60]);
    const { batches, logs, metrics, source } = await gatewaySource({ 1: { refused } }, 'one', 1000, [
      { channel: 'r60', address: 60, type: 'uint16' },
    ]);
    const r60 = () => batches.flat().filter((s) => s.channel === 'r60');
    await expect.poll(() => r60().length, { timeout: 10_000, interval: 20 }).toBeGreaterThanOrEqual(10);
    expect(r60().filter((s) => s.quality === 'good')).toEqual([]);
    expect(batches.flat().filter((s) => s.channel === 'r10' && s.quality !== 'good')).toEqual([]);
    const refusal = 'unit 1): read holding registers 60..60 (40061..40061): illegal data address (Modbus exception 2)';
    expect(logs.filter((l) => l.includes(refusal))).toHaveLength(1);
    expect(logs.filter((l) => l.includes('answer'))).toEqual([]);
    const value = async (name: string, labels: Record<string, string>) =>
      (await metrics.registry.getSingleMetric(name)!.get()).values.find((v) =>
        Object.entries(labels).every(([k, x]) => v.labels[k] === x),
      )?.value;
    expect(await value('linewatch_device_up', { unit: '1' })).toBe(1);
    // /api/status lists it among the source's issues while it lasts.
    expect(source.tagIssues()).toEqual([expect.stringContaining(refusal)]);
    expect(await value('linewatch_source_errors_total', { kind: 'DEVICE_EXCEPTION' })).toBeGreaterThanOrEqual(10);
    // The PLC's program now has the register: said once.
    refused.clear();
    await expect.poll(() => r60().at(-1)?.quality, { timeout: 10_000, interval: 20 }).toBe('good');
    expect(r60().at(-1)?.value).toBe(1060);
    expect(source.tagIssues()).toEqual([]);
    expect(
      logs.filter((l) => l.includes('unit 1): read holding registers 60..60 (40061..40061): answered again')),
    ).toHaveLength(1);
  });

  it('refuses a write its type cannot hold before sending it, and keeps the connection', async () => {
    const { source, good } = await gatewaySource({ 1: {} }, 'one', 1000);
    await expect.poll(() => good(1).length, { timeout: 10_000, interval: 20 }).toBeGreaterThanOrEqual(1);
    const write = {
      table: 'holding',
      address: 0,
      value: 70000,
      type: 'uint16',
      byteOrder: 'ABCD',
      scale: 1,
      offset: 0,
    };
    await expect(source.write(write as never, 1)).rejects.toThrow(
      /^device gw \(127\.0\.0\.1:\d+, unit 1\): write holding register 0: 70000 is out of range for uint16 \(0\.\.65535\)$/,
    );
    expect(source.connected).toBe(true);
    expect(source.connections).toBe(1);
  });
});
