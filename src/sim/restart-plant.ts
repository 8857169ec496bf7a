/**
 * A plant that stops and restarts (pure): rows of `channels` process values and a RUN/STOP mode column, as a
 * historian exports them. The mode says RUN from a restart's first row, while every channel ramps back from its
 * stopped value to its running level, each at its own pace, the slowest in `rampRows` (w1's heat exchanger: ~25 min),
 * so that the channels are neither at their levels nor in their running relation meanwhile; then it runs steady: a
 * load that wanders slowly, which every channel follows by its own gain, and noise.
 * Faults (a channel shifted for some rows while running) are labelled in an `anomaly` column. For tests of the settle
 * time after a restart (restart-settle.ts, settle-estimate.ts) and `tools/restart-plant.mjs`'s measurement CSV.
 */

export interface RestartPlantOptions {
  readonly periodMs: number;
  readonly channels: number;
  /** Rows running steady at the start, before the first stop. */
  readonly leadRows: number;
  /** Each stop and its restart: rows stopped, rows ramping back (mode RUN), rows running steady after. */
  readonly cycles: readonly { readonly stopRows: number; readonly rampRows: number; readonly runRows: number }[];
  /** Labelled faults: from row `row` for `rows` rows, channel `channel` shifted by `sigmas` of its noise. */
  readonly faults?: readonly {
    readonly row: number;
    readonly rows: number;
    readonly channel: number;
    readonly sigmas: number;
  }[];
  /** The first row's time (ms since the epoch). */
  readonly startMs?: number;
  readonly seed?: number;
}

export interface RestartPlant {
  readonly names: readonly string[];
  readonly times: Float64Array;
  /** Row-major readings, rows × channels. */
  readonly values: Float64Array;
  readonly mode: readonly ('RUN' | 'STOP')[];
  readonly anomaly: Uint8Array;
  /** The rows where a ramp starts (the mode turns RUN after a stop). */
  readonly restarts: readonly number[];
}

/** A small deterministic generator (mulberry32) of standard normal numbers (Box-Muller). */
function gaussian(seed: number): () => number {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 1) / 4294967297;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** Channel c's running level, its noise, its stopped value and its gain on the load. */
export function plantChannel(c: number): { level: number; noise: number; stopped: number; gain: number } {
  const level = 100 + 50 * c;
  return { level, noise: 1 + 0.2 * c, stopped: level * 0.1, gain: (c % 2 === 0 ? 1 : -1) * (2 + c) };
}

/** The rows channel c of `channels` takes to ramp back: half of `rampRows` for the first, `rampRows` for the last. */
function rampOf(c: number, channels: number, rampRows: number): number {
  return Math.max(1, Math.round(rampRows * (0.5 + (0.5 * (c + 1)) / channels)));
}

export function restartPlant(o: RestartPlantOptions): RestartPlant {
  const phases: { state: 'run' | 'stop' | 'ramp'; rows: number }[] = [{ state: 'run', rows: o.leadRows }];
  for (const c of o.cycles)
    phases.push(
      { state: 'stop', rows: c.stopRows },
      { state: 'ramp', rows: c.rampRows },
      { state: 'run', rows: c.runRows },
    );
  const n = phases.reduce((a, p) => a + p.rows, 0);
  const C = o.channels;
  const noise = gaussian(o.seed ?? 1);
  const times = new Float64Array(n);
  const values = new Float64Array(n * C);
  const mode: ('RUN' | 'STOP')[] = [];
  const anomaly = new Uint8Array(n);
  const restarts: number[] = [];
  let i = 0;
  // The load: a slow wave over a day of rows at most, in -1..1.
  const load = (row: number) => Math.sin((2 * Math.PI * row) / Math.max(1, (86_400_000 / o.periodMs) * 0.37));
  for (const p of phases) {
    if (p.state === 'ramp') restarts.push(i);
    for (let k = 0; k < p.rows; k++, i++) {
      times[i] = (o.startMs ?? Date.UTC(2026, 0, 1)) + i * o.periodMs;
      mode.push(p.state === 'stop' ? 'STOP' : 'RUN');
      for (let c = 0; c < C; c++) {
        const ch = plantChannel(c);
        const running = ch.level + ch.gain * load(i);
        const base =
          p.state === 'run'
            ? running
            : p.state === 'stop'
              ? ch.stopped
              : ch.stopped + (running - ch.stopped) * Math.min(1, k / rampOf(c, C, p.rows));
        values[i * C + c] = base + ch.noise * noise();
      }
    }
  }
  for (const f of o.faults ?? [])
    for (let r = f.row; r < Math.min(n, f.row + f.rows); r++) {
      values[r * C + f.channel] += f.sigmas * plantChannel(f.channel).noise;
      anomaly[r] = 1;
    }
  return { names: Array.from({ length: C }, (_, c) => `TI-${101 + c}`), times, values, mode, anomaly, restarts };
}

/** The plant as a CSV: an ISO time column, the channels, the mode column `mode` and (with faults) `anomaly`. */
export function restartPlantCsv(p: RestartPlant, mode = 'XS-100_Unit_mode', labelled = true): string {
  const C = p.names.length;
  const lines = [['Timestamp', ...p.names, mode, ...(labelled ? ['anomaly'] : [])].join(',')];
  for (let i = 0; i < p.times.length; i++) {
    const row = Array.from({ length: C }, (_, c) => p.values[i * C + c].toFixed(3));
    lines.push([new Date(p.times[i]).toISOString(), ...row, p.mode[i], ...(labelled ? [p.anomaly[i]] : [])].join(','));
  }
  return `${lines.join('\n')}\n`;
}
