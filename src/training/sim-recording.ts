/**
 * Records normal operation from the line simulator, decoded through the same Modbus register
 * encodings the gateway reads, so a model trained on it sees exactly what the gateway will see.
 * Runs on a virtual clock: minutes of plant time take milliseconds.
 */
import { LineSimulator } from '../sim/line-simulator.js';
import { PUMP_CHANNELS } from '../sim/plant.js';
import { PUMP_UNIT_ID, SIM_REGISTERS } from '../sim/register-map.js';
import { decodeRegisters, registerCount } from '../sources/modbus/encoding.js';

export interface Recording {
  readonly channels: readonly string[];
  readonly periodMs: number;
  /** Row-major [row][channel]. */
  readonly rows: Float64Array;
  readonly rowCount: number;
}

export function recordPumpFromSimulator(seed: number, seconds: number, periodMs: number): Recording {
  let now = 0;
  const sim = new LineSimulator({ seed, now: () => now });
  const regs = PUMP_CHANNELS.map((ch) => SIM_REGISTERS.find((r) => r.unit === PUMP_UNIT_ID && r.name === ch)!);
  const rowCount = Math.floor((seconds * 1000) / periodMs);
  const rows = new Float64Array(rowCount * regs.length);
  for (let t = 0; t < rowCount; t++) {
    now = t * periodMs;
    sim.tick();
    const image = sim.registers.get(PUMP_UNIT_ID)!;
    regs.forEach((r, c) => {
      const words = Array.from(image.subarray(r.address, r.address + registerCount(r.type)));
      rows[t * regs.length + c] = decodeRegisters(words, r.type, r.order) * r.scale;
    });
  }
  return { channels: [...PUMP_CHANNELS], periodMs, rows, rowCount };
}

/** Per-channel mean and standard deviation of a recording. */
export function channelStats(rec: Recording): { mean: number[]; std: number[] } {
  const c = rec.channels.length;
  const mean = new Array<number>(c).fill(0);
  const sq = new Array<number>(c).fill(0);
  for (let t = 0; t < rec.rowCount; t++) for (let ch = 0; ch < c; ch++) mean[ch] += rec.rows[t * c + ch];
  for (let ch = 0; ch < c; ch++) mean[ch] /= rec.rowCount;
  for (let t = 0; t < rec.rowCount; t++) for (let ch = 0; ch < c; ch++) sq[ch] += (rec.rows[t * c + ch] - mean[ch]) ** 2;
  const std = sq.map((s) => Math.max(Math.sqrt(s / Math.max(1, rec.rowCount - 1)), 1e-6));
  return { mean, std };
}

/** Overlapping windows (raw values) of `length` rows every `hop` rows, flattened time-major. */
export function slidingWindows(rec: Recording, length: number, hop: number): Float64Array[] {
  const c = rec.channels.length;
  const out: Float64Array[] = [];
  for (let start = 0; start + length <= rec.rowCount; start += hop) out.push(rec.rows.slice(start * c, (start + length) * c));
  return out;
}
