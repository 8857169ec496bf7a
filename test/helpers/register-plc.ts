/**
 * A PLC whose holding registers hold given words: modbus-serial's Modbus TCP server on a real socket, on a free port
 * of 127.0.0.1, answering every unit id; an address it does not hold is refused (exception 2, illegal data address).
 * It can close its connections and listen on (dropConnections). A read of an address in `silent` (the set may change
 * while it runs) gets no answer: the gateway's read times out, as with a PLC too busy to answer.
 */
import ModbusSerial from 'modbus-serial';
import type { AddressInfo, Server, Socket } from 'node:net';
import { freePort } from '../../src/core/free-port.js';

export interface RegisterPlc {
  readonly port: number;
  /** Closes the connections it has (as a PLC restarting its Modbus task does), listening on. */
  dropConnections(): void;
  close(): Promise<void>;
}

/** The four words of a 64-bit integer, big-endian (byte order ABCD). */
export function int64Words(value: bigint): number[] {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigInt64(0, BigInt.asIntN(64, value));
  return [0, 2, 4, 6].map((o) => view.getUint16(o));
}

export async function startRegisterPlc(
  holding: ReadonlyMap<number, number>,
  options: { readonly silent?: ReadonlySet<number> } = {},
): Promise<RegisterPlc> {
  const port = await freePort();
  const unanswered = new Promise<number>(() => undefined);
  const read = (addr: number, length: number): (number | Promise<number>)[] =>
    Array.from({ length }, (_, i) => {
      if (options.silent?.has(addr + i)) return unanswered;
      const word = holding.get(addr + i);
      if (word === undefined) throw Object.assign(new Error('illegal data address'), { modbusErrorCode: 0x02 });
      return word;
    });
  const vector = {
    getHoldingRegister: (addr: number) => read(addr, 1)[0],
    getMultipleHoldingRegisters: (addr: number, length: number) => read(addr, length),
  };
  const server = new ModbusSerial.ServerTCP(vector as never, { host: '127.0.0.1', port, unitID: 255 });
  const net = (server as unknown as { _server: Server })._server;
  const sockets = new Set<Socket>();
  net.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.on('initialized', () => resolve());
    net.once('error', reject);
  });
  return {
    port: (net.address() as AddressInfo).port,
    dropConnections: () => {
      for (const s of sockets) s.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A register PLC holding `holding`, with the set of addresses it leaves unanswered (empty; the test fills it), its
 * close put in `cleanups`. */
export async function silenceablePlc(
  holding: ReadonlyMap<number, number>,
  cleanups: (() => Promise<unknown>)[],
): Promise<{ readonly plc: RegisterPlc; readonly silent: Set<number> }> {
  const silent = new Set<number>();
  const plc = await startRegisterPlc(holding, { silent });
  cleanups.push(() => plc.close());
  return { plc, silent };
}
