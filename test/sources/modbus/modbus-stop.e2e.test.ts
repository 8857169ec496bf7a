/**
 * Regression: stop() while the first poll's connect is on its way left that connection open for good (stop closed
 * the connection it had, none yet; the connect then finished, and its socket stayed with the PLC).
 */
import { once } from 'node:events';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { modbusTcpSourceSchema } from '../../../src/config/schema.js';
import { ModbusSource } from '../../../src/sources/modbus/modbus-source.js';
import { createLogger } from '../../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../../src/telemetry/metrics.js';

describe('Modbus source stop', () => {
  it('closes a connection whose connect was still on its way when it stopped', async () => {
    // The PLC's side of the TCP connection: a listener that sees the socket open and close.
    const plc = createServer();
    await new Promise<void>((r) => plc.listen(0, '127.0.0.1', r));
    const accepted = once(plc, 'connection') as Promise<[Socket]>;
    const metrics = new GatewayMetrics();
    const source = new ModbusSource(
      modbusTcpSourceSchema.parse({
        name: 'plc',
        type: 'modbus_tcp',
        host: '127.0.0.1',
        port: (plc.address() as AddressInfo).port,
        unit_id: 1,
        asset: 'pump-1',
        poll_interval_ms: 100,
        registers: [{ channel: 'v', address: 0, type: 'int16' }],
      }),
      { logger: createLogger('silent'), metrics },
    );
    await source.start(() => undefined);
    // The first poll starts at the next turn of the event loop; its connect is then sent, not yet answered (I/O
    // comes in a later phase of the loop).
    await new Promise<void>((r) => setImmediate(r));
    const stopped = source.stop();
    const [socket] = await accepted;
    const closed = once(socket, 'close');
    await stopped;
    // actual: the PLC's socket never closed (the test timed out here), and the source said it was connected.
    await closed;
    expect(source.connected).toBe(false);
    expect((await metrics.sourceConnected.get()).values.map((v) => v.value)).toEqual([0]);
    plc.close();
  });
});
