/**
 * The line simulator's state: a plant model advanced on a timer, its signals encoded into
 * per-unit register images (what the Modbus server serves) and published to listeners (what the
 * OPC UA server serves). Time comes from an injectable clock; `speed` runs the plant faster
 * than real time.
 */
import { EventEmitter } from 'node:events';
import { encodeRegisters, encodeText, fromEngineering } from '../sources/modbus/encoding.js';
import {
  faultLevel,
  faultSpecSchema,
  faultState,
  type ActiveFault,
  type FaultSpec,
  type FaultState,
} from './faults.js';
import { PressModel, PumpModel, type PumpSignalSource } from './plant.js';
import { REGISTERS_PER_UNIT, SIM_REGISTERS, SIM_TEXT_REGISTERS, type PlantSnapshot } from './register-map.js';

/** Plant time between two updates of the plant: the press's 4 s stroke is drawn in 40 steps. */
export const PLANT_STEP_MS = 100;

/**
 * Real time between two updates at `speed`: one plant step (PLANT_STEP_MS of plant time) each, so a client polling
 * `speed` times faster sees the curves it sees at speed 1. Timers fire at most every millisecond: above 100× a step
 * spans more plant time.
 */
export function tickMsAt(speed: number): number {
  return Math.max(1, PLANT_STEP_MS / speed);
}

export interface LineSimulatorOptions {
  readonly seed?: number;
  readonly speed?: number;
  /** Real ms between plant updates (default: tickMsAt(speed), a plant step each). */
  readonly tickMs?: number;
  readonly schedule?: readonly FaultSpec[];
  /** Replaces the pump model's healthy signals, e.g. a CSV replay. */
  readonly pumpSource?: PumpSignalSource;
  readonly now?: () => number;
}

export interface LineSimulatorEvents {
  tick: [PlantSnapshot];
  fault: [ActiveFault];
}

export class LineSimulator extends EventEmitter<LineSimulatorEvents> {
  readonly registers = new Map<number, Uint16Array>();
  readonly coils = new Map<number, boolean[]>();
  /** Outputs a client may write over OPC UA (e.g. `alarm_lamp`), as the plant's PLC would hold them. */
  readonly outputs = new Map<string, boolean>([
    ['alarm_lamp', false],
    ['reject_gate', false],
  ]);
  /** Requests served over Modbus (reads of registers, writes of coils or registers), for tests and `simulate` status.
   * */
  readonly modbusRequests = { reads: 0, writes: 0 };
  private readonly pump: PumpModel;
  private readonly press: PressModel;
  private readonly now: () => number;
  private readonly speed: number;
  private readonly tickMs: number;
  private readonly pumpSource?: PumpSignalSource;
  private readonly startedAt: number;
  private faults: ActiveFault[] = [];
  private nextFaultId = 1;
  private timer: NodeJS.Timeout | undefined;
  private current: PlantSnapshot | undefined;

  constructor(options: LineSimulatorOptions = {}) {
    super();
    const seed = options.seed ?? 1;
    this.pump = new PumpModel(seed);
    this.press = new PressModel(seed);
    this.now = options.now ?? Date.now;
    this.speed = options.speed ?? 1;
    this.tickMs = options.tickMs ?? tickMsAt(this.speed);
    this.pumpSource = options.pumpSource;
    this.startedAt = this.now();
    for (const spec of options.schedule ?? []) this.injectFault(spec, 0);
    for (const r of SIM_REGISTERS)
      if (!this.registers.has(r.unit)) this.registers.set(r.unit, new Uint16Array(REGISTERS_PER_UNIT));
    for (const unit of this.registers.keys()) this.coils.set(unit, new Array<boolean>(16).fill(false));
    this.tick();
  }

  /** Simulated seconds since the simulator was created. */
  simTime(): number {
    return ((this.now() - this.startedAt) * this.speed) / 1000;
  }

  get snapshot(): PlantSnapshot {
    return this.current!;
  }

  /** Advances the plant to the current simulated time and re-encodes every register. */
  tick(): PlantSnapshot {
    const t = this.simTime();
    const base = this.pumpSource?.(t) ?? this.pump.healthy(t);
    const pump = this.pump.applyFaults(base, this.faults, t);
    const press = this.press.step(t, this.faults);
    this.current = { t_s: t, pump, press, pumpRunHours: 1200 + t / 3600 };
    for (const r of SIM_REGISTERS) {
      const raw = fromEngineering(r.read(this.current), r.scale, 0);
      const words = encodeRegisters(clampRaw(raw, r.type), r.type, r.order);
      this.registers.get(r.unit)!.set(words, r.address);
    }
    for (const r of SIM_TEXT_REGISTERS)
      this.registers.get(r.unit)!.set(encodeText(r.read(this.current), r.length, r.order), r.address);
    this.emit('tick', this.current);
    return this.current;
  }

  /** Schedules a fault `spec.start_s` seconds after `from_s` (default: now). */
  injectFault(spec: Partial<FaultSpec> & Pick<FaultSpec, 'type'>, from_s = this.simTime()): ActiveFault {
    const parsed = faultSpecSchema.parse(spec);
    const fault: ActiveFault = { ...parsed, id: this.nextFaultId++, at_s: from_s + parsed.start_s };
    this.faults.push(fault);
    this.emit('fault', fault);
    return fault;
  }

  clearFaults(): void {
    this.faults = [];
  }

  /** Faults with their state and current level (an ended fault is kept, marked so), for the HTTP API and the demo
   * console. */
  listFaults(): Array<ActiveFault & { state: FaultState; level: number }> {
    const t = this.simTime();
    return this.faults.map((f) => ({ ...f, state: faultState(f, t), level: faultLevel(f, t) }));
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), this.tickMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}

function clampRaw(raw: number, type: string): number {
  switch (type) {
    case 'uint16':
      return Math.min(65535, Math.max(0, raw));
    case 'int16':
      return Math.min(32767, Math.max(-32768, raw));
    case 'uint32':
      return Math.min(4294967295, Math.max(0, raw));
    default:
      return raw;
  }
}
