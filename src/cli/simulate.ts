/** `linewatch simulate`: the line simulator alone, for pointing any Modbus or OPC UA client at it. */
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { FAULT_TYPES, type FaultSpec, type FaultType } from '../sim/faults.js';
import { runSimulator, type RunSimulatorOptions } from '../sim/run-simulator.js';
import { loadSimConfig } from '../sim/sim-config.js';
import { reportError } from './report-error.js';
import { portFlag, portTakenHint, UsageError } from './usage.js';

export interface SimulateOptions {
  host: string;
  modbusPort: string;
  opcuaPort: string;
  opcua: boolean;
  httpPort: string;
  pkiDir: string;
  seed: string;
  speed: string;
  fault?: string[];
  replay?: string;
  config?: string;
  rtuPath?: string;
  rtuBaud: string;
}

/** Parses TYPE@START_S[+DURATION_S]. */
export function parseFaultArg(arg: string): FaultSpec {
  const m = /^([a-z_]+)(?:@(\d+(?:\.\d+)?))?(?:\+(\d+(?:\.\d+)?))?$/.exec(arg);
  if (!m || !FAULT_TYPES.includes(m[1] as FaultType)) {
    throw new UsageError(
      `--fault ${arg}: expected TYPE@START_S[+DURATION_S] with TYPE one of ${FAULT_TYPES.join(', ')}`,
    );
  }
  return {
    type: m[1] as FaultType,
    start_s: Number(m[2] ?? 0),
    duration_s: m[3] ? Number(m[3]) : undefined,
    severity: 0.8,
    ramp_s: 5,
  };
}

/**
 * The OPC UA server keeps its certificate and trust lists in its PKI folder: made here, so that one it cannot make
 * (a read-only working directory, as in a container) is refused naming the folder and how to choose another.
 */
async function makePkiFolder(dir: string, config: string | undefined): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    const reason = (err as Error).message.split(',')[0];
    const where = config ? `opcua.pki_dir in ${config}` : '--pki-dir (or LINEWATCH_SIM_PKI_DIR)';
    throw new UsageError(
      `cannot create the OPC UA server's PKI folder ${dir} (${reason}): ` +
        `choose a writable folder with ${where}, or leave OPC UA out (${config ? 'opcua.enabled: false' : '--no-opcua'})`,
    );
  }
}

/** `--speed X`: simulated seconds per real second (the plant still steps 100 ms of its time per update). */
function speedFlag(value: string): number {
  const speed = Number(value);
  if (value.trim() === '' || !Number.isFinite(speed) || speed <= 0)
    throw new UsageError(`--speed ${value}: expected a positive number (simulated seconds per real second)`);
  return speed;
}

export async function simulateCommand(opts: SimulateOptions): Promise<number> {
  try {
    const extraFaults = (opts.fault ?? []).map(parseFaultArg);
    const options: RunSimulatorOptions = opts.config
      ? await loadSimConfig(opts.config)
      : {
          host: opts.host,
          modbusPort: portFlag('modbus-port', opts.modbusPort),
          opcua: opts.opcua
            ? { port: portFlag('opcua-port', opts.opcuaPort), pkiDir: resolve(opts.pkiDir) }
            : undefined,
          httpPort: portFlag('http-port', opts.httpPort),
          seed: Number(opts.seed),
          speed: speedFlag(opts.speed),
          replayCsv: opts.replay,
        };
    if (options.opcua) await makePkiFolder(options.opcua.pkiDir, opts.config);
    const host = options.host ?? '127.0.0.1';
    const rtu = opts.rtuPath ? { path: opts.rtuPath, baudRate: Number(opts.rtuBaud) } : undefined;
    const running = await runSimulator({
      ...options,
      ...(rtu ? { rtu } : {}),
      schedule: [...(options.schedule ?? []), ...extraFaults],
    });
    const faults = running.sim.listFaults();
    process.stdout.write(
      `line simulator running (seed ${options.seed ?? 1}, speed ${options.speed ?? 1}×${options.replayCsv ? `, replaying ${options.replayCsv}` : ''})\n` +
        `  Modbus TCP  ${host}:${running.modbusPort}  (unit 1 pump, unit 2 press; register map in docs/simulator.md)\n` +
        (running.opcuaEndpoint
          ? `  OPC UA      ${running.opcuaEndpoint}  (ns=urn:linewatch:sim, s=Pump1.<channel>)\n`
          : '') +
        (rtu ? `  Modbus RTU  ${rtu.path} ${rtu.baudRate} 8N1\n` : '') +
        `  faults API  http://${host}:${running.httpPort}/faults\n` +
        faults
          .map(
            (f) =>
              `  fault ${f.id}: ${f.type} at ${f.at_s} s${f.duration_s ? ` for ${f.duration_s} s` : ''}, severity ${f.severity}\n`,
          )
          .join(''),
    );
    await new Promise<void>((resolveSignal) => {
      process.once('SIGINT', resolveSignal);
      process.once('SIGTERM', resolveSignal);
    });
    await running.close();
    return 0;
  } catch (err) {
    if (opts.config) return reportError(err);
    const ports = { 'modbus-port': Number(opts.modbusPort), 'http-port': Number(opts.httpPort) };
    return reportError(portTakenHint(err, opts.opcua ? { ...ports, 'opcua-port': Number(opts.opcuaPort) } : ports));
  }
}
