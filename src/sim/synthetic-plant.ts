/**
 * A synthetic continuous process plant (a much simplified Tennessee Eastman) that records labelled runs
 * in the SKAB CSV format, so the detector can be checked on other channel counts, rates, noise and faults.
 *
 * The model, in internal units (each recorded channel is then level + scale × value, its normal sd set to a
 * spread from about 0.003 to 30 engineering units):
 *  - a few latent disturbances (feed composition, ambient, ...): unit-variance AR(1), time constants 2 to 50 rows;
 *  - K PI loops: a first-order process x (gain G, time constant τ rows, one row of delay) plus a disturbance d
 *    (a mix of the latents) is the controlled variable y = x + d; an IMC-tuned PI controller moves its valve u
 *    (the manipulated variable, % open) to hold the measured y at set point, so a slow disturbance shows in u,
 *    not in y. Valves stay within 0–100 %;
 *  - every other channel measures one dominant latent and one minor one (random mixing: correlated channels),
 *    some also a valve's flow, plus white noise of its own; two drift in normal operation (a warm-up, an ageing).
 * Set point changes are not simulated: they are neither faults nor plain normal operation.
 * Time constants are in rows: the sample period only sets the timestamps. One fault per file (PLANT_FAULT_KINDS),
 * labelled anomaly=1 while active, changepoint=1 on its first row and on the first row after it (as SKAB does).
 * Pure and seeded: the same options give the same bytes.
 */
import { SeededRandom } from '../core/random.js';
import { analyserChannels, heldReadings } from './sampled-analysers.js';

type Range = readonly [number, number];

export const PLANT_FAULT_KINDS = [
  'compensated-step',
  'ramp-disturbance',
  'sensor-bias',
  'sensor-drift',
  'stuck-sensor',
  'sticky-valve',
  'random-variation',
  'correlation-break',
] as const;
export type PlantFaultKind = (typeof PLANT_FAULT_KINDS)[number];

/** What each kind does, and what its magnitude means: a range for normal faults and one for hard (barely visible)
 * ones. */
export const PLANT_FAULTS: Record<
  PlantFaultKind,
  { readonly does: string; readonly normal: Range; readonly hard: Range }
> = {
  'compensated-step': {
    does: "step on a loop's process input; the PI loop pulls the CV back, its valve moves by magnitude × its normal sd",
    normal: [2.5, 5],
    hard: [0.4, 0.8],
  },
  'ramp-disturbance': {
    does: "ramp on a latent disturbance, reaching magnitude × its sd at the fault's end",
    normal: [2, 4],
    hard: [0.4, 0.8],
  },
  'sensor-bias': {
    does: "one sensor reads magnitude × its normal sd off (a CV's bias is hidden by its loop and moves the valve)",
    normal: [3, 6],
    hard: [0.4, 0.8],
  },
  'sensor-drift': {
    does: "one sensor's error grows linearly to magnitude × its normal sd at the fault's end",
    normal: [3, 6],
    hard: [0.5, 1],
  },
  'stuck-sensor': {
    does: 'one sensor freezes (hard: reports a change only when it exceeds magnitude × its normal sd)',
    normal: [0, 0],
    hard: [1, 2],
  },
  'sticky-valve': {
    does: "valve stiction: it sticks until the controller output is magnitude × the valve's normal sd away, then slips past it; the CV wanders and jumps",
    normal: [3, 6],
    hard: [0.8, 1.5],
  },
  'random-variation': {
    does: "a latent disturbance's random variation grows: its innovation sd × (1 + magnitude)",
    normal: [1, 2],
    hard: [0.3, 0.5],
  },
  'correlation-break': {
    does: 'one channel decouples from its latent sources (magnitude: the fraction of the way); its own spread is unchanged',
    normal: [1, 1],
    hard: [0.3, 0.5],
  },
};

