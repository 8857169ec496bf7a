/**
 * Regression: end() (a stop) while a connect that replaces an open connection is dropping the old one. The connect
 * took its note of end() calls only after that drop, so an end() during it went unseen: the new connection was made
 * and kept, its socket open with the PLC after the stop.
 */
import { once } from 'node:events';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { modbusTcpSourceSchema } from '../../../src/config/schema.js';
import { ModbusConnection } from '../../../src/sources/modbus/modbus-connection.js';
import { createLogger } from '../../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../../src/telemetry/metrics.js';

describe('Modbus connection end', () => {
  it('closes, and does not keep, a connection made again while end() was called', async () => {
    // The PLC's side: a listener that sees each socket the connection opens.
    const plc = createServer();
    const sockets: Socket[] = [];
    plc.on('connection', (s: Socket) => sockets.push(s));
    await new Promise<void>((r) => plc.listen(0, '127.0.0.1', r));
    const config = modbusTcpSourceSchema.parse({
      name: 'plc',
      type: 'modbus_tcp',
      host: '127.0.0.1',
      port: (plc.address() as AddressInfo).port,
      unit_id: 1,
      asset: 'pump-1',
      registers: [{ channel: 'v', address: 0, type: 'int16' }],
    });
    const connection = new ModbusConnection(config, [1], {
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
