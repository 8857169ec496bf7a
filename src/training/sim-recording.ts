/**
 * Records normal operation from the line simulator, decoded through the same Modbus register
 * encodings the gateway reads, so a model trained on it sees exactly what the gateway will see.
 * Runs on a virtual clock: minutes of plant time take milliseconds.
 */
import type { FaultSpec } from '../sim/faults.js';
import { LineSimulator } from '../sim/line-simulator.js';
import { PUMP_CHANNELS } from '../sim/plant.js';
import { PRESS_UNIT_ID, PUMP_UNIT_ID, SIM_REGISTERS } from '../sim/register-map.js';
import { SeededRandom } from '../core/random.js';
import { decodeRegisters, registerCount, toEngineering } from '../sources/modbus/encoding.js';

export interface Recording {
  readonly channels: readonly string[];
  readonly periodMs: number;
  /** Row-major [row][channel]. */
  readonly rows: Float64Array;
  readonly rowCount: number;
}

export function recordPumpFromSimulator(
  seed: number,
  seconds: number,
  periodMs: number,
  schedule: readonly FaultSpec[] = [],
): Recording {
  let now = 0;
  const sim = new LineSimulator({ seed, now: () => now, schedule });
  const regs = PUMP_CHANNELS.map((ch) => SIM_REGISTERS.find((r) => r.unit === PUMP_UNIT_ID && r.name === ch)!);
  const rowCount = Math.floor((seconds * 1000) / periodMs);
  const rows = new Float64Array(rowCount * regs.length);
  for (let t = 0; t < rowCount; t++) {
    now = t * periodMs;
    sim.tick();
    const image = sim.registers.get(PUMP_UNIT_ID)!;
    regs.forEach((r, c) => (rows[t * regs.length + c] = decodeSim(image, r)));
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
  for (let t = 0; t < rec.rowCount; t++)
    for (let ch = 0; ch < c; ch++) sq[ch] += (rec.rows[t * c + ch] - mean[ch]) ** 2;
  const std = sq.map((s) => Math.max(Math.sqrt(s / Math.max(1, rec.rowCount - 1)), 1e-6));
  return { mean, std };
}

/** Overlapping windows (raw values) of `length` rows every `hop` rows, flattened time-major. */
export function slidingWindows(rec: Recording, length: number, hop: number): Float64Array[] {
  const c = rec.channels.length;
  const out: Float64Array[] = [];
  for (let start = 0; start + length <= rec.rowCount; start += hop)
    out.push(rec.rows.slice(start * c, (start + length) * c));
  return out;
}

/**
 * Decodes one simulator register into its engineering value as the gateway's Modbus source does (toEngineering, the
 * one scaling: 293 × 0.0001 is 0.0293), or one bit of it.
 */
function decodeSim(image: Uint16Array, r: (typeof SIM_REGISTERS)[number], bit?: number): number {
  const words = Array.from(image.subarray(r.address, r.address + registerCount(r.type)));
  return bit === undefined
    ? toEngineering(r.scale, 0)(decodeRegisters(words, r.type, r.order))
    : decodeRegisters(words, 'bit', 'ABCD', bit);
}

export const PRESS_CHANNELS = ['force', 'position'] as const;

/** The press's rows as the gateway polls them: force, position, the cycle-active bit and the part counter. */
export const PRESS_ROW_CHANNELS = [...PRESS_CHANNELS, 'cycle_active', 'part_counter'] as const;

/** A recording whose rows carry their own times (ms from the start): polls that land at any phase. */
export interface TimedRecording extends Recording {
  readonly ts: Float64Array;
}

/**
 * Where the simulator's 100 ms ticks fall against its plant time: `cycle`, on whole 100 ms, so in phase with each
 * cycle's start (every 6 s): the part's first tick is at its start; `sliding`, at any phase, sliding slowly, as the
 * running simulator's timer ticks (`linewatch simulate`, the demo): the part's first tick comes up to 100 ms into it.
 */
export type PressTicks = 'cycle' | 'sliding';

/**
 * Polls the press as the gateway would, `seconds` long every `periodMs`: status bit 0 (cycle active), the part
 * counter, force and position, decoded through the register map. As in the field, polls land at any phase of the
 * cycle (a slowly sliding offset plus a little jitter), and the simulator's registers hold the value of its last
 * 100 ms tick, at the phase `ticks` says. `schedule`: faults, as the simulator's (a bad press-fit).
 */
export function recordPressRows(
  seed: number,
  seconds: number,
  periodMs: number,
  schedule: readonly FaultSpec[] = [],
  ticks: PressTicks = 'cycle',
): TimedRecording {
  let now = 0;
  const sim = new LineSimulator({ seed, now: () => now, schedule });
  const reg = (name: string) => SIM_REGISTERS.find((r) => r.unit === PRESS_UNIT_ID && r.name === name)!;
  const [status, counter, force, position] = ['status_word', 'part_counter', 'force', 'position'].map(reg);
  const rowCount = Math.floor((seconds * 1000) / periodMs);
  const c = PRESS_ROW_CHANNELS.length;
  const rows = new Float64Array(rowCount * c);
  const ts = new Float64Array(rowCount);
  const jitter = new SeededRandom(seed ^ 0x5eed);
  for (let t = 0; t < rowCount; t++) {
    const pollAt = t * periodMs + ((t * 0.0137) % 1) * periodMs + jitter.next() * 20;
    if (ticks === 'cycle') now = Math.floor(pollAt / 100) * 100;
    else {
      // The ticks' phase slides at another pace than the polls', so that every pair of phases comes; where it starts
      // again, the tick before is held (the plant's time never goes back: a cycle's flag would drop for a poll).
      const phase = ((t * 0.0071) % 1) * 100;
      now = Math.max(now, Math.floor((pollAt - phase) / 100) * 100 + phase);
    }
    sim.tick();
    const image = sim.registers.get(PRESS_UNIT_ID)!;
    ts[t] = pollAt;
    rows[t * c] = decodeSim(image, force);
    rows[t * c + 1] = decodeSim(image, position);
    rows[t * c + 2] = decodeSim(image, status, 0);
    rows[t * c + 3] = decodeSim(image, counter);
  }
  return { channels: [...PRESS_ROW_CHANNELS], periodMs, rows, rowCount, ts };
}
