/** A Modbus TCP source's configuration for a test server on 127.0.0.1 (source `plc`, unit 1), with the rest given. */
import { modbusTcpSourceSchema } from '../../src/config/schema.js';
import type { ModbusSourceConfig } from '../../src/sources/modbus/schema.js';
import { ModbusConnection } from '../../src/sources/modbus/modbus-connection.js';
import { createLogger } from '../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';

export function localModbusTcp(port: number, rest: Record<string, unknown>) {
  return modbusTcpSourceSchema.parse({ name: 'plc', type: 'modbus_tcp', host: '127.0.0.1', port, unit_id: 1, ...rest });
}

/** The connection of a source with `config` to unit 1 (silent log, the real clock), connected; the caller ends it. */
export async function connectedUnit1(config: ModbusSourceConfig): Promise<ModbusConnection> {
  const connection = new ModbusConnection(config, [1], {
    logger: createLogger('silent'),
    metrics: new GatewayMetrics(),
    now: () => Date.now(),
    random: () => 0.5,
  });
  await connection.connect();
  return connection;
}