export interface SyntheticPlantOptions {
  /** Recorded channels, valves included. */
  readonly channels: number;
  /** Sample period; the CSV times have 1 s resolution, so a multiple of 1000. */
  readonly samplePeriodMs: number;
  readonly rowsPerFile: number;
  /** Labelled files, one fault each, the kinds taken in turn. */
  readonly files: number;
  readonly seed: number;
  /** Multiplies every channel's measurement noise (default 1). */
  readonly noiseScale?: number;
  readonly faultKinds?: readonly PlantFaultKind[];
  /** Rows at the start of every file that are normal operation (default 400). */
  readonly normalRows?: number;
  /** First and last row a fault may start on (default normalRows + 20, normalRows + 100). */
  readonly faultStartRows?: readonly [number, number];
  /** Share of files whose fault ends before the file does, the plant then back to normal (default 0.4). */
  readonly recoveringFraction?: number;
  /** Share of files with a barely visible fault (default 0.15). */
  readonly hardFraction?: number;
  /** Measured channels recorded as sampled analysers, each reading held until the next (sampled-analysers.ts; default
   * 0). */
  readonly analysers?: number;
  /** Rows of the anomaly-free run (default rowsPerFile). */
  readonly anomalyFreeRows?: number;
  /** Time of the anomaly-free run's first row (default 2024-01-01 00:00:00 UTC); each labelled run starts on a later
   * day. */
  readonly startMs?: number;
}

/** Rows a fault lasts at least, after its latest start. */
export const MIN_FAULT_ROWS = 100;
export const PLANT_LIMITS = {
  channels: [8, 120],
  samplePeriodMs: [1000, 86_400_000],
  rowsPerFile: [1, 100_000],
  files: [1, 1000],
  seed: [0, 0xffffffff],
  noiseScale: [0.01, 10],
} as const;

export interface PlantChannel {
  readonly name: string;
  readonly unit: string;
  readonly role: 'measured' | 'controlled' | 'valve';
  /** Normal level and sd, engineering units (drift not included). */
  readonly level: number;
  readonly spread: number;
  readonly drift?: 'warm-up' | 'ageing';
  /** A sampled analyser's channel: the rows each reading is held for. */
  readonly heldRows?: number;
}
export interface PlantLoop {
  readonly cv: string;
  readonly mv: string;
  readonly gain: number;
  readonly timeConstantRows: number;
  readonly kc: number;
  readonly tiRows: number;
}
export interface PlantDescription {
  readonly channels: readonly PlantChannel[];
  readonly loops: readonly PlantLoop[];
  readonly latentTimeConstantsRows: readonly number[];
}
export interface PlantFault {
  readonly kind: PlantFaultKind;
  readonly hard: boolean;
  readonly magnitude: number;
  /** What it acts on: a channel, a loop ("CV/MV") or a latent disturbance ("d2"). */
  readonly target: string;
  readonly startRow: number;
  /** The first normal row again; undefined: the fault lasts to the end of the file. */
  readonly endRow?: number;
}
export interface SyntheticFile {
  readonly name: string;
  readonly csv: string;
  readonly fault: PlantFault;
  readonly anomalyRows: number;
  readonly changepoints: number;
}
export interface SyntheticPlantDataset {
  readonly plant: PlantDescription;
  readonly files: readonly SyntheticFile[];
  /** Normal operation only, no label columns (as SKAB's anomaly-free.csv). */
  readonly anomalyFree: string;
}

