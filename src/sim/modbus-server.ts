/** Serves the simulator's register images over Modbus TCP (modbus-serial's ServerTCP). */
import ModbusRTU from 'modbus-serial';
import type { AddressInfo, Server, Socket } from 'node:net';
import { freePort } from '../core/free-port.js';
import type { LineSimulator } from './line-simulator.js';

export interface SimModbusServer {
  readonly port: number;
  close(): Promise<void>;
}

/** Modbus exception 2 (illegal data address), as modbus-serial's server expects it. */
function illegalAddress(): Error & { modbusErrorCode: number } {
  return Object.assign(new Error('illegal data address'), { modbusErrorCode: 0x02 });
}

/** The modbus-serial service vector over the simulator's register images and coils. */
export function simModbusVector(sim: LineSimulator) {
  const image = (unit: number) => {
    const regs = sim.registers.get(unit);
    if (!regs) throw Object.assign(new Error(`no unit ${unit}`), { modbusErrorCode: 0x0b });
    return regs;
  };
  const read = (addr: number, length: number, unit: number): number[] => {
    const regs = image(unit);
    if (addr + length > regs.length) throw illegalAddress();
    sim.modbusRequests.reads++;
    return Array.from(regs.subarray(addr, addr + length));
  };
  const vector = {
    getHoldingRegister: (addr: number, unit: number) => read(addr, 1, unit)[0],
    getInputRegister: (addr: number, unit: number) => read(addr, 1, unit)[0],
    getMultipleHoldingRegisters: (addr: number, length: number, unit: number) => read(addr, length, unit),
    getMultipleInputRegisters: (addr: number, length: number, unit: number) => read(addr, length, unit),
    getCoil: (addr: number, unit: number) => {
      const coils = sim.coils.get(unit);
      if (!coils || addr >= coils.length) throw illegalAddress();
      return coils[addr];
    },
    setCoil: (addr: number, value: boolean, unit: number) => {
      const coils = sim.coils.get(unit);
      if (!coils || addr >= coils.length) throw illegalAddress();
      coils[addr] = value;
      sim.modbusRequests.writes++;
    },
    setRegister: (addr: number, value: number, unit: number) => {
      const regs = image(unit);
      if (addr >= regs.length) throw illegalAddress();
      regs[addr] = value;
      sim.modbusRequests.writes++;
    },
  };
  return vector;
}

/** Starts the server; port 0 picks a free port (modbus-serial itself treats 0 as 502). */
export async function startSimModbusServer(
  sim: LineSimulator,
  host = '127.0.0.1',
  port = 5020,
): Promise<SimModbusServer> {
  if (port === 0) port = await freePort(host);
  const server = new ModbusRTU.ServerTCP(simModbusVector(sim), { host, port, unitID: 255 });
  const net = (server as unknown as { _server: Server })._server;
  await new Promise<void>((resolve, reject) => {
    server.on('initialized', () => resolve());
    server.on('serverError', (err: Error | null) => reject(err ?? new Error('modbus server error')));
    net.once('error', reject);
  });
  return {
    port: (net.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const sock of (server as unknown as { socks: Map<Socket, 0> }).socks.keys()) sock.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Serves the register images as Modbus RTU on a serial device (or one end of a pty pair). */
export async function startSimModbusRtuServer(
  sim: LineSimulator,
  path: string,
  baudRate = 9600,
): Promise<{ close(): Promise<void> }> {
  const server = new ModbusRTU.ServerSerial(simModbusVector(sim), {
    path,
    baudRate,
    unitID: 255,
  } as ConstructorParameters<typeof ModbusRTU.ServerSerial>[1]);
  await new Promise<void>((resolve, reject) => {
    server.on('initialized', () => resolve());
    server.on('error', (err: Error | null) => reject(err ?? new Error(`cannot open ${path}`)));
  });
  return { close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
