/**
 * What a read past an FC3/FC4 answer's end says (pure; adversarial review s33: it said modbus-serial's raw
 * `The value of "offset" is out of range…`). The e2e case, a hostile unit over a real socket, is in
 * modbus-gateway-units.e2e.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { byteCountProblem } from '../../../src/sources/modbus/answer-byte-count.js';

/** modbus-serial reading past `frame`'s end, as Node reports it. */
function readPast(frame: Buffer): unknown {
  try {
    frame.readUInt16BE(frame.length);
  } catch (err) {
    return err;
  }
  throw new Error('expected a RangeError');
}

describe('an answer shorter than its byte count', () => {
  // Unit 3, FC4, byte count 8, carrying 4 bytes, then the CRC's 2.
  const frame = Buffer.from([3, 4, 8, 0, 1, 0, 2, 0xab, 0xcd]);

  it('names the unit and both counts', () => {
    expect(byteCountProblem(readPast(frame), frame)?.message).toBe(
      'unit 3 answered 4 bytes where its byte count says 8: a short or corrupted answer',
    );
  });

  it('without the frame, says what is wrong without the counts', () => {
    expect(byteCountProblem(readPast(frame), undefined)?.message).toBe(
      'the answer is shorter than its byte count says: a short or corrupted answer',
    );
  });

  it('leaves any other failure as it is', () => {
    expect(byteCountProblem(Object.assign(new Error('timed out'), { errno: 'ETIMEDOUT' }), frame)).toBeUndefined();
  });
});
