/**
 * A part's window does not depend on how its samples were delivered. Regression (named after what broke): the
 * shipped press model failed good parts read over OPC UA under load (7 of 106 on a walk), never over Modbus. Two
 * publish responses that arrived in one turn became one batch, one row keeping the newest values: where that was the
 * part's first (or last) row, the window started a sampling late (every failing part's cycle was ~200 ms shorter).
 */
import { describe, expect, it } from 'vitest';
import type { Sample, Window } from '../../src/core/types.js';
import { AssetWindows } from '../../src/windows/asset-windows.js';
import { Samplings } from '../../src/windows/samplings.js';
import { windowSchema } from '../../src/windows/schema.js';

const sample = (channel: string, ts: number, value: number, asset = 'press'): Sample => ({
  source: 'ua',
  asset,
  channel,
  ts,
  value,
  quality: 'good',
});

/** A press stroke as the simulator draws it: 4 s of force and position, cycle_active set while it runs. */
function press(t: number): { force: number; position: number; active: number } {
  const tau = t % 6000;
  if (tau >= 4000) return { force: 0, position: 0, active: 0 };
  const x = tau / 4000;
  return {
    force: 25 * (x < 0.7 ? (x / 0.7) ** 2 : 1 - (x - 0.7) / 0.3),
    position: 40 * Math.min(1, x / 0.7),
    active: 1,
  };
}

/** One sampling of the press at `t`: a batch, as one publish response or Modbus poll. */
function sampling(t: number): Sample[] {
  const p = press(t);
  return [sample('force', t, p.force), sample('position', t, p.position), sample('cycle_active', t, p.active)];
}

function windowsOf(batches: readonly (readonly Sample[])[]): Window[] {
  const settings = windowSchema.parse({ type: 'cycle', trigger_channel: 'cycle_active', min_samples: 10 });
  const w = new AssetWindows('press', ['force', 'position'], 24, settings, 200);
  const out: Window[] = [];
  for (const b of batches) for (const o of w.push(b)) if (o.kind === 'window') out.push(o.window);
  return out;
}

/** Samplings every 200 ms from 5 s before a stroke (at 6 s) to after it: first on-row at 6.1 s, last at 9.9 s. */
const times = Array.from({ length: 50 }, (_, i) => 1100 + 200 * i);

describe('a part delivered in batches of several samplings', () => {
  const even = windowsOf(times.map(sampling));

  it('the even delivery cuts one part of 20 rows from its first to its last sampling', () => {
    expect(even).toHaveLength(1);
    expect([even[0].start, even[0].end]).toEqual([6100, 9900]);
  });

  it.each([
    { name: 'its first two samplings in one batch', merged: [6100] },
    { name: 'its last sampling and the one that ends it in one batch', merged: [9900] },
    { name: 'two samplings in the middle in one batch', merged: [7700] },
    {
      name: 'every pair of samplings in one batch (publish responses two at a time)',
      merged: times.filter((_, i) => i % 2 === 1),
    },
  ])('$name: the same window', ({ merged }) => {
    const batches: Sample[][] = [];
    for (const t of times) {
      if (merged.includes(t - 200) && batches.length > 0) batches[batches.length - 1].push(...sampling(t));
      else batches.push(sampling(t));
    }
    const got = windowsOf(batches);
    expect(got).toHaveLength(1);
    expect([got[0].start, got[0].end]).toEqual([6100, 9900]);
    expect(Array.from(got[0].data)).toEqual(Array.from(even[0].data));
  });

  it('samplings at uneven times (pairs a few ms apart, gaps of 400 ms): the window of the signal within tolerance', () => {
    const jittered = times.map((t, i) =>
      t <= 6100 || t >= 9900 ? t : i % 5 === 0 ? t - 4 : i % 5 === 1 ? t + 150 : t,
    );
    const got = windowsOf(jittered.map(sampling));
    expect(got).toHaveLength(1);
    const diff = Array.from(got[0].data).map((v, k) => Math.abs(v - even[0].data[k]));
    expect(Math.max(...diff)).toBeLessThan(0.8);
  });
});

describe('Samplings', () => {
  const s = new Samplings('press');

  it('returns a batch with each channel once whole, as is (other assets too)', () => {
    const batch = [sample('force', 1, 1), sample('force', 1, 5, 'pump'), sample('position', 1, 2)];
    expect(s.of(batch)).toEqual([batch]);
    expect(s.of(batch)[0]).toBe(batch);
  });

  it("splits before a channel that comes again, keeping the asset's samples only", () => {
    const batch = [
      sample('force', 1, 1),
      sample('flow', 1, 9, 'pump'),
      sample('force', 2, 2),
      sample('position', 2, 3),
    ];
    expect(s.of(batch)).toEqual([[batch[0]], [batch[2], batch[3]]]);
  });

  it('gives an unchanged value that comes once (a held one) to the samplings before, stamped no later than each', () => {
    const held = sample('cycle_active', 150, 1);
    const batch = [sample('force', 100, 1), sample('force', 300, 2), held];
    expect(s.of(batch, (x) => x === held)).toEqual([
      [batch[0], { ...held, ts: 100 }],
      [batch[1], held],
    ]);
  });

  it('leaves a changed value that comes once to its own sampling (a cycle that starts at the later one)', () => {
    const batch = [sample('force', 100, 1), sample('force', 300, 2), sample('cycle_active', 300, 1)];
    expect(s.of(batch, () => false)).toEqual([[batch[0]], [batch[1], batch[2]]]);
  });
});
