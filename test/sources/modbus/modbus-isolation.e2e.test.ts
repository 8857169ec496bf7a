/**
 * Per-device isolation (the complaint behind telegraf #11782 and node-red-contrib-modbus #409):
 * a device that accepts connections but never answers must not slow the other devices' polling.
 */
import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { modbusTcpSourceSchema } from '../../../src/config/schema.js';
import type { Sample } from '../../../src/core/types.js';
import { runSimulator } from '../../../src/sim/run-simulator.js';
import { ModbusSource } from '../../../src/sources/modbus/modbus-source.js';
import { createLogger } from '../../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../../src/telemetry/metrics.js';

describe('Modbus device isolation', () => {
  it('a silent device times out on its own while a healthy one keeps its poll rate (regression: close() on a silent PLC hung its poll loop)', async () => {
    const sim = await runSimulator({ modbusPort: 0, seed: 2 });
    // Fault injection: a "PLC" that accepts the connection and never answers.
    const sockets: Socket[] = [];
    const blackHole = createServer((s) => void sockets.push(s));
    await new Promise<void>((r) => blackHole.listen(0, '127.0.0.1', r));
    const metrics = new GatewayMetrics();
    const logs: string[] = [];
    const logger = createLogger('warn', { write: (l: string) => logs.push(l) } as unknown as NodeJS.WritableStream);
    const source = (name: string, port: number) =>
      new ModbusSource(
        modbusTcpSourceSchema.parse({
          name,
          type: 'modbus_tcp',
          host: '127.0.0.1',
          port,
          unit_id: 1,
          asset: name,
          poll_interval_ms: 100,
          timeout_ms: 800,
          registers: [{ channel: 'v', address: 2, type: 'float32' }],
        }),
        { logger, metrics },
      );
    const healthy = source('healthy', sim.modbusPort);
    const silent = source('silent', (blackHole.address() as AddressInfo).port);
    const silentBatches: Sample[][] = [];
    await silent.start((b) => silentBatches.push([...b]));
    const started = Date.now();
    const healthyDone = new Promise<number>((resolve) => {
      let n = 0;
      void healthy.start((b) => {
        if (b.every((s) => s.quality === 'good') && ++n === 20) resolve(Date.now() - started);
      });
    });
    const elapsed = await healthyDone;
    await healthy.stop();
    await silent.stop();
    for (const s of sockets) s.destroy();
    blackHole.close();
    await sim.close();
    process.stdout.write(
      `isolation: 20 healthy polls at 100 ms took ${elapsed} ms next to a silent device (timeout 800 ms)\n`,
    );
    // Serialised behind the silent device it would take at least 20 × 800 ms = 16 s.
    expect(elapsed).toBeLessThan(20 * 100 * 2.5);
    expect(silentBatches.length).toBeGreaterThan(0);
    expect(silentBatches.flat().every((s) => s.quality === 'bad')).toBe(true);
    expect(logs.join('')).toContain('device silent (127.0.0.1:');
    expect(logs.join('')).toContain('no answer within 800 ms (timeout_ms)');
  });
});
