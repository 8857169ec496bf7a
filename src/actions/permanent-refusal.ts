/**
 * A write the device refused for good (pure): trying the same value again cannot pass until the device or the
 * configuration changes, so an action does not retry it (no retry storm on a PLC that said no). An OPC UA status that
 * names the node or the value (BadTypeMismatch, BadNotWritable, BadUserAccessDenied, BadNodeIdUnknown), a Modbus
 * exception 1, 2 or 3 (illegal function, data address, data value). A timeout, a dropped connection, a busy device
 * (Modbus exception 5, 6) and every other error stay transient.
 */
import { LinewatchError } from '../core/errors.js';

const OPCUA_PERMANENT: Readonly<Record<string, string>> = {
  BadTypeMismatch: "the node's DataType does not take the value written",
  BadNotWritable: 'the node is not writable',
  BadUserAccessDenied: "the session's user may not write the node",
  BadNodeIdUnknown: 'the server has no such node',
};

const MODBUS_PERMANENT: Readonly<Record<number, string>> = {
  1: 'the device does not take this write function',
  2: 'the device has no such coil or register',
  3: 'the device does not take this value',
};

/** Why the error is a refusal for good, in words; undefined where another attempt may pass. */
export function permanentRefusal(err: unknown): string | undefined {
  if (err instanceof LinewatchError && err.code === 'DEVICE_EXCEPTION') {
    const code = (err.cause as { modbusCode?: unknown } | undefined)?.modbusCode;
    const why = typeof code === 'number' ? MODBUS_PERMANENT[code] : undefined;
    return why && `Modbus exception ${code}: ${why}`;
  }
  const status = /\b(Bad[A-Za-z]+)\b/.exec((err as Error | undefined)?.message ?? '')?.[1];
  const why = status !== undefined ? OPCUA_PERMANENT[status] : undefined;
  return why && `${status}: ${why}`;
}
