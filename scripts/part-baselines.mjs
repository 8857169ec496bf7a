// The part models' baselines, for docs/quality-inspection.md: two scores that need no autoencoder, on the same parts,
// the same split and the same calibration as `linewatch eval --cycle-channel` (dense), so that the autoencoder's
// figures have something to beat. Per file: the parts within the first --train-rows rows, the last quarter held out
// to calibrate; every part that starts after those rows scored.
//   envelope  the largest |z| over the part's points and channels (a tolerance band around the mean curve, as
//             press-fit monitors draw one), z against the training parts' mean and sd at that point;
//   mean z²   the mean of z² over the points and channels (a diagonal Hotelling T²).
// Usage (after npm run build): node scripts/part-baselines.mjs DIR [false-rejects-a-day] [train-rows]
//   e.g. linewatch dataset --preset press --out /tmp/press && node scripts/part-baselines.mjs /tmp/press 1 18000
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { calibrateAlarm } from '../dist/training/alarm-calibration.js';
import { csvParts, partsTrainingSet } from '../dist/training/csv-parts.js';
import { addTallies, partFigures, partLabels, tallyParts } from '../dist/eval/part-metrics.js';

const [dir, budgetArg = '1', rowsArg = '18000'] = process.argv.slice(2);
const [budget, trainRows] = [Number(budgetArg), Number(rowsArg)];
const cut = {
  cycleChannel: 'cycle_active',
  trigger: 'flag',
  partIdChannel: 'part_counter',
  minRows: 5,
  maxRows: 10000,
};
const scores = {
  envelope: (z) => z.reduce((m, v) => Math.max(m, Math.abs(v)), 0),
  'mean z²': (z) => z.reduce((s, v) => s + v * v, 0) / z.length,
};
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.csv') && f !== 'anomaly-free.csv')
  .sort();
for (const [name, score] of Object.entries(scores)) {
  let total;
  const perFile = [];
  for (const file of files) {
    const text = readFileSync(join(dir, file), 'utf8');
    const first = csvParts(text, file, { ...cut, windowLength: 32, rows: trainRows });
    const set = partsTrainingSet(first, file, { name, validationFraction: 0.25, hidden: [] }, cut.cycleChannel);
    const d = set.train[0].length;
    const mean = new Float64Array(d);
    const sd = new Float64Array(d);
    for (const w of set.train) for (let k = 0; k < d; k++) mean[k] += w[k] / set.train.length;
    for (const w of set.train) for (let k = 0; k < d; k++) sd[k] += (w[k] - mean[k]) ** 2 / (set.train.length - 1);
    for (let k = 0; k < d; k++) sd[k] = Math.max(Math.sqrt(sd[k]), 1e-6);
    const of = (w) => score(Array.from(w, (v, k) => (v - mean[k]) / sd[k]));
    const on = calibrateAlarm([set.validation.map(of)], first.partsPerDay, { falseAlarmsPerDay: budget }, 'parts').on;
    const all = csvParts(text, file, { ...cut, windowLength: 32, labels: {} });
    const scored = all.rowSpans.flatMap((span, i) => (span[0] >= trainRows ? [i] : []));
    const bad = partLabels(
      scored.map((i) => all.rowSpans[i]),
      all.labels,
    );
    const t = tallyParts(
      bad,
      scored.map((i) => of(all.windows[i]) > on),
      0,
    );
    perFile.push(partFigures(t).f1?.toFixed(2) ?? 'n/a');
    total = total ? addTallies(total, t) : t;
  }
  const f = partFigures(total);
  console.log(
    `${name}: F1 ${f.f1.toFixed(3)}, false rejects ${total.fp} (${f.false_reject_rate.toFixed(2)} %), escapes ${total.fn} ` +
      `(${f.escape_rate.toFixed(2)} %); per file ${perFile.join(' ')}`,
  );
}
