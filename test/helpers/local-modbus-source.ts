/** A Modbus TCP source's configuration for a test server on 127.0.0.1 (source `plc`, unit 1), with the rest given. */
import { modbusTcpSourceSchema } from '../../src/config/schema.js';

export function localModbusTcp(port: number, rest: Record<string, unknown>) {
  return modbusTcpSourceSchema.parse({ name: 'plc', type: 'modbus_tcp', host: '127.0.0.1', port, unit_id: 1, ...rest });
}
