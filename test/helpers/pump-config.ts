/** A configuration text of the shipped pump-ae model's asset pump-1, read by one Modbus TCP source (config tests). */
import { join } from 'node:path';
import { PUMP_CHANNELS } from '../../src/sim/pump-channels.js';
import { ROOT } from './cli.js';

export { PUMP_CHANNELS };

export const PUMP_AE = join(ROOT, 'models/pump-ae');

/** The source's register lines (YAML): each pump channel a float32, two registers apart. */
export function pumpRegisters(): string {
  return PUMP_CHANNELS.map((c, i) => `      - { channel: ${c}, address: ${i * 2}, type: float32 }`).join('\n');
}

export function pumpConfig(
  overrides: { registers?: string; extraSource?: string; assets?: string; top?: string } = {},
): string {
  return `${overrides.top ?? ''}
sources:
  - name: plc
    type: modbus_tcp
    host: 127.0.0.1
    port: 5020
    asset: pump-1
    poll_interval_ms: 200
    registers:
${overrides.registers ?? pumpRegisters()}
${overrides.extraSource ?? ''}
assets:
${overrides.assets ?? `  - name: pump-1\n    model: ${PUMP_AE}`}
`;
}
