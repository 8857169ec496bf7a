/**
 * Bad answers on the wire (fault injection: a raw TCP "PLC" that answers read requests with
 * truncated frames, a wrong byte count, random bytes or an exception): each is a clear error
 * naming the device and the registers, its tags are delivered as bad samples, nothing crashes,
 * and good answers are read again as soon as they come.
 */
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modbusTcpSourceSchema } from '../../../src/config/schema.js';
import type { Sample } from '../../../src/core/types.js';
import { ModbusSource } from '../../../src/sources/modbus/modbus-source.js';
import { createLogger } from '../../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../../src/telemetry/metrics.js';

type Mode = 'good' | 'truncated' | 'wrong-count' | 'garbage' | 'exception';
let mode: Mode = 'good';
let server: Server;
let seed = 99;
const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 24) & 0xff;

/** An answer to a function 3 request for `count` registers, as `mode` wants it. */
function answer(request: Buffer): Buffer {
  const count = request.readUInt16BE(10);
  const good = Buffer.alloc(9 + count * 2);
  request.copy(good, 0, 0, 4);
  good.writeUInt16BE(3 + count * 2, 4);
  good[6] = request[6];
  good[7] = 3;
  good[8] = count * 2;
  for (let i = 0; i < count; i++) good.writeUInt16BE(1000 + i, 9 + i * 2);
  switch (mode) {
    case 'good':
      return good;
    case 'truncated':
      return good.subarray(0, good.length - 3);
    case 'wrong-count': {
      const wrong = Buffer.concat([good, Buffer.from([0, 7])]);
      wrong.writeUInt16BE(3 + count * 2 + 2, 4);
      wrong[8] = count * 2 + 2;
      return wrong;
    }
    case 'garbage':
      return Buffer.from(Array.from({ length: 5 + (random() % 20) }, random));
    case 'exception':
      return Buffer.from([request[0], request[1], 0, 0, 0, 3, request[6], 0x83, 0x02]);
  }
}

beforeAll(async () => {
  server = createServer((socket) => {
    socket.on('data', (chunk: Buffer) => {
      for (let at = 0; at + 12 <= chunk.length; at += 12) socket.write(answer(chunk.subarray(at, at + 12)));
    });
    socket.on('error', () => socket.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('bad Modbus answers on the wire', () => {
  it('names each bad answer, marks its tags bad, keeps running, and reads good answers again', async () => {
    const logs: string[] = [];
    const config = modbusTcpSourceSchema.parse({
      name: 'flaky-plc',
      type: 'modbus_tcp',
      host: '127.0.0.1',
      port: (server.address() as AddressInfo).port,
      asset: 'press-9',
      poll_interval_ms: 20,
      timeout_ms: 300,
      registers: [{ channel: 'force', address: 0, type: 'uint32' }],
    });
    // Backoff without waiting (random() = 0 makes the jittered delay half the minimum).
    const source = new ModbusSource(config, {
      logger: createLogger('info', { write: (l: string) => logs.push(l) } as unknown as NodeJS.WritableStream),
      metrics: new GatewayMetrics(),
      random: () => 0,
    });
    const batches: Sample[][] = [];
    await source.start((b) => batches.push([...b]));
    const lastQuality = () => batches[batches.length - 1]?.[0].quality;
    await expect.poll(lastQuality, { timeout: 5000 }).toBe('good');
    expect(batches[batches.length - 1][0].value).toBe(1000 * 65536 + 1001);

    const expected: Record<Exclude<Mode, 'good'>, RegExp> = {
      truncated:
        /device flaky-plc \(127\.0\.0\.1:\d+, unit 1\): read holding registers 0\.\.1 \(40001\.\.40002\): no answer within 300 ms \(timeout_ms\)/,
      'wrong-count':
        /device flaky-plc \(127\.0\.0\.1:\d+, unit 1\): read holding registers 0\.\.1 \(40001\.\.40002\): /,
      garbage: /device flaky-plc \(127\.0\.0\.1:\d+, unit 1\): read holding registers 0\.\.1 \(40001\.\.40002\): /,
      exception:
        /device flaky-plc \(127\.0\.0\.1:\d+, unit 1\): read holding registers 0\.\.1 \(40001\.\.40002\): illegal data address \(Modbus exception 2\)/,
    };
    for (const bad of ['truncated', 'wrong-count', 'garbage', 'exception'] as const) {
      const logged = logs.length;
      mode = bad;
      await expect
        .poll(() => logs.slice(logged).some((l) => expected[bad].test(l)), {
          timeout: 10_000,
          message: `${bad}: ${logs.slice(logged).join('')}`,
        })
        .toBe(true);
      await expect.poll(lastQuality, { timeout: 5000 }).toBe('bad');
      mode = 'good';
      await expect.poll(lastQuality, { timeout: 10_000, message: `no good read after ${bad}` }).toBe('good');
    }
    await source.stop();
    process.stdout.write(
      `bad frames: ${logs
        .map((l) => JSON.parse(l).msg)
        .filter((m: string) => /read holding/.test(m))
        .join(' | ')}\n`,
    );
    expect(
      batches
        .flat()
        .filter((s) => s.quality === 'good')
        .every((s) => s.value === 1000 * 65536 + 1001),
    ).toBe(true);
  }, 60_000);
});
