/**
 * A Modbus TCP answer whose MBAP header cannot be an answer's (length 0: no unit id, no function; a hostile or broken
 * gateway): modbus-serial cut the stream by that length and read every later answer from the wrong byte, so reads
 * answered at once timed out until every unit on the connection had failed (regression). The connection is now
 * dropped at that header, and the next connect reads from a frame's start. Real sockets; the bad header is the
 * server's (fault injection).
 */
import { createServer, type AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { mbapFramingProblem } from '../../../src/sources/modbus/mbap-framing.js';
import { connectedUnit1, localModbusTcp } from '../../helpers/local-modbus-source.js';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

/** An MBAP frame: transaction id, protocol id, `length` (as said, not as sent), unit, PDU. */
function frame(id: number, protocol: number, length: number, unit: number, pdu: readonly number[]): Buffer {
  const header = Buffer.alloc(7);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(protocol, 2);
  header.writeUInt16BE(length, 4);
  header[6] = unit;
  return Buffer.concat([header, Buffer.from(pdu)]);
}

/** A server answering each function 3 read with 0x1234, except its first: a header of length 0, and a unit id. */
async function badFirstHeaderServer(): Promise<number> {
  let answered = 0;
  const server = createServer((socket) => {
    socket.on('error', () => undefined);
    socket.on('data', (request) => {
      const id = request.readUInt16BE(0);
      socket.write(answered++ === 0 ? frame(id, 0, 0, 1, []) : frame(id, 0, 5, 1, [3, 2, 0x12, 0x34]));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as AddressInfo).port;
}

describe('modbus_tcp: an MBAP header that cannot be an answer', () => {
  it('drops the connection at once, naming it; the next connect reads the answers (regression: all timed out)', async () => {
    const connection = await connectedUnit1(
      localModbusTcp(await badFirstHeaderServer(), { asset: 'press-1', timeout_ms: 1000, registers: [] }),
    );
    cleanups.push(() => connection.end());
    const read = () => connection.request<{ data: number[] }>(1000, (c, cb) => c.writeFC3(1, 0, 1, cb));
    await expect(read()).rejects.toThrow(
      "the connection was dropped before the answer came (an answer's MBAP header says protocol id 0 and length 0",
    );
    expect(connection.connected).toBe(false);
    await connection.connect();
    expect((await read()).data).toEqual([0x1234]);
    expect((await read()).data).toEqual([0x1234]);
  });
});

describe('mbapFramingProblem', () => {
  it('passes whole answers and the start of one', () => {
    expect(mbapFramingProblem(Buffer.concat([frame(1, 0, 5, 1, [3, 2, 0, 7]), frame(2, 0, 5, 1, [3])]))).toBe(
      undefined,
    );
  });

  it.each([
    ['a length under 2, after a whole answer', [frame(1, 0, 5, 1, [3, 2, 0, 7]), frame(2, 0, 1, 1, [])], 0, 1],
    ['another protocol id', [frame(1, 9, 5, 1, [3, 2, 0, 7])], 9, 5],
  ])('names %s', (_title, frames, protocol, length) => {
    expect(mbapFramingProblem(Buffer.concat(frames))).toBe(
      `an answer's MBAP header says protocol id ${protocol} and length ${length} (Modbus TCP: protocol id 0, length 2 or more): the answers after it cannot be told apart`,
    );
  });
});
