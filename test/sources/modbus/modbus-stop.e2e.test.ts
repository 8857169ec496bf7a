/**
 * Regressions: stop() while the first poll's connect is on its way left that connection open for good (stop closed
 * the connection it had, none yet; the connect then finished, and its socket stayed with the PLC); and end() while a
 * connect that replaces an open connection was dropping the old one went unseen (the connect noted end() calls only
 * after that drop), so the new connection was made and kept.
 */
import { once } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { modbusTcpSourceSchema } from '../../../src/config/schema.js';
import { ModbusConnection } from '../../../src/sources/modbus/modbus-connection.js';
import { ModbusSource } from '../../../src/sources/modbus/modbus-source.js';
import { createLogger } from '../../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../../src/telemetry/metrics.js';

/** A source of one register on the PLC `plc` listens as. */
const plcConfig = (plc: Server) =>
  modbusTcpSourceSchema.parse({
    name: 'plc',
    type: 'modbus_tcp',
    host: '127.0.0.1',
    port: (plc.address() as AddressInfo).port,
    unit_id: 1,
    asset: 'pump-1',
    poll_interval_ms: 100,
    registers: [{ channel: 'v', address: 0, type: 'int16' }],
  });

describe('Modbus source stop', () => {
  it('closes a connection whose connect was still on its way when it stopped', async () => {
    // The PLC's side of the TCP connection: a listener that sees the socket open and close.
    const plc = createServer();
    await new Promise<void>((r) => plc.listen(0, '127.0.0.1', r));
    const accepted = once(plc, 'connection') as Promise<[Socket]>;
    const metrics = new GatewayMetrics();
    const source = new ModbusSource(plcConfig(plc), { logger: createLogger('silent'), metrics });
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

  it('closes, and does not keep, a connection made again while end() was called', async () => {
    // The PLC's side: a listener that sees each socket the connection opens.
    const plc = createServer();
    const sockets: Socket[] = [];
    plc.on('connection', (s: Socket) => sockets.push(s));
    await new Promise<void>((r) => plc.listen(0, '127.0.0.1', r));
    const connection = new ModbusConnection(plcConfig(plc), [1], {
      logger: createLogger('silent'),
      metrics: new GatewayMetrics(),
      now: Date.now,
      random: Math.random,
    });
    await connection.connect();
    expect(connection.connected).toBe(true);
    // A connect again (readOnce's) drops the open connection first; the stop comes while it does.
    const again = connection.connect();
    await connection.end();
    await expect(again).rejects.toThrow('closed while connecting');
    expect(connection.connected).toBe(false);
    // actual: a second socket stayed open with the PLC. Now none is opened: the connect stops before it.
    await Promise.all(sockets.filter((s) => !s.closed).map((s) => once(s, 'close')));
    expect(sockets.length).toBe(1);
    plc.close();
  });
});
