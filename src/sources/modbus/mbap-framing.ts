/**
 * The Modbus TCP stream's framing, checked as it arrives. Each answer starts with an MBAP header (transaction id,
 * protocol id 0, the length of what follows: the unit id and a PDU of one byte at least), and modbus-serial's TCP port
 * cuts the stream by that length alone: one header with another protocol id or a length under 2 (a hostile or broken
 * gateway) left it reading every later answer from the wrong byte, and each unit on the connection then went without
 * answers until every one had timed out (regression, s33: after a header of length 0, reads answered at once timed
 * out). A header that cannot be an answer's is the stream's end: the connection is dropped, and the next poll
 * connects again, reading from a frame's start.
 */

/** The MBAP header's length: transaction id, protocol id, length (the unit id is counted in the length). */
const MBAP_HEADER_BYTES = 6;
/** The least an MBAP length can say: the unit id and a function code. */
const MBAP_MIN_LENGTH = 2;

/** What watchMbapFraming needs of modbus-serial's TCP port: what it holds of a frame not yet whole, and its socket. */
interface TcpPort {
  _clientRcvData?: unknown;
  _client?: { prependListener?: unknown };
}

/** Why the stream `held` (bytes from a frame's start) cannot be read on: its first bad header in words, if any. */
export function mbapFramingProblem(held: Buffer): string | undefined {
  let at = 0;
  while (held.length - at > MBAP_HEADER_BYTES) {
    const protocol = held.readUInt16BE(at + 2);
    const length = held.readUInt16BE(at + 4);
    if (protocol !== 0 || length < MBAP_MIN_LENGTH)
      return `an answer's MBAP header says protocol id ${protocol} and length ${length} (Modbus TCP: protocol id 0, length 2 or more): the answers after it cannot be told apart`;
    if (held.length - at < MBAP_HEADER_BYTES + length) return undefined;
    at += MBAP_HEADER_BYTES + length;
  }
  return undefined;
}

/**
 * Checks each arrival on `port`'s socket, before the port reads it, with what the port holds of a frame not yet whole;
 * `onBroken` is called with mbapFramingProblem's words. False where the port is not shaped as expected (another
 * modbus-serial version), and nothing is checked.
 */
export function watchMbapFraming(port: unknown, onBroken: (why: string) => void): boolean {
  const p = port as TcpPort | undefined;
  const socket = p?._client as { prependListener(event: 'data', listener: (data: Buffer) => void): void } | undefined;
  if (!p || !Buffer.isBuffer(p._clientRcvData) || typeof socket?.prependListener !== 'function') return false;
  socket.prependListener('data', (data: Buffer) => {
    const held = p._clientRcvData;
    const why = mbapFramingProblem(Buffer.isBuffer(held) ? Buffer.concat([held, data]) : data);
    if (why !== undefined) onBroken(why);
  });
  return true;
}
