/**
 * A recording of a machine's parts (a flag column cycle_active, a part_counter), as a historian exports it, whose runs
 * each start with a warm-up of a known number of parts: each channel's level offset by `warmUp` on a run's first part,
 * falling in a straight line to none at its `warmUpParts`-th part. Every part also varies from the one before
 * (`partSd`) and row to row (`rowSd`). A pause between runs is a jump in the time stamps (the recording stopped).
 */
import { SeededRandom } from '../../src/core/random.js';

export interface WarmUpChannel {
  readonly name: string;
  readonly level: number;
  /** The swing of its curve over a part (a half sine). */
  readonly swing: number;
  readonly partSd: number;
  readonly rowSd: number;
  /** Its offset on a run's first part. */
  readonly warmUp: number;
}

export interface WarmUpMachine {
  readonly channels: readonly WarmUpChannel[];
  readonly periodMs: number;
  readonly rowsPerPart: number;
  /** Rows with the flag at 0 before each part. */
  readonly idleRows: number;
  /** Each run: its parts, the first `warmUpParts` of them a warm-up, and the pause before it. */
  readonly runs: readonly { readonly parts: number; readonly warmUpParts: number; readonly pauseMs?: number }[];
  readonly seed: number;
}

export function warmUpRecordingCsv(m: WarmUpMachine): string {
  const rnd = new SeededRandom(m.seed);
  const lines = [['timestamp', ...m.channels.map((c) => c.name), 'cycle_active', 'part_counter'].join(',')];
  let t = Date.UTC(2026, 11, 1, 6);
  let counter = 0;
  const row = (values: readonly number[], active: number) => {
    lines.push([new Date(t).toISOString(), ...values.map((v) => v.toFixed(3)), active, counter].join(','));
    t += m.periodMs;
  };
  for (const run of m.runs) {
    t += run.pauseMs ?? 0;
    for (let p = 0; p < run.parts; p++) {
      counter++;
      const drift = p < run.warmUpParts ? 1 - p / run.warmUpParts : 0;
      const levels = m.channels.map((c) => c.level + c.partSd * rnd.normal() + c.warmUp * drift);
      for (let r = 0; r < m.idleRows; r++) row(levels, 0);
      for (let r = 0; r < m.rowsPerPart; r++) {
        const shape = Math.sin((Math.PI * r) / (m.rowsPerPart - 1));
        row(
          m.channels.map((c, j) => levels[j] + c.swing * shape + c.rowSd * rnd.normal()),
          1,
        );
      }
    }
  }
  return lines.join('\n') + '\n';
}

/** A welder: 3 channels at 100 ms, 20 rows a part; the tip's temperature low for a warm-up of `warmUpParts` parts. */
export const welder = (seed: number, warmUpParts: number, parts = 160): WarmUpMachine => ({
  channels: [
    { name: 'current_ka', level: 8, swing: 4, partSd: 0.1, rowSd: 0.05, warmUp: 0 },
    { name: 'voltage_v', level: 2, swing: 0.5, partSd: 0.02, rowSd: 0.01, warmUp: 0.05 },
    { name: 'tip_temp_c', level: 180, swing: 60, partSd: 1.5, rowSd: 0.5, warmUp: -40 },
  ],
  periodMs: 100,
  rowsPerPart: 20,
  idleRows: 5,
  runs: [{ parts, warmUpParts }],
  seed,
});

/**
 * A screwdriver: 2 channels at 20 ms, 40 rows a part; its torque high while the grease is cold, for `warmUpParts`
 * parts after the start and again after a 10 minute pause.
 */
export const screwdriver = (seed: number, warmUpParts: number): WarmUpMachine => ({
  channels: [
    { name: 'torque_nm', level: 1, swing: 4, partSd: 0.05, rowSd: 0.02, warmUp: 1.2 },
    { name: 'speed_rpm', level: 600, swing: -200, partSd: 5, rowSd: 2, warmUp: -30 },
  ],
  periodMs: 20,
  rowsPerPart: 40,
  idleRows: 10,
  runs: [
    { parts: 120, warmUpParts },
    { parts: 120, warmUpParts, pauseMs: 600_000 },
  ],
  seed,
});
