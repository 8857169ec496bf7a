/** Starts the whole line simulator: plant, Modbus TCP server, optional OPC UA server and HTTP API. */
import { csvReplaySource } from './csv-replay.js';
import type { FaultSpec } from './faults.js';
import { LineSimulator } from './line-simulator.js';
import { startSimModbusRtuServer, startSimModbusServer } from './modbus-server.js';
import { startSimHttpApi } from './http-api.js';

export interface RunSimulatorOptions {
  readonly host?: string;
  readonly modbusPort: number;
  /** Omitted: no OPC UA server. */
  readonly opcua?: { readonly port: number; readonly pkiDir: string };
  /** Omitted: no HTTP API. */
  readonly httpPort?: number;
  readonly seed?: number;
  readonly speed?: number;
  /** Real ms between plant updates (default: a plant step of 100 ms at any speed, tickMsAt(speed)). */
  readonly tickMs?: number;
  readonly schedule?: readonly FaultSpec[];
  readonly replayCsv?: string;
  /** Also serve Modbus RTU on this serial device (e.g. one end of a socat pty pair). */
  readonly rtu?: { readonly path: string; readonly baudRate: number };
}

export interface RunningSimulator {
  readonly sim: LineSimulator;
  readonly modbusPort: number;
  readonly opcuaEndpoint?: string;
  readonly httpPort?: number;
  close(): Promise<void>;
}

export async function runSimulator(options: RunSimulatorOptions): Promise<RunningSimulator> {
  const host = options.host ?? '127.0.0.1';
  const sim = new LineSimulator({
    seed: options.seed,
    speed: options.speed,
    tickMs: options.tickMs,
    schedule: options.schedule,
    pumpSource: options.replayCsv ? csvReplaySource(options.replayCsv) : undefined,
  });
  sim.start();
  const closers: Array<() => Promise<void>> = [async () => sim.stop()];
  const close = async () => {
    for (const c of closers.reverse()) await c();
  };
  try {
    const modbus = await startSimModbusServer(sim, host, options.modbusPort);
    closers.push(() => modbus.close());
    // node-opcua is large and chatty at import: load it only when an OPC UA server is wanted.
    const opcua = options.opcua
      ? await (await import('./opcua-server.js')).startSimOpcuaServer(sim, { ...options.opcua, host })
      : undefined;
    if (opcua) closers.push(() => opcua.close());
    if (options.rtu) {
      const rtu = await startSimModbusRtuServer(sim, options.rtu.path, options.rtu.baudRate);
      closers.push(() => rtu.close());
    }
    const http = options.httpPort !== undefined ? await startSimHttpApi(sim, host, options.httpPort) : undefined;
    if (http) closers.push(() => http.close());
    return { sim, modbusPort: modbus.port, opcuaEndpoint: opcua?.endpointUrl, httpPort: http?.port, close };
  } catch (err) {
    await close();
    throw err;
  }
}
