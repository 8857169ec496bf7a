/**
 * A small injection moulder as a historian CSV (pure, seeded): one part per cycle, 50 ms rows, 1.2 s with
 * cycle_active high and 0.25 s open. Its curves: injection_pressure (a ramp to a 900 bar peak at switch-over, 1 %
 * part to part, then hold and recovery), screw_position (60 mm to a 5 mm cushion), melt_temp (230 °C, 0.8 °C part
 * to part, a 2 °C sag as it injects) and nozzle_temp (235 °C, barely moving).
 *   shortShot: those parts' peak pressure is 15 % lower (nothing else changes);
 *   materialFrom: from that part on a new material lot, the melt 1.6 °C hotter (2 sd of its own part-to-part spread).
 */
import { SeededRandom } from '../../src/core/random.js';
import { fitPartModel } from '../../src/training/fit-parts.js';

export const MOULDING_CHANNELS = ['injection_pressure', 'screw_position', 'melt_temp', 'nozzle_temp'] as const;

/** How its parts are cut: csvParts' options, and the same as `linewatch train` flags. */
export const MOULDING_CUT = {
  cycleChannel: 'cycle_active',
  trigger: 'flag',
  partIdChannel: 'part_counter',
  minRows: 5,
  maxRows: 1000,
} as const;
export const MOULDING_CUT_FLAGS = ['--cycle-channel', 'cycle_active', '--part-id-channel', 'part_counter'] as const;

export function mouldingPartsCsv(o: {
  readonly parts: number;
  readonly seed: number;
  readonly shortShot?: ReadonlySet<number>;
  readonly materialFrom?: number;
}): string {
  const rng = new SeededRandom(o.seed);
  const lines = [`timestamp,${MOULDING_CHANNELS.join(',')},cycle_active,part_counter`];
  let t = Date.parse('2026-12-01T06:00:00Z');
  const row = (values: readonly number[], active: number, part: number) => {
    lines.push(`${new Date(t).toISOString()},${values.map((v) => v.toFixed(3)).join(',')},${active},${part}`);
    t += 50;
  };
  for (let part = 1; part <= o.parts; part++) {
    const peak = 900 * (1 + 0.01 * rng.normal()) * (o.shortShot?.has(part) ? 0.85 : 1);
    const cushion = 5 + 0.15 * rng.normal();
    const melt = 230 + 0.8 * rng.normal() + (o.materialFrom !== undefined && part >= o.materialFrom ? 1.6 : 0);
    const nozzle = 235 + 0.3 * rng.normal();
    for (let ms = 0; ms < 1200; ms += 50) {
      const fill = Math.min(1, ms / 500);
      const pressure = ms <= 500 ? peak * fill ** 1.6 : ms < 900 ? 500 : 60;
      const position =
        ms <= 500 ? 60 - (60 - cushion) * fill : ms < 900 ? cushion : cushion + (60 - cushion) * ((ms - 900) / 300);
      row(
        [
          pressure + 3 * rng.normal(),
          position + 0.05 * rng.normal(),
          melt - 2 * fill + 0.2 * rng.normal(),
          nozzle + 0.1 * rng.normal(),
        ],
        1,
        part,
      );
    }
    for (let ms = 0; ms < 250; ms += 50) {
      const open = [
        5 + 2 * rng.normal(),
        60 + 0.05 * rng.normal(),
        melt + 0.2 * rng.normal(),
        nozzle + 0.1 * rng.normal(),
      ];
      row(open, 0, part);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** A part model of `parts` good moulder parts (data seed 5), fitted as `train` fits one (windows of 32 points). */
export function fitMoulder(o: { parts: number; seed: number; epochs: number; arch?: 'dense' | 'conv1d' }) {
  return fitPartModel(mouldingPartsCsv({ parts: o.parts, seed: 5 }), 'good.csv', {
    cut: MOULDING_CUT,
    name: 'moulder',
    windowLength: 32,
    arch: o.arch ?? 'dense',
    hidden: [32, 6, 32],
    validationFraction: 0.25,
    seed: o.seed,
    epochs: o.epochs,
    target: { falseAlarmsPerDay: 1 },
    command: 'test',
    log: () => {},
  });
}