const uniform = (rng: SeededRandom, [lo, hi]: Range): number => lo + (hi - lo) * rng.next();
const pick = <T>(rng: SeededRandom, items: readonly T[]): T => items[Math.floor(rng.next() * items.length)];
function shuffled<T>(rng: SeededRandom, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
/** An independent stream for each purpose and file, from one seed. */
function streamSeed(seed: number, stream: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(stream + 1, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  return (h ^ (h >>> 15)) >>> 0;
}

/** Instrument kinds: tag letter, unit, log10 of the normal sd, level (absolute, or × the sd when `relative`). */
const INSTRUMENTS = {
  T: { unit: '°C', sdLog10: [-1, 0.3], level: [40, 400], relative: false },
  A: { unit: 'mol%', sdLog10: [-2.5, -1.7], level: [10, 40], relative: true },
  P: { unit: 'kPa', sdLog10: [0.5, 1.5], level: [100, 1000], relative: false },
  F: { unit: 'm3/h', sdLog10: [-1.3, 0], level: [10, 60], relative: true },
  L: { unit: '%', sdLog10: [-1, -0.3], level: [30, 70], relative: false },
  J: { unit: 'kW', sdLog10: [0, 1], level: [50, 900], relative: false },
  S: { unit: 'rpm', sdLog10: [0.5, 1.2], level: [600, 1500], relative: false },
} as const;
type Instrument = keyof typeof INSTRUMENTS;
const VALVE = { sdLog10: [0, 0.5], level: [30, 70] } as const;

interface ChannelModel {
  name: string;
  unit: string;
  role: PlantChannel['role'];
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
interface LoopModel {
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
interface PlantModel {
  latentPole: Float64Array;
  latentTau: number[];
  loops: LoopModel[];
  channels: ChannelModel[];
}

/** PI loops of a plant of `channelCount` channels: one per five channels, each recorded as its CV and its valve. */
const loopCountFor = (channelCount: number): number => Math.max(1, Math.round(channelCount / 5));

/** Channels of a plant of `channelCount` channels that are measured only, neither a loop's CV nor its valve: the ones
 * that can be sampled analysers. */
export const measuredChannelCount = (channelCount: number): number => channelCount - 2 * loopCountFor(channelCount);

function buildPlant(channelCount: number, noiseScale: number, seed: number): PlantModel {
  const rng = new SeededRandom(streamSeed(seed, 0x91a7));
  const loopCount = loopCountFor(channelCount);
  const latentCount = Math.min(10, Math.max(3, Math.round(channelCount / 6)));
  const latentTau = Array.from(
    { length: latentCount },
    (_, l) => 2 * 25 ** (l / (latentCount - 1)) * uniform(rng, [0.8, 1.25]),
  );
  const sensorCount = channelCount - loopCount;
  // T, A and P always: a warm-up (T), an ageing (A), and spreads more than 100× apart (A against P).
  const others = Array.from({ length: sensorCount - 3 }, () => pick(rng, Object.keys(INSTRUMENTS) as Instrument[]));
  const kinds = shuffled(rng, ['T', 'A', 'P', ...others] as Instrument[]);
  const warmUp = kinds.indexOf('T');
  const ageing = kinds.indexOf('A');
  const cvs = shuffled(
    rng,
    kinds.map((_, i) => i).filter((i) => i !== warmUp && i !== ageing),
  )
    .slice(0, loopCount)
    .sort((a, b) => a - b);
  const latentOrder = shuffled(
    rng,
    Array.from({ length: latentCount }, (_, l) => l),
  );
  const noise = () => Math.exp(uniform(rng, [Math.log(0.05), Math.log(0.5)])) * noiseScale;
  const mixing = (primary: number, minor = 0.3) => {
    const load = new Float64Array(latentCount);
    load[primary] = (rng.next() < 0.5 ? -1 : 1) * uniform(rng, [0.8, 1.2]);
    load[(primary + 1 + Math.floor(rng.next() * (latentCount - 1))) % latentCount] = minor * rng.normal();
    return load;
  };
  const channels: ChannelModel[] = kinds.map((kind, i) => ({
    name: `${kind}I${101 + i}`,
    unit: INSTRUMENTS[kind].unit,
    role: cvs.includes(i) ? 'controlled' : 'measured',
    latentLoad: new Float64Array(latentCount),
    valveLoad: new Float64Array(loopCount),
    noise: noise(),
    drift: i === warmUp ? 'warm-up' : i === ageing ? 'ageing' : undefined,
    driftSize: 0,
    sd: 1,
    level: 0,
    scale: 1,
  }));
  // Latents in turn, the first one twice: those two channels (no drift, little noise) are strongly correlated.
  const measuredInTurn = [
    ...channels.filter((c) => c.role === 'measured' && !c.drift),
    ...channels.filter((c) => c.drift),
  ];
  measuredInTurn.forEach((c, j) => {
    const cleanPair = j < 2;
    c.latentLoad = mixing(latentOrder[Math.max(0, j - 1) % latentCount], cleanPair ? 0.1 : 0.3);
    if (cleanPair) c.noise = 0.08 * noiseScale;
  });
  const loops = cvs.map((cv, k): LoopModel => {
    channels[cv].latentLoad = mixing(latentOrder[k % latentCount]);
    const gain = (rng.next() < 0.5 ? -1 : 1) * uniform(rng, [0.5, 2]);
    const tau = uniform(rng, [2, 8]);
    const lambda = tau * uniform(rng, [0.5, 1]);
    const mv = channels.length;
    const valve = {
      ...channels[cv],
      name: `${kinds[cv]}V${101 + cv}`,
      unit: '%',
      role: 'valve' as const,
      noise: 0,
      drift: undefined,
    };
    channels.push({ ...valve, latentLoad: new Float64Array(latentCount), valveLoad: new Float64Array(loopCount) });
    return { cv, mv, gain, tau, kc: tau / (gain * (lambda + 1)), ti: tau, low: -Infinity, high: Infinity };
  });
  // Some measured flows follow a valve.
  const measured = channels.filter((c) => c.role === 'measured' && c.drift === undefined);
  loops.forEach((_, k) => (pick(rng, measured).valveLoad[k] = (rng.next() < 0.5 ? -1 : 1) * uniform(rng, [0.3, 0.8])));
  const plant = { latentPole: Float64Array.from(latentTau, (t) => Math.exp(-1 / t)), latentTau, loops, channels };
  calibrate(plant, kinds, seed, rng);
  return plant;
}

const CALIBRATION_ROWS = 4000;

/** A long normal run (no drift, no valve limits) gives every channel's normal sd: its engineering scale and the size
 * of its faults. */
function calibrate(plant: PlantModel, kinds: readonly Instrument[], seed: number, rng: SeededRandom): void {
  const { channels, loops } = plant;
  const run = simulateRun(plant, CALIBRATION_ROWS, new SeededRandom(streamSeed(seed, 0xca1)));
  channels.forEach((c, j) => {
    let sum = 0;
    let sumSq = 0;
    for (let t = 0; t < CALIBRATION_ROWS; t++) {
      const v = run[t * channels.length + j];
      sum += v;
      sumSq += v * v;
    }
    c.sd = Math.sqrt(sumSq / CALIBRATION_ROWS - (sum / CALIBRATION_ROWS) ** 2);
    const spec = c.role === 'valve' ? { ...VALVE, relative: false } : INSTRUMENTS[kinds[j]];
    const spread = 10 ** uniform(rng, spec.sdLog10);
    c.scale = spread / c.sd;
    c.level = uniform(rng, spec.level) * (spec.relative ? spread : 1);
    c.driftSize = c.drift ? uniform(rng, [4, 6]) * c.sd * (rng.next() < 0.5 ? -1 : 1) : 0;
  });
  for (const loop of loops) {
    const valve = channels[loop.mv];
    [loop.low, loop.high] = [(0 - valve.level) / valve.scale, (100 - valve.level) / valve.scale];
  }
}

/** A fault as the simulation applies it (internal units). */
interface FaultRun {
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
function simulateRun(plant: PlantModel, rows: number, rng: SeededRandom, fault?: FaultRun): Float64Array {
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

interface ResolvedOptions extends Required<Omit<SyntheticPlantOptions, 'faultStartRows'>> {
  readonly faultStartRows: Range;
}

function check(name: string, value: number, [min, max]: Range, integer = true): void {
  if (!(value >= min && value <= max && (!integer || Number.isInteger(value)))) {
    throw new Error(
      `synthetic plant: ${name} ${value}: expected ${integer ? 'an integer' : 'a number'} from ${min} to ${max}`,
    );
  }
}

function resolveOptions(o: SyntheticPlantOptions): ResolvedOptions {
  const normalRows = o.normalRows ?? 400;
  check('normalRows', normalRows, [1, PLANT_LIMITS.rowsPerFile[1]]);
  const faultStartRows = o.faultStartRows ?? [normalRows + 20, normalRows + 100];
  check('faultStartRows[0]', faultStartRows[0], [normalRows, PLANT_LIMITS.rowsPerFile[1]]);
  check('faultStartRows[1]', faultStartRows[1], [faultStartRows[0], PLANT_LIMITS.rowsPerFile[1]]);
  for (const key of ['channels', 'samplePeriodMs', 'files', 'seed'] as const) check(key, o[key], PLANT_LIMITS[key]);
  check('rowsPerFile', o.rowsPerFile, [faultStartRows[1] + MIN_FAULT_ROWS, PLANT_LIMITS.rowsPerFile[1]]);
  if (o.samplePeriodMs % 1000 !== 0) {
    throw new Error(
      `synthetic plant: samplePeriodMs ${o.samplePeriodMs}: expected a multiple of 1000 (the CSV times have 1 s resolution)`,
    );
  }
  const noiseScale = o.noiseScale ?? 1;
  check('noiseScale', noiseScale, PLANT_LIMITS.noiseScale, false);
  const faultKinds = o.faultKinds ?? PLANT_FAULT_KINDS;
  if (faultKinds.length === 0 || faultKinds.some((k) => !PLANT_FAULT_KINDS.includes(k))) {
    throw new Error(
      `synthetic plant: faultKinds [${faultKinds.join(', ')}]: expected some of ${PLANT_FAULT_KINDS.join(', ')}`,
    );
  }
  const fractions = { recoveringFraction: o.recoveringFraction ?? 0.4, hardFraction: o.hardFraction ?? 0.15 };
  for (const [name, value] of Object.entries(fractions)) check(name, value, [0, 1], false);
  const anomalyFreeRows = o.anomalyFreeRows ?? o.rowsPerFile;
  check('anomalyFreeRows', anomalyFreeRows, [1, PLANT_LIMITS.rowsPerFile[1]]);
  return {
    ...o,
    ...fractions,
    normalRows,
    faultStartRows,
    noiseScale,
    faultKinds,
    anomalyFreeRows,
    analysers: o.analysers ?? 0,
    startMs: o.startMs ?? Date.UTC(2024, 0, 1),
  };
}

const LOOP_FAULTS: readonly PlantFaultKind[] = ['compensated-step', 'sticky-valve'];
const LATENT_FAULTS: readonly PlantFaultKind[] = ['ramp-disturbance', 'random-variation'];
const SIGNED_FAULTS: readonly PlantFaultKind[] = [
  'compensated-step',
  'ramp-disturbance',
  'sensor-bias',
  'sensor-drift',
];

/** One fault per file: kinds in turn; which files are hard and which recover is a seeded choice of exact counts. */
function planFaults(plant: PlantModel, o: ResolvedOptions): (FaultRun & { fault: PlantFault })[] {
  const rng = new SeededRandom(streamSeed(o.seed, 0xfa17));
  const indices = Array.from({ length: o.files }, (_, i) => i);
  const hard = new Set(shuffled(rng, indices).slice(0, Math.round(o.files * o.hardFraction)));
  const recovering = new Set(shuffled(rng, indices).slice(0, Math.round(o.files * o.recoveringFraction)));
  const { channels, loops } = plant;
  const sensors = channels.map((c, j) => j).filter((j) => channels[j].role !== 'valve');
  const plainSensors = sensors.filter((j) => channels[j].role === 'measured' && channels[j].drift === undefined);
  return indices.map((i) => {
    const kind = o.faultKinds[i % o.faultKinds.length];
    const spec = PLANT_FAULTS[kind];
    const sign = SIGNED_FAULTS.includes(kind) && rng.next() < 0.5 ? -1 : 1;
    const magnitude = sign * uniform(rng, hard.has(i) ? spec.hard : spec.normal);
    const [first, last] = o.faultStartRows;
    const start = first + Math.floor(rng.next() * (last - first + 1));
    const span = Math.max(50, Math.round(uniform(rng, [0.3, 0.6]) * (o.rowsPerFile - start)));
    const end = recovering.has(i) && start + span < o.rowsPerFile ? start + span : o.rowsPerFile;
    const loop = Math.floor(rng.next() * loops.length);
    const latent = Math.floor(rng.next() * plant.latentPole.length);
    const channel = pick(rng, kind === 'stuck-sensor' || kind === 'correlation-break' ? plainSensors : sensors);
    const target = LOOP_FAULTS.includes(kind)
      ? `${channels[loops[loop].cv].name}/${channels[loops[loop].mv].name}`
      : LATENT_FAULTS.includes(kind)
        ? `d${latent}`
        : channels[channel].name;
    const ends = end < o.rowsPerFile ? { endRow: end } : {};
    const fault: PlantFault = {
      kind,
      hard: hard.has(i),
      magnitude: Number(magnitude.toFixed(3)),
      target,
      startRow: start,
      ...ends,
    };
    return {
      kind,
      start,
      end,
      magnitude,
      channel: LOOP_FAULTS.includes(kind) || LATENT_FAULTS.includes(kind) ? -1 : channel,
      loop,
      latent,
      fault,
    };
  });
}

/** SKAB's datetime: "2020-03-09 10:14:33" (UTC here). */
const formatTime = (ms: number): string => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
/** Decimals for six significant digits at the channel's level, as SKAB's files have. */
const decimalsFor = (c: ChannelModel): number =>
  Math.min(12, Math.max(0, 5 - Math.floor(Math.log10(Math.abs(c.level) + c.sd * c.scale))));

function toCsv(
  plant: PlantModel,
  values: Float64Array,
  rows: number,
  startMs: number,
  periodMs: number,
  fault?: FaultRun,
): string {
  const { channels } = plant;
  const lines = [['datetime', ...channels.map((c) => c.name), ...(fault ? ['anomaly', 'changepoint'] : [])].join(';')];
  const decimals = channels.map(decimalsFor);
  for (let t = 0; t < rows; t++) {
    const cells = [formatTime(startMs + t * periodMs)];
    channels.forEach((c, j) => cells.push((c.level + c.scale * values[t * channels.length + j]).toFixed(decimals[j])));
    if (fault)
      cells.push(
        t >= fault.start && t < fault.end ? '1.0' : '0.0',
        t === fault.start || t === fault.end ? '1.0' : '0.0',
      );
    lines.push(cells.join(';'));
  }
  return `${lines.join('\n')}\n`;
}

function describePlant(plant: PlantModel, analysers: ReadonlyMap<number, number>): PlantDescription {
  const round = (v: number) => Number(v.toPrecision(4));
  return {
    channels: plant.channels.map((c, j) => {
      const drift = c.drift ? { drift: c.drift } : {};
      const held = analysers.get(j);
      return {
        name: c.name,
        unit: c.unit,
        role: c.role,
        level: round(c.level),
        spread: round(c.sd * c.scale),
        ...drift,
        ...(held !== undefined ? { heldRows: held } : {}),
      };
    }),
    loops: plant.loops.map((l) => {
      const [cv, mv] = [plant.channels[l.cv].name, plant.channels[l.mv].name];
      return { cv, mv, gain: round(l.gain), timeConstantRows: round(l.tau), kc: round(l.kc), tiRows: round(l.ti) };
    }),
    latentTimeConstantsRows: plant.latentTau.map(round),
  };
}

/**
 * One plant (from the seed), an anomaly-free run and `files` labelled runs of it, each with one fault.
 * Throws an Error naming the option when an option is out of range.
 */
export function generatePlantDataset(options: SyntheticPlantOptions): SyntheticPlantDataset {
  const o = resolveOptions(options);
  const plant = buildPlant(o.channels, o.noiseScale, o.seed);
  const measured = plant.channels.flatMap((c, j) => (c.role === 'measured' ? [j] : []));
  const analysers = analyserChannels(measured, o.analysers, o.samplePeriodMs);
  const recorded = (values: Float64Array, rows: number) => heldReadings(values, rows, plant.channels.length, analysers);
  const day = 86_400_000;
  const runSpan = Math.ceil((Math.max(o.rowsPerFile, o.anomalyFreeRows) * o.samplePeriodMs) / day) * day;
  const normal = recorded(
    simulateRun(plant, o.anomalyFreeRows, new SeededRandom(streamSeed(o.seed, 0))),
    o.anomalyFreeRows,
  );
  const files = planFaults(plant, o).map((run, i): SyntheticFile => {
    const values = recorded(
      simulateRun(plant, o.rowsPerFile, new SeededRandom(streamSeed(o.seed, i + 1)), run),
      o.rowsPerFile,
    );
    return {
      name: `${run.kind}-${i}`,
      csv: toCsv(plant, values, o.rowsPerFile, o.startMs + (i + 1) * runSpan, o.samplePeriodMs, run),
      fault: run.fault,
      anomalyRows: run.end - run.start,
      changepoints: run.end < o.rowsPerFile ? 2 : 1,
    };
  });
  return {
    plant: describePlant(plant, analysers),
    files,
    anomalyFree: toCsv(plant, normal, o.anomalyFreeRows, o.startMs, o.samplePeriodMs),
  };
}
