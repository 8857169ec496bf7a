/**
 * A bound on what modbus-serial's RTU ports keep of the bytes a line sends. Its Telnet port (modbus_rtu_tcp) appends
 * every byte that arrives to one buffer and drops only what precedes an answer it takes: bytes that are no answer (a
 * serial device server passing on another master's traffic, line noise, a hostile device) were kept for good, and
 * each arrival copied all of them again (regression: 16 MB of such bytes held 13.5 MB and blocked the event loop, the
 * whole gateway's, for two minutes). Its serial port bounds its buffer only while a request waits. After each arrival
 * (the port's own handler has taken any answer whole by then) the last RTU_FRAME_MAX_BYTES are kept: an answer's
 * bytes that have come so far are among them, as no RTU frame is longer.
 */

/** The longest Modbus RTU frame (the serial line ADU: address, PDU of at most 253 bytes, CRC). */
export const RTU_FRAME_MAX_BYTES = 256;

/** What boundRtuReceive needs of a modbus-serial RTU port: its receive buffer and the stream it reads from. */
interface RtuPort {
  _buffer?: unknown;
  _client?: { on?: unknown };
}

/**
 * Keeps `port`'s receive buffer to its last RTU_FRAME_MAX_BYTES after each arrival; false where the port is not shaped
 * as expected (another modbus-serial version), and nothing is bound.
 */
export function boundRtuReceive(port: unknown): boolean {
  const p = port as RtuPort | undefined;
  const stream = p?._client as { on(event: 'data', listener: () => void): void } | undefined;
  if (!p || !Buffer.isBuffer(p._buffer) || typeof stream?.on !== 'function') return false;
  stream.on('data', () => {
    const buffer = p._buffer;
    // A copy: a view would keep the whole large buffer alive.
    if (Buffer.isBuffer(buffer) && buffer.length > RTU_FRAME_MAX_BYTES)
      p._buffer = Buffer.from(buffer.subarray(-RTU_FRAME_MAX_BYTES));
  });
  return true;
}
