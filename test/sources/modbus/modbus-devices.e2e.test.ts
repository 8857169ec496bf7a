/**
 * Several devices (unit ids) behind one Modbus TCP connection, as behind a serial gateway: each
 * keeps its own rate while another stops answering, per-tag poll intervals, bounded write queues
 * with a counted drop, coalesced late polls. The server is modbus-serial's TCP server with a
 * fault-injecting register vector (unit 3 never answers, unit 4 answers slowly).
 */
import ModbusSerial from 'modbus-serial';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modbusTcpSourceSchema } from '../../../src/config/schema.js';
import type { Sample } from '../../../src/core/types.js';
import { decodeText } from '../../../src/sources/modbus/encoding.js';
import { freePort } from '../../../src/core/free-port.js';
import { ModbusSource } from '../../../src/sources/modbus/modbus-source.js';
import { createLogger } from '../../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../../src/telemetry/metrics.js';

const SILENT_UNIT = 3;
const SLOW_UNIT = 4;
const SLOW_MS = 150;
let server: InstanceType<typeof ModbusSerial.ServerTCP>;
let port: number;
let connections = 0;
const sockets: import('node:net').Socket[] = [];
const reads = new Map<string, number>();
const coils = new Map<number, boolean>();
const registers = new Map<number, number>();

beforeAll(async () => {
  port = await freePort();
  const vector = {
    getMultipleHoldingRegisters: (
      addr: number,
      length: number,
      unit: number,
      cb: (err: Error | null, v?: number[]) => void,
    ) => {
      reads.set(`${unit}/${addr}`, (reads.get(`${unit}/${addr}`) ?? 0) + 1);
      if (unit === SILENT_UNIT) return; // never answers
      const answer = () =>
        cb(
          null,
          Array.from({ length }, (_, i) => (unit * 1000 + addr + i) & 0xffff),
        );
      if (unit === SLOW_UNIT) setTimeout(answer, SLOW_MS);
      else answer();
    },
    getHoldingRegister: (addr: number, unit: number) => (unit * 1000 + addr) & 0xffff,
    getCoil: (addr: number, unit: number) => coils.get(unit * 100 + addr) ?? false,
    getDiscreteInput: (addr: number) => addr % 3 === 0,
    setRegister: (addr: number, value: number, unit: number, cb: (err: Error | null) => void) => {
      registers.set(unit * 1000 + addr, value);
      cb(null);
    },
    setCoil: (addr: number, value: boolean, unit: number, cb: (err: Error | null) => void) => {
      if (unit === SILENT_UNIT) return;
      coils.set(unit * 100 + addr, value);
      cb(null);
    },
  };
  server = new ModbusSerial.ServerTCP(vector as never, { host: '127.0.0.1', port, unitID: 255 });
  (server as unknown as { _server: import('node:net').Server })._server.on('connection', (socket) => {
    connections++;
    sockets.push(socket);
  });
  await new Promise<void>((r) => server.on('initialized', () => r()));
});

afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
});

function device(unit: number, extra: Record<string, unknown> = {}) {
  return {
    unit_id: unit,
    asset: `machine-${unit}`,
    registers: [{ channel: 'a', address: 10, type: 'uint32' }],
    ...extra,
  };
}

function source(devices: unknown[], extra: Record<string, unknown> = {}) {
  const logs: string[] = [];
  const metrics = new GatewayMetrics();
  const logger = createLogger('info', { write: (l: string) => logs.push(l) } as unknown as NodeJS.WritableStream);
  const config = modbusTcpSourceSchema.parse({
    name: 'gw',
    type: 'modbus_tcp',
    host: '127.0.0.1',
    port,
    poll_interval_ms: 50,
    timeout_ms: 400,
    devices,
    ...extra,
  });
  return { src: new ModbusSource(config, { logger, metrics }), logs, metrics };
}

const metricValue = async (metrics: GatewayMetrics, name: string, labels: Record<string, string>) =>
  (await metrics.registry.getSingleMetric(name)!.get()).values.find((v) =>
    Object.entries(labels).every(([k, x]) => v.labels[k] === x),
  )?.value ?? 0;

