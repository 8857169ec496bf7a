// A plant CSV with a RUN/STOP mode column, a stop and restart a day whose channels ramp back for --ramp-min minutes
// while the mode already says RUN, and labelled faults (a channel shifted by 6 of its noise's standard deviations for
// an hour) in the last days: the measurement of the settle time after a restart (eval without --running-when, with
// it, with it and the settle time it derives). Needs `npm run build` (sim/restart-plant.js).
//   node tools/restart-plant.mjs OUT.csv [--period-ms 10000] [--channels 6] [--days 6] [--ramp-min 25] [--seed 7]
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { restartPlant, restartPlantCsv } = await import(new URL('../dist/sim/restart-plant.js', import.meta.url).href);
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'period-ms': { type: 'string', default: '10000' },
    channels: { type: 'string', default: '6' },
    days: { type: 'string', default: '6' },
    'ramp-min': { type: 'string', default: '25' },
    seed: { type: 'string', default: '7' },
  },
});
if (positionals.length !== 1) throw new Error('usage: node tools/restart-plant.mjs OUT.csv [options]');
const periodMs = Number(values['period-ms']);
const perHour = 3_600_000 / periodMs;
const days = Number(values.days);
const rampRows = Math.round((Number(values['ramp-min']) * 60_000) / periodMs);
// A day: 20 h running, 2 h stopped, the ramp back, the rest running.
const day = 24 * perHour;
const cycles = Array.from({ length: days - 1 }, () => ({
  stopRows: 2 * perHour,
  rampRows,
  runRows: day - 2 * perHour - rampRows,
}));
const channels = Number(values.channels);
// Faults in the last two days, in the 10th hour after their restart: one channel each, an hour.
const faults = [days - 2, days - 1].map((d, k) => ({
  row: 20 * perHour + (d - 1) * day + 2 * perHour + 10 * perHour,
  rows: perHour,
  channel: k % channels,
  sigmas: 6,
}));
const plant = restartPlant({ periodMs, channels, leadRows: 20 * perHour, cycles, faults, seed: Number(values.seed) });
writeFileSync(positionals[0], restartPlantCsv(plant));
process.stdout.write(
  `${positionals[0]}: ${plant.times.length} rows every ${periodMs} ms, ${channels} channels, restarts at rows ${plant.restarts.join(', ')} (ramps of ${rampRows} rows), faults at rows ${faults.map((f) => f.row).join(', ')}\n`,
);
