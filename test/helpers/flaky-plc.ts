/** Fault injection for alarm outputs: a PLC that refuses its first `failures` writes, then takes them. */
import type { ModbusWriter } from '../../src/actions/modbus-write/action-type.js';
import type { ModbusWrite } from '../../src/sources/modbus/modbus-source.js';

export class FlakyPlc implements ModbusWriter {
  readonly written: ModbusWrite[] = [];
  attempts = 0;
  constructor(
    private failures: number,
    private readonly message = 'device plc (10.0.0.5:502, unit 1): write coil 3: no answer within the timeout',
  ) {}
  async write(target: ModbusWrite): Promise<void> {
    this.attempts++;
    if (this.failures-- > 0) throw new Error(this.message);
    this.written.push(target);
  }
}