/** Every series of a metric, labels and value: a series never set is absent (not 0). */
const series = async (metrics: GatewayMetrics, name: string) =>
  (await metrics.registry.getSingleMetric(name)!.get()).values;

describe('device and connection metrics', () => {
  it("linewatch_device_up is 1 from a device's first answered read; a first connect is no reconnect, a dropped connection's is", async () => {
    const { src, metrics } = source([device(1), device(2)]);
    const batches: Sample[][] = [];
    const opened = sockets.length;
    await src.start((b) => batches.push([...b]));
    const answered = (n: number) =>
      expect.poll(
        () =>
          new Set(
            batches
              .slice(n)
              .filter((b) => b[0].quality === 'good')
              .map((b) => b[0].asset),
          ).size,
        {
          timeout: 10_000,
          interval: 20,
        },
      );
    try {
      await answered(0).toBe(2);
      expect(await series(metrics, 'linewatch_device_up')).toEqual([
        { labels: { source: 'gw', unit: '1' }, value: 1 },
        { labels: { source: 'gw', unit: '2' }, value: 1 },
      ]);
      expect(await series(metrics, 'linewatch_source_reconnects_total')).toEqual([]);
      expect(sockets.length - opened).toBe(1);

      sockets[opened].destroy();
      await expect.poll(() => sockets.length - opened, { timeout: 10_000, interval: 20 }).toBe(2);
      await answered(batches.length).toBe(2);
      expect(await series(metrics, 'linewatch_source_reconnects_total')).toEqual([
        { labels: { source: 'gw' }, value: 1 },
      ]);
      expect((await series(metrics, 'linewatch_device_up')).map((v) => v.value)).toEqual([1, 1]);
    } finally {
      await src.stop();
    }
  });
});

