/**
 * The synthetic plant's fault plan: one fault per labelled file, the kinds taken in turn, each with its target (a
 * channel, a loop or a latent disturbance), magnitude, start and end. Pure and seeded.
 */
import { SeededRandom } from '../../core/random.js';
import type { FaultRun, PlantModel } from './dynamics.js';
import { PLANT_FAULTS, type PlantFaultKind } from './fault-kinds.js';
import { pick, shuffled, streamSeed, uniform, type Range } from './seeded-streams.js';

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

const LOOP_FAULTS: readonly PlantFaultKind[] = ['compensated-step', 'sticky-valve'];
const LATENT_FAULTS: readonly PlantFaultKind[] = ['ramp-disturbance', 'random-variation'];
const SIGNED_FAULTS: readonly PlantFaultKind[] = [
  'compensated-step',
  'ramp-disturbance',
  'sensor-bias',
  'sensor-drift',
];

/** The options a fault plan reads (ResolvedOptions, options.ts). */
export interface FaultPlanOptions {
  readonly seed: number;
  readonly files: number;
  readonly rowsPerFile: number;
  readonly faultKinds: readonly PlantFaultKind[];
  readonly faultStartRows: Range;
  readonly hardFraction: number;
  readonly recoveringFraction: number;
}

/** One fault per file: kinds in turn; which files are hard and which recover is a seeded choice of exact counts. */
export function planFaults(plant: PlantModel, o: FaultPlanOptions): (FaultRun & { fault: PlantFault })[] {
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
