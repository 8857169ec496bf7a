/**
 * The synthetic plant's dynamics: the model in internal units (latent disturbances, PI loops and the channels that
 * measure them) and one run of it, with or without a fault, row by row. Pure: the random stream is the caller's.
 */
import type { SeededRandom } from '../../core/random.js';
import type { PlantFaultKind } from './fault-kinds.js';

/** What a channel records: a measurement, a loop's controlled variable, or a loop's valve (its manipulated one). */
export type ChannelRole = 'measured' | 'controlled' | 'valve';

/** A channel of the plant as the simulation runs it (PlantChannel, recording.ts, is what a user reads of it). */
export interface ChannelModel {
  name: string;
  unit: string;
  role: ChannelRole;
  /** Weight of each latent, of each loop's valve position, and the measurement noise sd (internal units). */
  latentLoad: Float64Array;
  valveLoad: Float64Array;
  noise: number;
  drift?: 'warm-up' | 'ageing';
  driftSize: number;
  /** Normal sd in internal units (from a calibration run), then the engineering mapping. */
  sd: number;
  level: number;
  scale: number;
}
export interface LoopModel {
  cv: number;
  mv: number;
  gain: number;
  tau: number;
  kc: number;
  ti: number;
  /** Valve limits (0 and 100 %) in internal units. */
  low: number;
  high: number;
}
export interface PlantModel {
  latentPole: Float64Array;
  latentTau: number[];
  loops: LoopModel[];
  channels: ChannelModel[];
}

/** A fault as the simulation applies it (internal units). */
export interface FaultRun {
  kind: PlantFaultKind;
  start: number;
  end: number;
  magnitude: number;
  channel: number;
  loop: number;
  latent: number;
}

const BURN_IN_ROWS = 200;

/** Internal values, row-major (rows × channels): the measured channels, the CVs as measured and the controller
 * outputs. */
export function simulateRun(plant: PlantModel, rows: number, rng: SeededRandom, fault?: FaultRun): Float64Array {
  const { latentPole, loops, channels } = plant;
  const c = channels.length;
  const z = Float64Array.from(latentPole, () => rng.normal());
  const zAlt = new Float64Array(z.length);
  const zNow = new Float64Array(z.length);
  const [x, u, valve, lastError] = [0, 0, 0, 0].map(() => new Float64Array(loops.length));
  const out = new Float64Array(rows * c);
  const burnInRow = new Float64Array(c);
  let held = 0;
  for (let step = -BURN_IN_ROWS; step < rows; step++) {
    const t = Math.max(0, step);
    const f = fault && step >= fault.start && step < fault.end ? fault : undefined;
    const progress = f ? (step - f.start + 1) / (f.end - f.start) : 0;
    if (fault?.kind === 'correlation-break' && step === fault.start) zAlt.set(z);
    for (let l = 0; l < z.length; l++) {
      const innovation =
        Math.sqrt(1 - latentPole[l] ** 2) * (f?.kind === 'random-variation' && f.latent === l ? 1 + f.magnitude : 1);
      z[l] = latentPole[l] * z[l] + innovation * rng.normal();
      if (f?.kind === 'correlation-break')
        zAlt[l] = latentPole[l] * zAlt[l] + Math.sqrt(1 - latentPole[l] ** 2) * rng.normal();
      zNow[l] = z[l] + (f?.kind === 'ramp-disturbance' && f.latent === l ? f.magnitude * progress : 0);
    }
    const sensor = (j: number, value: number): number => {
      if (f?.channel !== j) return value;
      if (f.kind === 'sensor-bias') return value + f.magnitude * channels[j].sd;
      if (f.kind === 'sensor-drift') return value + f.magnitude * channels[j].sd * progress;
      const beyondDeadBand = f.magnitude > 0 && Math.abs(value - held) > f.magnitude * channels[j].sd;
      if (f.kind === 'stuck-sensor' && (step === f.start || beyondDeadBand)) held = value;
      return f.kind === 'stuck-sensor' ? held : value;
    };
    const latentPart = (ch: ChannelModel, j: number): number => {
      const broken = f?.kind === 'correlation-break' && f.channel === j;
      const [own, other] = broken
        ? [Math.cos((f.magnitude * Math.PI) / 2), Math.sin((f.magnitude * Math.PI) / 2)]
        : [1, 0];
      let sum = 0;
      for (let l = 0; l < z.length; l++) sum += ch.latentLoad[l] * (own * zNow[l] + other * zAlt[l]);
      return sum;
    };
    const row = step >= 0 ? out.subarray(t * c, (t + 1) * c) : burnInRow;
    loops.forEach((loop, k) => {
      x[k] = Math.exp(-1 / loop.tau) * x[k] + (1 - Math.exp(-1 / loop.tau)) * loop.gain * valve[k];
      const inputStep =
        f?.kind === 'compensated-step' && f.loop === k ? f.magnitude * channels[loop.mv].sd * Math.abs(loop.gain) : 0;
      const cv = channels[loop.cv];
      const measured = sensor(loop.cv, x[k] + latentPart(cv, loop.cv) + inputStep + cv.noise * rng.normal());
      const error = -measured;
      u[k] = Math.min(loop.high, Math.max(loop.low, u[k] + loop.kc * (error - lastError[k] + error / loop.ti)));
      lastError[k] = error;
      // Stiction: the valve sticks until the controller output is a dead band away, then slips past it by half the
      // band.
      const deadBand = f?.kind === 'sticky-valve' && f.loop === k ? f.magnitude * channels[loop.mv].sd : 0;
      if (deadBand === 0) valve[k] = u[k];
      else if (Math.abs(u[k] - valve[k]) > deadBand) valve[k] = u[k] + (Math.sign(u[k] - valve[k]) * deadBand) / 2;
      row[loop.cv] = measured;
      row[loop.mv] = u[k];
    });
    channels.forEach((ch, j) => {
      if (ch.role !== 'measured') return;
      let value = latentPart(ch, j) + ch.noise * rng.normal();
      for (let k = 0; k < loops.length; k++) value += ch.valveLoad[k] * valve[k];
      if (ch.drift === 'warm-up') value += ch.driftSize * (1 - Math.exp(-t / (rows / 4)));
      if (ch.drift === 'ageing') value += (ch.driftSize * t) / rows;
      row[j] = sensor(j, value);
    });
  }
  return out;
}
