/**
 * Modbus RTU over a real serial line: a pseudo-terminal pair made by socat, the simulator's RTU
 * server on one end, the gateway's RTU source on the other.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { modbusRtuSourceSchema } from '../../../src/config/schema.js';
import type { Sample } from '../../../src/core/types.js';
import { LineSimulator } from '../../../src/sim/line-simulator.js';
import { startSimModbusRtuServer } from '../../../src/sim/modbus-server.js';
import { describeModbusError } from '../../../src/sources/modbus/errors.js';
import { ModbusConnection, type ModbusClient } from '../../../src/sources/modbus/modbus-connection.js';
import { ModbusSource } from '../../../src/sources/modbus/modbus-source.js';
import { createLogger } from '../../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../../src/telemetry/metrics.js';
import { ptyPair } from '../../helpers/pty-pair.js';

// The plant's clock stands at 400,000 s, so the press has made 66,666 parts: its uint32 counter needs the high word.
let clockMs = 0;
const sim = new LineSimulator({ seed: 12, now: () => clockMs });
clockMs = 400_000_000;
sim.tick();
const cleanups: (() => Promise<void>)[] = [];

/** A fresh socat pty pair with the simulator's RTU server on one end; returns the other end. */
async function ptyLine(): Promise<string> {
  return (await unpluggableLine()).path;
}

/** A socat pty pair with nothing on the other end, as a serial line whose devices are all off; returns one end. */
async function silentLine(): Promise<string> {
  return (await unpluggableLine(false)).path;
}

/** As ptyLine, and unplug(): socat ends, both ptys vanish, as a USB adapter pulled out. */
async function unpluggableLine(served = true): Promise<{ path: string; unplug: () => void }> {
  const line = await ptyPair();
  const server = served ? await startSimModbusRtuServer(sim, line.device, 19200) : undefined;
  cleanups.push(async () => {
    await server?.close().catch(() => undefined);
    line.close();
  });
  return { path: line.gateway, unplug: () => line.close() };
}

afterAll(async () => {
  for (const c of cleanups) await c();
});

const config = (path: string, registers: unknown[]) =>
  modbusRtuSourceSchema.parse({
    name: 'pump-rtu',
    type: 'modbus_rtu',
    path,
    baud_rate: 19200,
    unit_id: 1,
    asset: 'pump-1',
    poll_interval_ms: 100,
    timeout_ms: 2000,
    registers,
  });

