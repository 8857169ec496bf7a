/**
 * A unit answers a read after the gateway gave up on it (timeout_ms), while the next read of the same unit, function
 * and size waits for its answer. RTU frames carry no transaction id: modbus-serial takes any answer of that unit,
 * function and length as the pending request's, so the late answer's values were delivered under the next read's
 * registers, good (regression). Modbus TCP answers carry the request's transaction id: the late one is discarded.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { modbusRtuOverTcpSourceSchema, modbusTcpSourceSchema } from '../../../src/config/schema.js';
import { ModbusSource } from '../../../src/sources/modbus/modbus-source.js';
import { createLogger } from '../../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../../src/telemetry/metrics.js';
import { startLateAnsweringUnit } from '../../helpers/late-answering-unit.js';
import { connectedUnit1 } from '../../helpers/local-modbus-source.js';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

const TIMEOUT_MS = 300;

/**
 * Unit 1 with two single registers in two poll groups (so that `run --once` reads the second after the first failed):
 * register 0 answered 450 ms late, after its 300 ms timeout, while the read of register 100 waits.
 */
async function lateFirstRead(framing: 'rtu' | 'tcp') {
  const unit = await startLateAnsweringUnit({ framing, late: new Set([0]), lateMs: 450 });
  cleanups.push(() => unit.close());
  const common = {
    name: 'slow',
    host: '127.0.0.1',
    port: unit.port,
    unit_id: 1,
    asset: 'press-1',
    timeout_ms: TIMEOUT_MS,
    registers: [
      { channel: 'r0', address: 0, type: 'uint16', poll_interval_ms: 1000 },
      { channel: 'r100', address: 100, type: 'uint16', poll_interval_ms: 2000 },
    ],
  };
  const config =
    framing === 'rtu'
      ? modbusRtuOverTcpSourceSchema.parse({ ...common, type: 'modbus_rtu_tcp' })
      : modbusTcpSourceSchema.parse({ ...common, type: 'modbus_tcp' });
  const source = new ModbusSource(config, { logger: createLogger('silent'), metrics: new GatewayMetrics() });
  const samples = await source.readOnce();
  return { unit, samples };
}

describe('a late answer, after timeout_ms, while the next read of the same size waits', () => {
  it.each([
    [
      "modbus_rtu_tcp: is not taken as the next read's answer (regression: register 0's value as register 100's)",
      'rtu',
    ],
    ['modbus_tcp: is discarded by its transaction id, and the next read gets its own answer', 'tcp'],
  ] as const)('%s', async (_title, framing) => {
    const { unit, samples } = await lateFirstRead(framing);
    expect(unit.reads).toEqual([0, 100]);
    expect(samples.find((s) => s.channel === 'r0')).toMatchObject({
      quality: 'bad',
      reason: expect.stringContaining('read holding registers 0..0 (40001..40001): no answer within 300 ms'),
    });
    expect(samples.find((s) => s.channel === 'r100')).toMatchObject({ quality: 'good', value: 1100 });
  });
});

describe('modbus_tcp: a late answer whose transaction id has come round again (modbus-serial counts ids to 256)', () => {
  it('is not taken as the answer of the read that now has that id (regression: register 0 read as register 100)', async () => {
    // Register 0's answer comes just before that of the 256th read after it, which has its transaction id again.
    const unit = await startLateAnsweringUnit({ framing: 'tcp', late: new Set([0]), lateAfterReads: 256 });
    cleanups.push(() => unit.close());
    const config = modbusTcpSourceSchema.parse({
      name: 'slow',
      type: 'modbus_tcp',
      host: '127.0.0.1',
      port: unit.port,
      unit_id: 1,
      asset: 'press-1',
      timeout_ms: TIMEOUT_MS,
      registers: [{ channel: 'r0', address: 0, type: 'uint16' }],
    });
    const connection = await connectedUnit1(config);
    cleanups.push(() => connection.end());
    const read = (address: number) =>
      connection.request<{ data: number[] }>(TIMEOUT_MS, (c, cb) => c.writeFC3(1, address, 1, cb));
    await expect(read(0)).rejects.toThrow('no answer within 300 ms (timeout_ms)');
    for (let i = 0; i < 255; i++) expect((await read(50)).data).toEqual([1050]);
    expect((await read(100)).data).toEqual([1100]);
    expect(unit.reads.at(-1)).toBe(100);
  });
});
