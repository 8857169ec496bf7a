/**
 * How a synthetic plant run is recorded: the SKAB CSV (datetime, one column per channel in engineering units, the
 * anomaly and changepoint labels of a labelled run) and the plant's description for the data set's README. Pure.
 */
import type { ChannelModel, ChannelRole, FaultRun, PlantModel } from './dynamics.js';

export interface PlantChannel {
  readonly name: string;
  readonly unit: string;
  readonly role: ChannelRole;
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

/** SKAB's datetime: "2020-03-09 10:14:33" (UTC here). */
const formatTime = (ms: number): string => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
/** Decimals for six significant digits at the channel's level, as SKAB's files have. */
const decimalsFor = (c: ChannelModel): number =>
  Math.min(12, Math.max(0, 5 - Math.floor(Math.log10(Math.abs(c.level) + c.sd * c.scale))));

export function toCsv(
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

export function describePlant(plant: PlantModel, analysers: ReadonlyMap<number, number>): PlantDescription {
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
