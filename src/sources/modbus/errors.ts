/** Readable Modbus errors: exception codes named, with device and register in the message. */
import { LinewatchError } from '../../core/errors.js';

const EXCEPTIONS: Record<number, string> = {
  1: 'illegal function',
  2: 'illegal data address',
  3: 'illegal data value',
  4: 'server device failure',
  5: 'acknowledge',
  6: 'server device busy',
  10: 'gateway path unavailable',
  11: 'gateway target device failed to respond',
};

export function describeModbusError(device: string, what: string, err: unknown): LinewatchError {
  const e = err as { modbusCode?: number; errno?: string; code?: string; message?: string };
  if (typeof e?.modbusCode === 'number') {
    const name = EXCEPTIONS[e.modbusCode] ?? `exception ${e.modbusCode}`;
    return new LinewatchError('DEVICE_EXCEPTION', `${device}: ${what}: ${name} (Modbus exception ${e.modbusCode})`, {
      retryable: e.modbusCode === 6 || e.modbusCode === 5,
      cause: err,
    });
  }
  if (e?.errno === 'ETIMEDOUT' || /timed out/i.test(e?.message ?? '')) {
    return new LinewatchError('DEVICE_TIMEOUT', `${device}: ${what}: no answer within the timeout`, {
      retryable: true,
      cause: err,
    });
  }
  return new LinewatchError('DEVICE_UNREACHABLE', `${device}: ${what}: ${e?.code ?? e?.message ?? String(err)}`, {
    retryable: true,
    cause: err,
  });
}
