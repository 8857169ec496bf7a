/**
 * (Benchmark child process.) linewatch's Modbus source polling units 1..N on one TCP connection
 * as fast as it can (1 ms interval), every register decoded into a typed sample.
 * argv: port units registers. IPC: sends {ready} once polling; {count: true} → {samples}.
 */
import { modbusTcpSourceSchema } from '../config/schema.js';
import { ModbusSource } from '../sources/modbus/modbus-source.js';
import { silentLogger } from '../telemetry/logger.js';
import { GatewayMetrics } from '../telemetry/metrics.js';

const [port, units, registers] = process.argv.slice(2).map(Number);
const devices = Array.from({ length: units }, (_, u) => ({
  unit_id: u + 1,
  asset: `machine-${u + 1}`,
  registers: Array.from({ length: registers }, (_, i) => ({ channel: `r${i}`, address: i, type: 'uint16' })),
}));
const config = modbusTcpSourceSchema.parse({
  name: 'bench',
  type: 'modbus_tcp',
  host: '127.0.0.1',
  port,
  poll_interval_ms: 1,
  timeout_ms: 2000,
  devices,
});
const source = new ModbusSource(config, { logger: silentLogger(), metrics: new GatewayMetrics() });
let samples = 0;
let bad = 0;
await source.start((batch) => {
  samples += batch.length;
  for (const s of batch) if (s.quality !== 'good') bad++;
});
process.send?.({ ready: true });
process.on('message', (m: { count?: boolean }) => {
  if (m.count) process.send?.({ samples, bad });
});
process.on('disconnect', () => void source.stop().then(() => process.exit(0)));
