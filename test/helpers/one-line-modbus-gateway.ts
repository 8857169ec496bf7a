/**
 * A Modbus TCP to RTU gateway as the plant has them (a Moxa MGate, a Lantronix box): one TCP connection, several unit
 * ids behind it on one RS-485 line, so it answers one request at a time, in the order they came, each after the unit
 * before it answered or its serial time ran out. With `lines: 'per-unit'` each unit is on a serial port of its own (a
 * multi-port gateway), so the units answer independently. A unit may be slow (answers after `delayMs`, holding its
 * line that long), silent (holds the line `delayMs` and answers nothing, as a gateway waiting out a dead unit), answer
 * too long (`answer: 'long'`: one register more than asked, its byte count saying so) or with a byte count short of
 * the registers it carries (`answer: 'short-count'`, as a faulty firmware sends) or twice them (`answer: 'long-count'`:
 * the registers asked for, a byte count saying twice as many bytes), and may refuse some registers
 * (`refused`: exception 2). Function 3 only: register `a` of unit `u` reads `u * 1000 + a`. Real sockets; the faults
 * are the units' (fault injection).
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface GatewayUnit {
  /** How long the unit holds the line before its answer (or before the gateway gives up on it), ms. */
  readonly delayMs?: number;
  /** Answers nothing. */
  readonly silent?: boolean;
  /** Registers the unit refuses with exception 2, illegal data address (the set may change while it runs). */
  readonly refused?: Set<number>;
  /**
   * A malformed answer: one register too many, or a byte count one register short of the registers it carries, or
   * twice the bytes it carries.
   */
  readonly answer?: 'long' | 'short-count' | 'long-count';
}

export interface OneLineGateway {
  readonly port: number;
  /** Requests taken off the line, by unit. */
  readonly requests: Map<number, number>;
  /** TCP connections accepted. */
  connections: number;
  close(): Promise<void>;
}

/** Answers a function 3 request (MBAP header and PDU) for `unit`. */
function readAnswer(request: Buffer, unit: number, malformed?: GatewayUnit['answer']): Buffer {
  const address = request.readUInt16BE(8);
  const count = request.readUInt16BE(10) + (malformed === 'long' ? 1 : 0);
  const answer = Buffer.alloc(9 + count * 2);
  request.copy(answer, 0, 0, 4);
  answer.writeUInt16BE(3 + count * 2, 4);
  answer[6] = unit;
  answer[7] = 3;
  answer[8] = malformed === 'long-count' ? count * 4 : count * 2 - (malformed === 'short-count' ? 2 : 0);
  for (let i = 0; i < count; i++) answer.writeUInt16BE((unit * 1000 + address + i) & 0xffff, 9 + i * 2);
  return answer;
}

/** Exception 2 (illegal data address) to a function 3 request. */
function illegalAddress(request: Buffer, unit: number): Buffer {
  const answer = Buffer.from([0, 0, 0, 0, 0, 3, unit, 0x83, 0x02]);
  request.copy(answer, 0, 0, 2);
  return answer;
}

export async function startOneLineGateway(
  units: ReadonlyMap<number, GatewayUnit>,
  lines: 'one' | 'per-unit' = 'one',
): Promise<OneLineGateway> {
  const sockets = new Set<Socket>();
  const gateway: OneLineGateway = { port: 0, requests: new Map(), connections: 0, close: async () => undefined };
  const server: Server = createServer((socket) => {
    gateway.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let pending = Buffer.alloc(0);
    // The RS-485 line (or each unit's): each request waits for the one before it.
    const serialLines = new Map<number, Promise<void>>();
    socket.on('data', (data) => {
      pending = Buffer.concat([pending, data]);
      while (pending.length >= 6 && pending.length >= 6 + pending.readUInt16BE(4)) {
        const frame = pending.subarray(0, 6 + pending.readUInt16BE(4));
        pending = pending.subarray(frame.length);
        const unitId = frame[6];
        const lineOf = lines === 'one' ? 0 : unitId;
        const before = serialLines.get(lineOf) ?? Promise.resolve();
        serialLines.set(
          lineOf,
          before.then(async () => {
            gateway.requests.set(unitId, (gateway.requests.get(unitId) ?? 0) + 1);
            const unit = units.get(unitId) ?? { silent: true };
            if (unit.delayMs) await new Promise((r) => setTimeout(r, unit.delayMs));
            if (unit.silent || socket.destroyed) return;
            const first = frame.readUInt16BE(8);
            const refused = [...(unit.refused ?? [])].some((r) => r >= first && r < first + frame.readUInt16BE(10));
            socket.write(refused ? illegalAddress(frame, unitId) : readAnswer(frame, unitId, unit.answer));
          }),
        );
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(gateway, {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  });
}