describe('several devices on one Modbus connection', () => {
  it('a unit that stops answering backs off alone: the others keep their rate, over one TCP connection', async () => {
    const { src, logs, metrics } = source([device(1), device(2), device(SILENT_UNIT)]);
    const before = connections;
    const batches: Sample[][] = [];
    await src.start((b) => batches.push([...b]));
    const t0 = Date.now();
    await expect
      .poll(() => batches.filter((b) => b[0].asset === 'machine-1' && b[0].quality === 'good').length, {
        timeout: 10_000,
        interval: 20,
      })
      .toBeGreaterThanOrEqual(40);
    const elapsed = Date.now() - t0;
    await src.stop();
    const good = (asset: string) => batches.filter((b) => b[0].asset === asset && b[0].quality === 'good');
    // 40 polls at 50 ms: about 2 s, although unit 3 costs a 400 ms timeout each time it is tried.
    expect(elapsed).toBeLessThan(3000);
    expect(good('machine-2').length).toBeGreaterThanOrEqual(35);
    expect(good(`machine-${SILENT_UNIT}`)).toHaveLength(0);
    expect(batches.some((b) => b[0].asset === `machine-${SILENT_UNIT}` && b[0].quality === 'bad')).toBe(true);
    expect(good('machine-1')[0][0]).toMatchObject({ channel: 'a', value: 1010 * 65536 + 1011, source: 'gw' });
    expect(connections - before).toBe(1);
    // Backoff: far fewer attempts on the silent unit than polls on the healthy ones.
    expect(reads.get(`${SILENT_UNIT}/10`)!).toBeLessThan(good('machine-1').length / 4);
    expect(await metricValue(metrics, 'linewatch_device_up', { unit: String(SILENT_UNIT) })).toBe(0);
    const noAnswer =
      'unit 3): read holding registers 10..11 (40011..40012): no answer within 400 ms (timeout_ms): the device is off ' +
      'or slower than that, or none has this unit id"';
    expect(logs.filter((l) => l.includes(noAnswer))).toHaveLength(1);
  });

  it('polls a tag with its own, slower interval', async () => {
    const { src } = source([
      device(5, {
        registers: [
          { channel: 'fast', address: 0, type: 'uint16' },
          { channel: 'slow', address: 20, type: 'float32', poll_interval_ms: 500 },
        ],
      }),
    ]);
    const batches: Sample[][] = [];
    await src.start((b) => batches.push([...b]));
    await expect
      .poll(() => batches.filter((b) => b[0].channel === 'fast').length, { timeout: 10_000, interval: 20 })
      .toBeGreaterThanOrEqual(30);
    await src.stop();
    const slow = batches.filter((b) => b.some((s) => s.channel === 'slow')).length;
    expect(slow).toBeGreaterThanOrEqual(2);
    expect(slow).toBeLessThanOrEqual(5);
    expect(batches.every((b) => b.length === 1)).toBe(true);
  });

  it('drops late polls instead of queueing them, and counts them', async () => {
    const { src, metrics } = source([device(SLOW_UNIT)], { poll_interval_ms: 50 });
    const batches: Sample[][] = [];
    await src.start((b) => batches.push([...b]));
    await expect.poll(() => batches.length, { timeout: 10_000, interval: 20 }).toBeGreaterThanOrEqual(6);
    await src.stop();
    // Each poll takes ~150 ms against a 50 ms interval: ~2 polls dropped per poll made, none queued.
    const dropped = await metricValue(metrics, 'linewatch_source_dropped_total', {
      unit: String(SLOW_UNIT),
      kind: 'poll',
    });
    expect(dropped).toBeGreaterThanOrEqual(batches.length);
    expect(batches.every((b) => b[0].quality === 'good')).toBe(true);
  });

  it('writes to the unit it is asked for; refuses writes beyond the device queue bound at once, counted', async () => {
    const { src, metrics } = source([device(1), device(SILENT_UNIT)], { max_queued_writes: 2 });
    await src.write({ table: 'coil', address: 4, value: true }, 1);
    expect(coils.get(104)).toBe(true);
    // Consecutive coils in one request (function 15): a stack light's three lamps.
    await src.write({ table: 'coil', address: 10, value: [true, false, true] }, 1);
    expect([110, 111, 112].map((a) => coils.get(a))).toEqual([true, false, true]);
    // Text to string registers (function 16), cut at a character boundary to fit 4 registers.
    await src.write({ table: 'holding', address: 20, text: 'PUMP-1 ALARM', length: 4, byteOrder: 'ABCD' }, 1);
    expect(
      decodeText(
        [20, 21, 22, 23].map((a) => registers.get(1000 + a)!),
        0,
        4,
        'ABCD',
      ),
    ).toBe('PUMP-1 A');
    const waiting = [
      src.write({ table: 'coil', address: 1, value: true }, SILENT_UNIT),
      src.write({ table: 'coil', address: 2, value: true }, SILENT_UNIT),
    ];
    await expect(src.write({ table: 'coil', address: 3, value: true }, SILENT_UNIT)).rejects.toThrow(
      /unit 3\): 2 writes already waiting \(max_queued_writes\); this one is refused/,
    );
    expect(
      await metricValue(metrics, 'linewatch_source_dropped_total', { unit: String(SILENT_UNIT), kind: 'write' }),
    ).toBe(1);
    await expect(src.write({ table: 'coil', address: 0, value: true }, 9)).rejects.toThrow(
      /no unit 9 on this connection \(units: 1, 3\)/,
    );
    for (const w of waiting)
      await expect(w).rejects.toThrow(/unit 3\): write coil [12]: no answer within 400 ms \(timeout_ms\)/);
    await src.stop();
  });

  it('reads coils and discrete inputs (functions 1 and 2) next to registers', async () => {
    coils.set(2 * 100 + 7, true);
    const { src } = source([
      device(2, {
        registers: [
          { channel: 'level', address: 10, type: 'uint32' },
          { channel: 'running', table: 'coil', address: 7, type: 'bit' },
          { channel: 'stopped', table: 'coil', address: 8, type: 'bit' },
          { channel: 'door_closed', table: 'discrete', address: 30, type: 'bit' },
          { channel: 'guard_open', table: 'discrete', address: 31, type: 'bit' },
        ],
      }),
    ]);
    const samples = await src.readOnce();
    const value = (c: string) => samples.find((s) => s.channel === c)?.value;
    expect({
      running: value('running'),
      stopped: value('stopped'),
      door: value('door_closed'),
      guard: value('guard_open'),
    }).toEqual({ running: 1, stopped: 0, door: 1, guard: 0 });
    expect(value('level')).toBe(2010 * 65536 + 2011);
    expect(src.requestCount).toBe(3);
  });
});
