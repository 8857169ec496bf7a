/**
 * Quantised channels (integer registers, a mode word, a flow in whole units) do not blind the detector. Such a channel
 * can sit on one value for most of the training rows and move one step once: measured on the stretches where it sat
 * still, its terms had no spread, the step scored millions of z in the cross-fitted calibration, and the alarm went
 * out of reach for every channel (F1 0 on a SKAB file with a mode column added). A term's spread is now at least what
 * one step of the channel does to it.
 */
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/core/random.js';
import {
  channelResolution,
  levelMinSd,
  QUANTISATION_SD,
  variabilityScale,
} from '../../src/training/channel-resolution.js';
import { DEFAULT_TARGET, fitDetector, type DetectorArch } from '../../src/training/fit-detector.js';
import { twoSourcePlant } from '../helpers/two-source-plant.js';

describe('channelResolution', () => {
  it('is 0 for a continuous channel and the step for a quantised one (two channels side by side)', () => {
    const rng = new SeededRandom(5);
    const n = 400;
    const x = new Float64Array(n * 3);
    let walk = 0;
    for (let t = 0; t < n; t++) {
      x[t * 3] = rng.normal();
      walk += rng.next() < 0.3 ? (rng.next() < 0.5 ? -0.25 : 0.25) : 0;
      x[t * 3 + 1] = walk; // moves in steps of 0.25
      x[t * 3 + 2] = t < 150 ? -1.2 : 0.8; // a mode word: two values, one change
    }
    const q = channelResolution(x, n, 3);
    expect(q[0]).toBe(0);
    expect(q[1]).toBeCloseTo(0.25, 12);
    expect(q[2]).toBeCloseTo(2, 12);
  });

  it('floors a term by what one step does to it, and leaves continuous channels at the old floors', () => {
    expect(levelMinSd([0, 0.5])).toEqual([1e-6, 0.5 * QUANTISATION_SD]);
    // Continuous: a tenth of the typical variability, and no least sd beyond the base.
    const continuous = variabilityScale([0.4], [0], 8);
    expect(continuous.floor[0]).toBeCloseTo(0.04, 12);
    expect(continuous.minSd[0]).toBe(1e-6);
    // A channel that usually does not move: "no step" and "one step in 8 rows" differ by log 2.
    const still = variabilityScale([0], [1], 8);
    expect(still.floor[0]).toBe(1 / 8);
    expect(still.minSd[0]).toBeCloseTo(Math.log(2) * QUANTISATION_SD, 12);
  });
});

type Extra = 'mode' | 'counts' | 'jitter' | 'pulse';

/** The two-source plant; with `extra`, a seventh channel: `mode` (0, then 1 from row 150 on: one change in the
 * training rows), `jitter` (the same mode word written with export jitter: 1.0003, 0.9995, ...), `pulse` (a door
 * contact: 0, and 1 on rows 100-103) or `counts` (the flow in whole units of 0.4 of its sd). */
function plant(extra?: Extra) {
  const jitter = [0, 0.0003, -0.0005, 0.0002];
  const value: Record<Extra, (t: number, row: Float64Array) => number> = {
    mode: (t) => (t < 150 ? 0 : 1),
    jitter: (t) => (t < 150 ? 0 : 1) + jitter[t % 4],
    pulse: (t) => (t >= 100 && t < 104 ? 1 : 0),
    counts: (_, row) => Math.round(row[0] / 0.4),
  };
  return extra ? twoSourcePlant({ extra: [{ name: extra, value: value[extra] }] }) : twoSourcePlant();
}

async function alarmOn(arch: DetectorArch, extra?: Extra) {
  const fitted = await fitDetector(plant(extra), {
    arch,
    seed: 3,
    epochs: 5,
    validationFraction: 0.25,
    target: DEFAULT_TARGET,
    command: 'test',
    log: () => {},
  });
  const details = fitted.manifest.score.details!;
  return {
    on: fitted.manifest.score.threshold,
    largest: Number(details.largest_score),
    term: String(details.largest_score_term),
  };
}

describe('a quantised channel in the training rows', () => {
  for (const arch of ['stats', 'hybrid'] as const)
    it(`${arch}: a mode word that changes once (with or without jitter), a pulse, a channel in counts: the alarm stays`, async () => {
      const without = await alarmOn(arch);
      const mode = await alarmOn(arch, 'mode');
      const counts = await alarmOn(arch, 'counts');
      const jitter = await alarmOn(arch, 'jitter');
      const pulse = await alarmOn(arch, 'pulse');
      // Before: the mode's change scored ~1e7 z and `on` followed it. Now the alarm sits below twice the plant's own
      // and above the plant's largest normal score (it does not alarm on the normal rows either), and the mode's one
      // change is not what sets it.
      // The same with export jitter on the mode word (read as the step, it floored nothing), and a four-row pulse on
      // a door contact (its autoencoder residual, unfloored, set the hybrid's alarm at 3× the plant's own).
      for (const withExtra of [mode, counts, jitter, pulse]) {
        expect(withExtra.on).toBeLessThan(2 * without.on);
        expect(withExtra.on).toBeGreaterThan(without.largest);
      }
      expect(mode.term.startsWith('mode ')).toBe(false);
    });
});
