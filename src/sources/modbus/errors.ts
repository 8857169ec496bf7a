/** Readable Modbus errors: exception codes named, with device and register in the message. */
import { LinewatchError } from '../../core/errors.js';
import { socketErrorMeaning } from '../../core/socket-errors.js';

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

/** The error a request meets on a serial port that closed under it (the adapter unplugged): its message says so. */
export const SERIAL_PORT_CLOSED = 'ESERIALCLOSED';

/**
 * The error of a request whose connection the source dropped while it waited (another unit's failure, a stop): its
 * message says why; it is no failure of the request's own device.
 */
export const CONNECTION_DROPPED = 'ECONNDROPPED';

/** The error of a request without its answer within its timeout: its message says how long, and what to check. */
export const NO_ANSWER = 'ENOANSWER';

/**
 * A request's timeout in words: how long, which key sets it, and the likely causes; on a serial line (RTU, or RTU over
 * TCP through a device server) settings that differ from the device's are one.
 */
export function noAnswer(timeoutMs: number, serial: boolean): Error & { code: string; errno: string } {
  const line = serial
    ? ", or the line's serial settings (baud rate, parity, data and stop bits) are not the device's"
    : '';
  return Object.assign(
    new Error(
      `no answer within ${timeoutMs} ms (timeout_ms): the device is off or slower than that, or none has this unit id${line}`,
    ),
    { code: NO_ANSWER, errno: 'ETIMEDOUT' },
  );
}

/**
 * A serial port's error in serial words, or undefined for any other: serialport's errors carry no code, only a
 * message ("Error: No such file or directory, cannot open /dev/ttyUSB0", "Error Resource temporarily unavailable Cannot
 * lock port"); a port that closed under a request is SERIAL_PORT_CLOSED.
 */
function serialError(e: { code?: string; message?: string }): string | undefined {
  const message = e?.message ?? '';
  if (e?.code === SERIAL_PORT_CLOSED) return message;
  const open = /^Error:? (.+), cannot open (.+)$/.exec(message);
  if (open) {
    const [, reason, path] = open;
    const hint = /no such file/i.test(reason)
      ? ': the adapter unplugged, or path names another port (ls /dev/serial/by-id)'
      : /permission denied/i.test(reason)
        ? ": add the gateway's user to the dialout group"
        : '';
    return `cannot open serial port ${path} (${reason})${hint}`;
  }
  if (/Cannot lock port/i.test(message))
    return 'serial port in use, it cannot be locked: another program, or another source, has it open (one source per serial line)';
  return undefined;
}

/** Whether a request failed because the source dropped its connection meanwhile (CONNECTION_DROPPED). */
export function droppedUnderIt(err: unknown): boolean {
  return (err as { code?: unknown } | undefined)?.code === CONNECTION_DROPPED;
}

/**
 * A request's or connect's error in words, naming `device` and `what` (a read, a write, connect); `serves` is what the
 * far end should serve, said after a refused connect (connectionServes); `addressHint`, said after an illegal data
 * address (exception 2): what the address probably means (a Modicon reference, register-names.ts).
 */
export function describeModbusError(
  device: string,
  what: string,
  err: unknown,
  serves = 'Modbus TCP',
  addressHint?: string,
): LinewatchError {
  const e = err as { modbusCode?: number; errno?: string; code?: string; message?: string };
  if (typeof e?.modbusCode === 'number') {
    const name = EXCEPTIONS[e.modbusCode] ?? `exception ${e.modbusCode}`;
    const hint = e.modbusCode === 2 && addressHint ? `; ${addressHint}` : '';
    return new LinewatchError(
      'DEVICE_EXCEPTION',
      `${device}: ${what}: ${name} (Modbus exception ${e.modbusCode})${hint}`,
      {
        retryable: e.modbusCode === 6 || e.modbusCode === 5,
        cause: err,
      },
    );
  }
  if (e?.errno === 'ETIMEDOUT' || /timed out/i.test(e?.message ?? '')) {
    const said = e.code === NO_ANSWER ? e.message : 'no answer within the timeout';
    return new LinewatchError('DEVICE_TIMEOUT', `${device}: ${what}: ${said}`, {
      retryable: true,
      cause: err,
    });
  }
  const meaning = e?.code ? socketErrorMeaning(e.code, serves) : undefined;
  const detail =
    (e?.code === CONNECTION_DROPPED ? e.message : serialError(e)) ??
    `${e?.code ?? e?.message ?? String(err)}${meaning ? ` (${meaning})` : ''}`;
  return new LinewatchError('DEVICE_UNREACHABLE', `${device}: ${what}: ${detail}`, {
    retryable: true,
    cause: err,
  });
}
