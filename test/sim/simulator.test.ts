/** The line simulator's plant: seeded, plausible, faults that bend the right signals, CSV replay. */
import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { csvReplaySource } from '../../src/sim/csv-replay.js';
import { parseSkabCsv } from '../../src/core/csv-table.js';
import { LineSimulator, PLANT_STEP_MS } from '../../src/sim/line-simulator.js';
import { runSimulator } from '../../src/sim/run-simulator.js';
import type { FaultType } from '../../src/sim/faults.js';
import { parseFaultArg } from '../../src/cli/simulate.js';
import { startSimHttpApi } from '../../src/sim/http-api.js';

const SKAB = join(__dirname, '../../data/skab/valve1/0.csv');

function simAt(seconds: number, faults: { type: FaultType; channel?: string }[] = [], seed = 1) {
  let now = 0;
  const sim = new LineSimulator({
    seed,
    now: () => now,
    schedule: faults.map((f) => ({ ...f, start_s: 10, severity: 0.8, ramp_s: 1 })),
  });
  const snaps = [];
  for (let t = 0; t <= seconds * 10; t++) {
    now = t * 100;
    snaps.push(sim.tick());
  }
  return snaps;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('plant model', () => {
  it('is repeatable for a seed and differs between seeds', () => {
    expect(simAt(2).map((s) => s.pump.flow)).toEqual(simAt(2).map((s) => s.pump.flow));
    expect(simAt(2, [], 2).map((s) => s.pump.flow)).not.toEqual(simAt(2).map((s) => s.pump.flow));
  });

  it('produces plausible pump values', () => {
    const snaps = simAt(60);
    expect(mean(snaps.map((s) => s.pump.voltage))).toBeCloseTo(230, 0);
    for (const s of snaps) {
      expect(s.pump.flow).toBeGreaterThan(25);
      expect(s.pump.flow).toBeLessThan(40);
      expect(s.pump.vibration_1).toBeGreaterThan(0);
    }
  });

  it.each([
    ['valve_closure', 'flow', -1],
    ['valve_closure', 'pressure', 1],
    ['rotor_imbalance', 'vibration_1', 1],
    ['cavitation', 'vibration_2', 1],
  ] as const)('%s moves %s', (type, channel, direction) => {
    const healthy = simAt(20)
      .slice(150)
      .map((s) => s.pump[channel]);
    const faulty = simAt(20, [{ type }])
      .slice(150)
      .map((s) => s.pump[channel]);
    expect(Math.sign(mean(faulty) - mean(healthy))).toBe(direction);
  });

  it('a stuck sensor holds its value while the others move', () => {
    const snaps = simAt(30, [{ type: 'stuck_sensor', channel: 'pressure' }]).slice(120);
    expect(new Set(snaps.map((s) => s.pump.pressure)).size).toBe(1);
    expect(new Set(snaps.map((s) => s.pump.flow)).size).toBeGreaterThan(10);
  });

  it('the press makes one part per 6 s cycle with a force peak while active', () => {
    const snaps = simAt(30);
    expect(snaps[snaps.length - 1].press.part_counter).toBe(5);
    expect(Math.max(...snaps.map((s) => s.press.force_kn))).toBeGreaterThan(20);
    expect(snaps.filter((s) => !s.press.cycle_active).every((s) => s.press.force_kn < 1)).toBe(true);
  });

  it('parses fault arguments and rejects unknown fault types', () => {
    expect(parseFaultArg('cavitation@60+30')).toMatchObject({ type: 'cavitation', start_s: 60, duration_s: 30 });
    expect(() => parseFaultArg('meltdown@5')).toThrow(
      /expected TYPE@START_S\[\+DURATION_S\] with TYPE one of valve_closure/,
    );
  });
});

describe('--speed', () => {
  afterEach(() => vi.useRealTimers());

  /**
   * The simulator as `simulate --speed` starts it, on a fake clock: the press's force read every `pollMs` of real
   * time for 3 cycles, as a client polling it would; per pressed part, the distinct values it read.
   */
  function pollPress(speed: number, pollMs: number) {
    vi.useFakeTimers();
    const sim = new LineSimulator({ seed: 3, speed });
    const steps: number[] = [];
    let last = sim.snapshot.t_s;
    sim.on('tick', (s) => {
      steps.push(s.t_s - last);
      last = s.t_s;
    });
    sim.start();
    const perPart = new Map<number, Set<number>>();
    for (let t = 0; t < (3 * 6000) / speed; t += pollMs) {
      vi.advanceTimersByTime(pollMs);
      const { press } = sim.snapshot;
      if (press.cycle_active)
        perPart.set(press.part_counter, (perPart.get(press.part_counter) ?? new Set()).add(press.force_kn));
    }
    sim.stop();
    // The first and last part seen may be cut short by the start and end of the polling.
    return { steps, distinct: [...perPart.values()].slice(1, -1).map((values) => values.size) };
  }

  it('steps the plant 100 ms of its time per update at any speed', () => {
    for (const speed of [1, 5, 20]) {
      const { steps } = pollPress(speed, 100 / speed);
      expect(steps.length, `speed ${speed}`).toBeGreaterThan(100);
      for (const step of steps) expect(step, `speed ${speed}`).toBeCloseTo(PLANT_STEP_MS / 1000, 6);
    }
  });

  it("at 5× a 20 ms poll reads each part's force curve in as many values as a 100 ms poll at 1×", () => {
    const normal = pollPress(1, 100).distinct;
    const fast = pollPress(5, 20).distinct;
    // 4 s of stroke in 100 ms steps; before, at 5× the plant moved 500 ms a step and a part had 8 values.
    expect(normal).toEqual([40, 40]);
    expect(fast).toEqual(normal);
  });

  it('runSimulator, which simulate starts, takes the same step on real timers', async () => {
    const running = await runSimulator({ modbusPort: 0, seed: 3, speed: 5 });
    try {
      const steps: number[] = [];
      let last = running.sim.snapshot.t_s;
      await new Promise<void>((resolve) =>
        running.sim.on('tick', (s) => {
          steps.push(s.t_s - last);
          last = s.t_s;
          if (steps.length === 21) resolve();
        }),
      );
      const median = steps.sort((a, b) => a - b)[10];
      // 20 ms of real time a tick at 5×: 0.1 s of plant time, more on a busy machine (before: 0.5 s at least).
      expect(median).toBeGreaterThan(0.08);
      expect(median).toBeLessThan(0.4);
    } finally {
      await running.close();
    }
  });
});

describe('fault HTTP API', () => {
  async function withApi(body: (url: string, setNow: (ms: number) => void) => Promise<void>) {
    let now = 0;
    const sim = new LineSimulator({ now: () => now });
    const api = await startSimHttpApi(sim, '127.0.0.1', 0);
    try {
      await body(`http://127.0.0.1:${api.port}/faults`, (ms) => (now = ms));
    } finally {
      await api.close();
    }
  }
  const post = (url: string, spec: unknown) => fetch(url, { method: 'POST', body: JSON.stringify(spec) });

  it('refuses a sensor fault on a channel the plant does not have, naming the channels it has', async () => {
    await withApi(async (url) => {
      const res = await post(url, { type: 'stuck_sensor', channel: 'outlet_p', duration_s: 40 });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({
        error:
          'channel: the plant has no channel "outlet_p"; its channels: ' +
          'vibration_1, vibration_2, motor_current, voltage, pressure, temperature, flow',
      });
      expect(await (await fetch(url)).json()).toEqual([]);
    });
  });

  it('refuses a channel on a fault that acts on no one channel', async () => {
    await withApi(async (url) => {
      const res = await post(url, { type: 'cavitation', channel: 'flow' });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({
        error:
          'channel: a cavitation fault takes no channel (only sensor_drift and stuck_sensor do): leave channel out',
      });
    });
  });

  it('lists each fault as scheduled, active, then ended', async () => {
    await withApi(async (url, setNow) => {
      const res = await post(url, { type: 'stuck_sensor', channel: 'flow', start_s: 5, duration_s: 10, ramp_s: 0 });
      expect(res.status).toBe(201);
      const states = [];
      for (const ms of [0, 6000, 16000]) {
        setNow(ms);
        const [fault] = (await (await fetch(url)).json()) as { channel: string; state: string; level: number }[];
        states.push([fault.channel, fault.state, fault.level]);
      }
      expect(states).toEqual([
        ['flow', 'scheduled', 0],
        ['flow', 'active', 0.8],
        ['flow', 'ended', 0],
      ]);
    });
  });
});

describe('CSV replay (SKAB format)', () => {
  it('replays the real SKAB valve1/0.csv onto the pump channels, following its timestamps', () => {
    const source = csvReplaySource(SKAB);
    const first = source(0)!;
    expect(first.vibration_1).toBeCloseTo(0.0265878, 7);
    expect(first.voltage).toBeCloseTo(233.062, 3);
    expect(source(1.5)!.voltage).toBeCloseTo(236.04, 3);
  });

  it('names the file, line and column of bad data', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-csv-'));
    const file = join(dir, 'bad.csv');
    await writeFile(file, 'datetime;Current\n2020-03-09 10:14:33;1.2\n2020-03-09 10:14:34;abc\n');
    expect(() => parseSkabCsv('datetime;Current\n2020-03-09 10:14:33;1.2\n2020-03-09 10:14:34;abc\n', file)).toThrow(
      `${file}:3: column Current: not a number: "abc"`,
    );
    await writeFile(file, 'datetime;Current\n2020-03-09 10:14:33;1.2\n');
    expect(() => csvReplaySource(file)).toThrow(/missing column\(s\) Accelerometer1RMS/);
  });

  it("refuses times in no unit (a sample counter): it replays at the file's own times", async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'lw-csv-')), 'counted.csv');
    const lines = readFileSync(SKAB, 'utf8').trimEnd().split(/\r?\n/);
    await writeFile(
      file,
      lines.map((l, i) => (i === 0 ? l.replace(/^datetime/, 'sample') : l.replace(/^[^;]+/, String(i)))).join('\n'),
    );
    expect(() => csvReplaySource(file)).toThrow(
      `${file}: the time column holds plain numbers (1, 2, 3, …), not dates or Unix times (ms; s, µs or ns under a time's name); replay follows the file's own times, so write them as dates (2024-01-23 00:03:00)`,
    );
  });

  it('refuses a file with no time column, asking for one of dates', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'lw-csv-')), 'bare.csv');
    const lines = readFileSync(SKAB, 'utf8').trimEnd().split(/\r?\n/);
    await writeFile(file, lines.map((l) => l.slice(l.indexOf(';') + 1)).join('\n'));
    expect(() => csvReplaySource(file)).toThrow(
      `${file}: has no time column (the time (datetime, time, timestamp, ts or date) or a sample counter (sample, index, row or step)): its rows are read as samples; replay follows the file's own times, so add a time column of dates (2024-01-23 00:03:00)`,
    );
  });
});
