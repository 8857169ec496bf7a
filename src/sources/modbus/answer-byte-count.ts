/**
 * An FC3/FC4 answer whose byte count is larger than the registers it carries (a short or corrupted answer: a faulty
 * firmware, a gateway's bug, a hostile device). modbus-serial reads as many bytes as the count says and fails past the
 * frame's end with Node's own `The value of "offset" is out of range…` (ERR_OUT_OF_RANGE), which named nothing of the
 * answer. The connection keeps the last frame its port delivered (read just before modbus-serial parses it, in the
 * same turn), so the failure can say what came: `unit 1 answered 10 bytes where its byte count says 20`.
 */

/** A frame as modbus-serial's ports deliver it: unit id, function code, byte count, data, then 2 CRC bytes. */
const FRAME_HEAD_BYTES = 3;
const CRC_BYTES = 2;

/** What keepLastFrame needs of a modbus-serial port. */
interface FramePort {
  prependListener?: unknown;
}

/**
 * Keeps the last frame `port` delivers (a reference, no copy); returns how to read it. Where the port is not shaped as
 * expected (another modbus-serial version), nothing is kept and the failure says so without the counts.
 */
export function keepLastFrame(port: unknown): () => Buffer | undefined {
  let last: Buffer | undefined;
  const p = port as FramePort | undefined;
  if (typeof p?.prependListener === 'function')
    (p as { prependListener(event: 'data', listener: (data: Buffer) => void): void }).prependListener(
      'data',
      (data: Buffer) => (last = Buffer.isBuffer(data) ? data : undefined),
    );
  return () => last;
}

/**
 * Of a read's failure `err`: where it is modbus-serial reading past an FC3/FC4 answer (ERR_OUT_OF_RANGE), an error
 * saying what is wrong with the answer (`frame`, the one it parsed, where known); otherwise undefined.
 */
export function byteCountProblem(err: unknown, frame: Buffer | undefined): Error | undefined {
  if ((err as { code?: unknown } | undefined)?.code !== 'ERR_OUT_OF_RANGE') return undefined;
  const known =
    frame !== undefined && frame.length >= FRAME_HEAD_BYTES + CRC_BYTES && (frame[1] === 3 || frame[1] === 4);
  if (!known) return new Error('the answer is shorter than its byte count says: a short or corrupted answer');
  const carried = frame.length - FRAME_HEAD_BYTES - CRC_BYTES;
  return new Error(
    `unit ${frame[0]} answered ${carried} bytes where its byte count says ${frame[2]}: a short or corrupted answer`,
  );
}
