/**
 * Builds a synthetic plant from its seed: instruments and their units, latent disturbances, PI loops tuned by IMC, the
 * mixing that correlates the channels, and a calibration run that gives each channel its normal sd and its
 * engineering level and scale. Pure and seeded.
 */
import { SeededRandom } from '../../core/random.js';
import { simulateRun, type ChannelModel, type LoopModel, type PlantModel } from './dynamics.js';
import { pick, shuffled, streamSeed, uniform } from './seeded-streams.js';

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

/** PI loops of a plant of `channelCount` channels: one per five channels, each recorded as its CV and its valve. */
const loopCountFor = (channelCount: number): number => Math.max(1, Math.round(channelCount / 5));

/** Channels of a plant of `channelCount` channels that are measured only, neither a loop's CV nor its valve: the ones
 * that can be sampled analysers. */
export const measuredChannelCount = (channelCount: number): number => channelCount - 2 * loopCountFor(channelCount);

export function buildPlant(channelCount: number, noiseScale: number, seed: number): PlantModel {
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
