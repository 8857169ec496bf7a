/**
 * A PLC that goes away (its Modbus TCP server stopped, its sockets dropped) and comes back, as seen on a plant walk:
 * linewatch_device_up of its units and linewatch_samples_total while the connection cannot be made. The server is
 * modbus-serial's TCP server on a real socket, stopped and started again on the same port.
 */
import type { Socket } from 'node:net';
import ModbusSerial from 'modbus-serial';
import { describe, expect, it } from 'vitest';
import { modbusTcpSourceSchema } from '../../../src/config/schema.js';
import { freePort } from '../../../src/core/free-port.js';
import type { Sample } from '../../../src/core/types.js';
import { ModbusSource } from '../../../src/sources/modbus/modbus-source.js';
import { createLogger } from '../../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../../src/telemetry/metrics.js';

/** A PLC on `port` answering every unit's holding registers; stop() closes it and drops its connections. */
async function startPlc(port: number): Promise<{ stop: () => Promise<void> }> {
  const sockets: Socket[] = [];
  const vector = {
    getHoldingRegister: (addr: number, unit: number) => (unit * 1000 + addr) & 0xffff,
    getMultipleHoldingRegisters: (addr: number, length: number, unit: number) =>
      Array.from({ length }, (_, i) => (unit * 1000 + addr + i) & 0xffff),
  };
  const server = new ModbusSerial.ServerTCP(vector as never, { host: '127.0.0.1', port, unitID: 255 });
  (server as unknown as { _server: import('node:net').Server })._server.on('connection', (s) => void sockets.push(s));
  await new Promise<void>((r) => server.on('initialized', () => r()));
  return {
    stop: async () => {
      const closed = new Promise<void>((r) => server.close(() => r()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}

/**
 * A PLC on a free port and a source for its three units, not started yet: start() collects its batches into
 * `batches`, restartPlc() brings the PLC back on the same port, end() stops both.
 */
async function plcAndSource() {
  const port = await freePort();
  const metrics = new GatewayMetrics();
  const config = modbusTcpSourceSchema.parse({
    name: 'plc',
    type: 'modbus_tcp',
    host: '127.0.0.1',
    port,
    poll_interval_ms: 50,
    timeout_ms: 400,
    devices: [1, 2, 3].map((unit) => ({
      unit_id: unit,
      asset: `machine-${unit}`,
      registers: [{ channel: 'a', address: 10, type: 'uint16' }],
    })),
  });
  const src = new ModbusSource(config, { logger: createLogger('silent'), metrics });
  const batches: Sample[][] = [];
  let plc = await startPlc(port);
  return {
    port,
    src,
    metrics,
    batches,
    start: () => src.start((b) => batches.push([...b])),
    stopPlc: () => plc.stop(),
    restartPlc: async () => void (plc = await startPlc(port)),
    end: async () => {
      await src.stop();
      await plc.stop();
    },
  };
}

/** Every series of a metric, labels and value. */
const series = async (metrics: GatewayMetrics, name: string) =>
  (await metrics.registry.getSingleMetric(name)!.get()).values;
const valueOf = async (metrics: GatewayMetrics, name: string, labels: Record<string, string>) =>
  (await series(metrics, name)).find((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x))?.value;
const upOfUnits = async (metrics: GatewayMetrics) =>
  (await series(metrics, 'linewatch_device_up')).map((v) => `${v.labels.unit}=${v.value}`).sort();
const poll = { timeout: 10_000, interval: 20 };

/** Until the source's connect was refused more than `times` times. */
const refused = (metrics: GatewayMetrics, times: number) =>
  expect
    .poll(() => valueOf(metrics, 'linewatch_source_errors_total', { source: 'plc', kind: 'connect' }), poll)
    .toBeGreaterThan(times);

describe('a PLC that goes away and comes back', () => {
  it('linewatch_device_up of every unit is 0 while its connection cannot be made, 1 again at its first answer (regression: 1 for the whole outage)', async () => {
    const { metrics, batches, ...run } = await plcAndSource();
    try {
      await run.start();
      await expect.poll(() => upOfUnits(metrics), poll).toEqual(['1=1', '2=1', '3=1']);
      await run.stopPlc();
      // The outage as the walk saw it: linewatch_source_connected 0, connects refused.
      await refused(metrics, 0);
      expect(await valueOf(metrics, 'linewatch_source_connected', { source: 'plc' })).toBe(0);
      expect(await upOfUnits(metrics)).toEqual(['1=0', '2=0', '3=0']);

      await run.restartPlc();
      const back = batches.length;
      const answered = () =>
        new Set(
          batches
            .slice(back)
            .filter((b) => b[0].quality === 'good')
            .map((b) => b[0].asset),
        ).size;
      await expect.poll(answered, { timeout: 40_000, interval: 20 }).toBe(3);
      expect(await upOfUnits(metrics)).toEqual(['1=1', '2=1', '3=1']);
    } finally {
      await run.end();
    }
  }, 60_000);

  it('linewatch_samples_total counts every sample delivered, the bad ones of a refused connect too (regression: stored, not counted)', async () => {
    const { metrics, batches, ...run } = await plcAndSource();
    try {
      await run.start();
      await expect.poll(() => batches.filter((b) => b[0].quality === 'good').length, poll).toBeGreaterThan(3);
      await run.stopPlc();
      await refused(metrics, 1);
    } finally {
      await run.end();
    }
    const delivered = batches.flat();
    const bad = delivered.filter((s) => s.quality === 'bad').length;
    // Each refused connect leaves at least one group's tags bad.
    expect(bad).toBeGreaterThan(1);
    expect({
      good: await valueOf(metrics, 'linewatch_samples_total', { source: 'plc', quality: 'good' }),
      bad: await valueOf(metrics, 'linewatch_samples_total', { source: 'plc', quality: 'bad' }),
    }).toEqual({ good: delivered.length - bad, bad });
  });

  it('says since when it is connected or not and, while not, why (for /api/status; it showed connected alone)', async () => {
    const { src, metrics, port, ...run } = await plcAndSource();
    try {
      expect(src.connectionState()).toEqual({});
      const started = Date.now();
      await run.start();
      await expect.poll(() => src.connected, poll).toBe(true);
      const up = src.connectionState();
      expect(up).toEqual({ since: expect.any(Number) });
      expect(up.since).toBeGreaterThanOrEqual(started);

      const stopped = Date.now();
      await run.stopPlc();
      await refused(metrics, 0);
      const down = src.connectionState();
      expect(down.lastError).toBe(
        `device plc (127.0.0.1:${port}, units 1, 2, 3): connect: ECONNREFUSED (connection refused, nothing listens at that address and port: check port, and that the device serves Modbus TCP)`,
      );
      expect(down.since).toBeGreaterThanOrEqual(stopped);
      expect(down.since).toBeLessThanOrEqual(Date.now());

      await run.restartPlc();
      await expect.poll(() => src.connected, { timeout: 40_000, interval: 20 }).toBe(true);
      expect(src.connectionState()).toEqual({ since: expect.any(Number) });
      expect(src.connectionState().since).toBeGreaterThan(down.since!);
    } finally {
      await run.end();
    }
  }, 60_000);
});