describe('Modbus RTU over a serial line (socat pty pair)', () => {
  it('reads and decodes the pump registers, as over TCP', async () => {
    const source = new ModbusSource(
      config(await ptyLine(), [
        { channel: 'voltage', address: 4, type: 'float32', byte_order: 'CDAB' },
        { channel: 'flow', address: 10, type: 'uint32', byte_order: 'CDAB', scale: 0.001 },
        { channel: 'run_hours', address: 12, type: 'float64', byte_order: 'DCBA' },
      ]),
      { logger: createLogger('silent'), metrics: new GatewayMetrics() },
    );
    const batches: Sample[][] = [];
    await source.start((b) => batches.push([...b]));
    while (batches.length < 3) await new Promise((r) => setTimeout(r, 50));
    await source.stop();
    const last = batches[batches.length - 1];
    const value = (c: string) => last.find((s) => s.channel === c)!.value;
    expect(last.every((s) => s.quality === 'good')).toBe(true);
    expect(value('voltage')).toBeGreaterThan(220);
    expect(value('voltage')).toBeLessThan(240);
    expect(value('flow')).toBeGreaterThan(20);
    expect(value('run_hours')).toBeCloseTo(sim.snapshot.pumpRunHours, 1);
  });

  it('names an exception answered over RTU with device, path and register', async () => {
    const path = await ptyLine();
    const source = new ModbusSource(config(path, [{ channel: 'nothing', address: 40, type: 'uint16' }]), {
      logger: createLogger('silent'),
      metrics: new GatewayMetrics(),
    });
    const [nothing] = await source.readOnce();
    expect(nothing).toMatchObject({
      channel: 'nothing',
      quality: 'bad',
      reason: `device pump-rtu (${path} 19200 8N1, unit 1): read holding registers 40..40 (40041..40041): illegal data address (Modbus exception 2)`,
    });
  });

  it('names a unit that does not answer with the timeout, its key and what to check on a serial line', async () => {
    // No device on the line: unit 5 is never answered (the simulator's server would answer exception 11 for it).
    const path = await silentLine();
    const source = new ModbusSource(
      modbusRtuSourceSchema.parse({
        name: 'pump-rtu',
        type: 'modbus_rtu',
        path,
        baud_rate: 19200,
        unit_id: 5,
        asset: 'pump-5',
        timeout_ms: 300,
        registers: [{ channel: 'voltage', address: 4, type: 'float32', byte_order: 'CDAB' }],
      }),
      { logger: createLogger('silent'), metrics: new GatewayMetrics() },
    );
    const [voltage] = await source.readOnce();
    expect(voltage).toMatchObject({
      channel: 'voltage',
      quality: 'bad',
      reason:
        `device pump-rtu (${path} 19200 8N1, unit 5): read holding registers 4..5 (40005..40006): no answer within ` +
        "300 ms (timeout_ms): the device is off or slower than that, or none has this unit id, or the line's serial " +
        "settings (baud rate, parity, data and stop bits) are not the device's",
    });
  });

  it('polls two units on one serial line, one request on the line at a time', async () => {
    const path = await ptyLine();
    const source = new ModbusSource(
      modbusRtuSourceSchema.parse({
        name: 'line-1-rs485',
        type: 'modbus_rtu',
        path,
        baud_rate: 19200,
        poll_interval_ms: 100,
        timeout_ms: 2000,
        devices: [
          {
            unit_id: 1,
            asset: 'pump-1',
            registers: [{ channel: 'voltage', address: 4, type: 'float32', byte_order: 'CDAB' }],
          },
          { unit_id: 2, asset: 'press-1', registers: [{ channel: 'part_counter', address: 1, type: 'uint32' }] },
        ],
      }),
      { logger: createLogger('silent'), metrics: new GatewayMetrics() },
    );
    const batches: Sample[][] = [];
    await source.start((b) => batches.push([...b]));
    while (
      batches.filter((b) => b[0].asset === 'press-1').length < 3 ||
      batches.filter((b) => b[0].asset === 'pump-1').length < 3
    )
      await new Promise((r) => setTimeout(r, 50));
    await source.stop();
    expect(batches.flat().every((s) => s.quality === 'good')).toBe(true);
    expect(batches.find((b) => b[0].asset === 'pump-1')![0].value).toBeGreaterThan(220);
    // Unit 2's part counter, a uint32 over two registers, reads as the press's own count.
    expect(sim.snapshot.press.part_counter).toBe(66_666);
    expect(batches.find((b) => b[0].asset === 'press-1')![0].value).toBe(66_666);
  });

  it('says an unplugged port in serial words, with its path (regression: ECONNRESET, a TCP term)', async () => {
    const { path, unplug } = await unpluggableLine();
    const cfg = config(path, [{ channel: 'voltage', address: 4, type: 'float32', byte_order: 'CDAB' }]);
    const metrics = new GatewayMetrics();
    // A request on the port after it closed under the connection.
    const connection = new ModbusConnection(cfg, [1], {
      logger: createLogger('silent'),
      metrics,
      now: Date.now,
      random: Math.random,
    });
    await connection.connect();
    const read = (c: ModbusClient, cb: (err: unknown, res: unknown) => void) => c.writeFC3(1, 4, 2, cb as never);
    await connection.request(2000, read);
    // The source, polling the same kind of line, for what it says once the port is gone.
    const other = await unpluggableLine();
    const source = new ModbusSource(config(other.path, [{ channel: 'voltage', address: 4, type: 'float32' }]), {
      logger: createLogger('silent'),
      metrics,
    });
    const batches: Sample[][] = [];
    await source.start((b) => batches.push([...b]));
    try {
      await expect
        .poll(() => batches.some((b) => b[0].quality === 'good'), { timeout: 10_000, interval: 20 })
        .toBe(true);
      unplug();
      other.unplug();
      await expect.poll(() => connection.connected, { timeout: 10_000, interval: 20 }).toBe(false);
      const closed = await connection.request(2000, read).then(
        () => 'answered',
        (err: unknown) => describeModbusError(connection.label, 'read', err).message,
      );
      expect(closed).toBe(
        `device pump-rtu (${path} 19200 8N1, unit 1): read: serial port ${path} closed: the adapter unplugged, or the port gone`,
      );
      await expect
        .poll(() => source.connectionState().lastError, { timeout: 10_000, interval: 20 })
        .toBe(
          `device pump-rtu (${other.path} 19200 8N1, unit 1): connect: cannot open serial port ${other.path} (No such file or directory): the adapter unplugged, or path names another port (ls /dev/serial/by-id)`,
        );
      // The walk saw its unit at 1 for the whole outage.
      const up = (await metrics.registry.getSingleMetric('linewatch_device_up')!.get()).values;
      expect(up).toEqual([{ labels: { source: 'pump-rtu', unit: '1' }, value: 0 }]);
    } finally {
      await source.stop();
      await connection.end();
    }
  });
});

describe('a serial port error after the port opened', () => {
  it('drops the connection, saying why (regression: the client emitted it unheard, an uncaught exception)', async () => {
    const path = await ptyLine();
    const connection = new ModbusConnection(config(path, [{ channel: 'voltage', address: 4, type: 'uint16' }]), [1], {
      logger: createLogger('silent'),
      metrics: new GatewayMetrics(),
      now: Date.now,
      random: Math.random,
    });
    cleanups.push(() => connection.end());
    await connection.connect();
    // Fault injection: the port fails as serialport reports a write to a pulled-out adapter.
    const port = (connection as unknown as { client: { _port: { emit(e: string, err: Error): void } } }).client._port;
    port.emit('error', new Error('EIO: i/o error, write'));
    await expect.poll(() => connection.connected, { timeout: 10_000, interval: 20 }).toBe(false);
    expect(connection.state().lastError).toBe('serial port error: EIO: i/o error, write');
  });
});
