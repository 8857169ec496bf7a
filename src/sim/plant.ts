/**
 * The simulated plant (pure, seeded): a pump station and a press station. Each `step(t)` gives
 * the signals at simulated time t seconds. The pump follows a slowly varying load that moves
 * flow, pressure, current, vibration and temperature together, as on a real rig; faults bend
 * those relations in the ways a reliability engineer would recognise.
 */
import { faultLevel, sensorFaultChannel, type ActiveFault } from './faults.js';
import { SeededRandom } from '../core/random.js';
import type { PumpChannel } from './pump-channels.js';

export { PUMP_CHANNELS, type PumpChannel } from './pump-channels.js';
export type PumpSignals = Record<PumpChannel, number>;

export const PUMP_UNITS: Record<PumpChannel, string> = {
  vibration_1: 'g',
  vibration_2: 'g',
  motor_current: 'A',
  voltage: 'V',
  pressure: 'bar',
  temperature: 'degC',
  flow: 'l/min',
};

export interface PressSignals {
  cycle_active: boolean;
  part_counter: number;
  force_kn: number;
  position_mm: number;
}

/** A source of pump signals other than the model (e.g. a CSV replay); returns undefined when exhausted. */
export type PumpSignalSource = (t_s: number) => PumpSignals | undefined;

export class PumpModel {
  private readonly rng: SeededRandom;
  private temperatureState = 65;
  private lastT: number | undefined;
  private readonly phase: number;
  private readonly stuck = new Map<number, number>();

  constructor(seed: number) {
    this.rng = new SeededRandom(seed);
    this.phase = this.rng.next() * 1000;
  }

  /** Operating load 0..1: slow, plausible variation of demand. */
  load(t_s: number): number {
    const t = t_s + this.phase;
    return (
      0.55 +
      0.2 * Math.sin((2 * Math.PI * t) / 97) +
      0.1 * Math.sin((2 * Math.PI * t) / 23.7) +
      0.05 * Math.sin((2 * Math.PI * t) / 611)
    );
  }

  /** Healthy signals at time t (advances the noise stream and the thermal state). */
  healthy(t_s: number): PumpSignals {
    const n = () => this.rng.normal();
    const load = this.load(t_s);
    const dt = this.lastT === undefined ? 0 : Math.max(0, t_s - this.lastT);
    this.lastT = t_s;
    const target = 62 + 8 * load;
    this.temperatureState += (target - this.temperatureState) * Math.min(1, dt / 60);
    return {
      vibration_1: 0.027 + 0.006 * load + 0.0008 * n(),
      vibration_2: 0.04 + 0.008 * load + 0.001 * n(),
      motor_current: 1.4 + 0.6 * load + 0.03 * n(),
      voltage: 230 + 1.0 * n(),
      pressure: 1.8 + 0.8 * load + 0.03 * n(),
      temperature: this.temperatureState + 0.05 * n(),
      flow: 28 + 8 * load + 0.3 * n(),
    };
  }

  /** Applies the active pump faults to healthy (or replayed) signals. */
  applyFaults(s: PumpSignals, faults: readonly ActiveFault[], t_s: number): PumpSignals {
    const out = { ...s };
    for (const f of faults) {
      const k = faultLevel(f, t_s);
      if (k === 0) {
        this.stuck.delete(f.id);
        continue;
      }
      const n = () => this.rng.normal();
      switch (f.type) {
        case 'valve_closure':
          out.flow *= 1 - 0.6 * k;
          out.pressure += 1.2 * k;
          out.motor_current -= 0.25 * k;
          break;
        case 'rotor_imbalance':
          out.vibration_1 += 0.03 * k * (1 + 0.2 * n());
          out.vibration_2 += 0.045 * k * (1 + 0.2 * n());
          out.motor_current += 0.12 * k;
          break;
        case 'cavitation':
          out.flow *= 1 - 0.2 * k;
          out.pressure += 0.35 * k * n() - 0.3 * k;
          out.vibration_1 += 0.012 * k + 0.004 * k * Math.abs(n());
          out.vibration_2 += 0.018 * k + 0.006 * k * Math.abs(n());
          break;
        case 'sensor_drift': {
          const ch = sensorFaultChannel(f);
          out[ch] += (t_s - f.at_s) * 0.02 * f.severity * Math.abs(s[ch] || 1);
          break;
        }
        case 'stuck_sensor': {
          const ch = sensorFaultChannel(f);
          if (!this.stuck.has(f.id)) this.stuck.set(f.id, out[ch]);
          out[ch] = this.stuck.get(f.id)!;
          break;
        }
        case 'bad_press_fit':
          break;
      }
    }
    return out;
  }
}

/** A press making one part per cycle: 4 s pressing, 2 s loading; a force curve per part. */
export class PressModel {
  static readonly CYCLE_S = 6;
  static readonly ACTIVE_S = 4;
  private readonly rng: SeededRandom;
  private partPeak = 25;

  constructor(seed: number) {
    this.rng = new SeededRandom(seed ^ 0x9e3779b9);
  }

  step(t_s: number, faults: readonly ActiveFault[]): PressSignals {
    const cycle = Math.floor(t_s / PressModel.CYCLE_S);
    const tau = t_s - cycle * PressModel.CYCLE_S;
    const active = tau < PressModel.ACTIVE_S;
    if (tau < 0.1) this.partPeak = 25 + 0.6 * this.rng.normal();
    let bad = 0;
    for (const f of faults) if (f.type === 'bad_press_fit') bad = Math.max(bad, faultLevel(f, t_s));
    const x = tau / PressModel.ACTIVE_S;
    const peakAt = 0.7 - 0.25 * bad;
    const shape = active ? (x < peakAt ? Math.pow(x / peakAt, 2) : Math.max(0, 1 - (x - peakAt) / (1 - peakAt))) : 0;
    return {
      cycle_active: active,
      part_counter: cycle,
      force_kn: Math.max(0, this.partPeak * (1 - 0.4 * bad) * shape + 0.05 * this.rng.normal()),
      position_mm: active ? 40 * Math.min(1, x / peakAt) : 0,
    };
  }
}
