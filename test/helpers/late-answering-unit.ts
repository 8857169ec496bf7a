/**
 * One Modbus unit that answers some reads late, after the gateway gave up on them, behind a TCP port: either a serial
 * device server passing RTU frames to its line (`framing: 'rtu'`, what modbus_rtu_tcp talks to; RTU carries no
 * transaction id) or a Modbus TCP server (`framing: 'tcp'`, each answer carrying its request's transaction id). The
 * unit answers one request at a time, in the order they came (one serial line): a read whose first register is in
 * `late` holds the line `lateMs` before its answer (the first time only), so the answer arrives while the request
 * sent after it waits. Function 3 only: register `a` reads `1000 + a`. Real sockets; the lateness is the unit's (fault
 * injection).
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';

export interface LateAnsweringUnit {
  readonly port: number;
  /** First registers of the reads taken off the line, in order. */
  readonly reads: number[];
  close(): Promise<void>;
}

/** Modbus RTU's CRC-16 (polynomial 0xA001, initial 0xFFFF), as sent: low byte first. */
function crc16(frame: Buffer): number {
  let crc = 0xffff;
  for (const byte of frame) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >> 1) ^ 0xa001 : crc >> 1;
  }
  return crc;
}

/** The PDU answering a function 3 read of `count` registers from `address`: register a reads 1000 + a. */
function readAnswerPdu(address: number, count: number): Buffer {
  const pdu = Buffer.alloc(2 + count * 2);
  pdu[0] = 3;
  pdu[1] = count * 2;
  for (let i = 0; i < count; i++) pdu.writeUInt16BE((1000 + address + i) & 0xffff, 2 + i * 2);
  return pdu;
}

/** Splits what arrived into whole requests: [unit, PDU, transaction id (TCP)]; returns the rest. */
function takeRequests(
  pending: Buffer,
  framing: 'rtu' | 'tcp',
): { requests: { unit: number; pdu: Buffer; id: number }[]; rest: Buffer } {
  const requests: { unit: number; pdu: Buffer; id: number }[] = [];
  let rest = pending;
  if (framing === 'rtu') {
    // Function 3 requests only: unit, 3, address, count, CRC.
    while (rest.length >= 8) {
      requests.push({ unit: rest[0], pdu: rest.subarray(1, 6), id: 0 });
      rest = rest.subarray(8);
    }
  } else {
    while (rest.length >= 6 && rest.length >= 6 + rest.readUInt16BE(4)) {
      const end = 6 + rest.readUInt16BE(4);
      requests.push({ unit: rest[6], pdu: rest.subarray(7, end), id: rest.readUInt16BE(0) });
      rest = rest.subarray(end);
    }
  }
  return { requests, rest };
}

function frameAnswer(unit: number, pdu: Buffer, id: number, framing: 'rtu' | 'tcp'): Buffer {
  if (framing === 'tcp') {
    const header = Buffer.alloc(7);
    header.writeUInt16BE(id, 0);
    header.writeUInt16BE(pdu.length + 1, 4);
    header[6] = unit;
    return Buffer.concat([header, pdu]);
  }
  const body = Buffer.concat([Buffer.from([unit]), pdu]);
  const crc = Buffer.alloc(2);
  crc.writeUInt16LE(crc16(body));
  return Buffer.concat([body, crc]);
}

export async function startLateAnsweringUnit(options: {
  readonly framing: 'rtu' | 'tcp';
  readonly late: ReadonlySet<number>;
  /** How long a late read holds the line before its answer. */
  readonly lateMs?: number;
  /**
   * Instead: a late read does not hold the line (a unit that lies, a gateway's queue); its answer, with its own
   * transaction id, is sent just before the answer to the read this many reads after it.
   */
  readonly lateAfterReads?: number;
  /** After each answer, this many bytes that are no answer (0xFF: no unit's address), as a chattering line sends. */
  readonly chatterBytes?: number;
}): Promise<LateAnsweringUnit> {
  const sockets = new Set<Socket>();
  const reads: number[] = [];
  const answeredLate = new Set<number>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let pending: Buffer = Buffer.alloc(0);
    let line: Promise<void> = Promise.resolve();
    const held: { answer: Buffer; dueAt: number }[] = [];
    socket.on('data', (data) => {
      const { requests, rest } = takeRequests(Buffer.concat([pending, data]), options.framing);
      pending = rest;
      for (const { unit, pdu, id } of requests) {
        line = line.then(async () => {
          const address = pdu.readUInt16BE(1);
          reads.push(address);
          const answer = frameAnswer(unit, readAnswerPdu(address, pdu.readUInt16BE(3)), id, options.framing);
          if (options.late.has(address) && !answeredLate.has(address)) {
            answeredLate.add(address);
            if (options.lateAfterReads !== undefined) {
              held.push({ answer, dueAt: reads.length + options.lateAfterReads });
              return;
            }
            await new Promise((resolve) => setTimeout(resolve, options.lateMs));
          }
          for (const due of held.filter((h) => h.dueAt === reads.length)) socket.write(due.answer);
          if (!socket.destroyed) socket.write(answer);
          if (options.chatterBytes && !socket.destroyed) socket.write(Buffer.alloc(options.chatterBytes, 0xff));
        });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    reads,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
