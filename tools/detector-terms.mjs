// Which term and channel raise the hybrid's score, row by row, on one labelled CSV (a look for a person, not a test):
// fits the hybrid on the first N rows as `linewatch eval` does (fitStatistical, calibrateAlarm, the daemon's alarm,
// delays and sustain rule; eval fits on the rows before a fault labelled among the first N, this does not), scores
// every window with the fp32 graph and its intermediate terms as outputs, and prints the rows scored at or above `off`
// on normal rows and every row where the alarm and the label disagree, with the largest term, and a tally of the
// alarmed normal rows by term. Needs `npm run build`; a file with pauses or gaps is not handled (eval learns around
// them). docs/detection-history.md, 2026-12-06 (twenty-seventh session), was measured with it.
//   node tools/detector-terms.mjs FILE [--train-rows 400] [--period-ms 180000] [--all] [--trace TERM:CHANNEL]
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';

const dist = new URL('../dist/', import.meta.url);
const load = (path) => import(new URL(path, dist).href);
const ort = createRequire(import.meta.url)('onnxruntime-node');
const { readLabelledCsv } = await load('eval/labelled-csv.js');
const { alarmOverRows, DAEMON_ALARM_DELAYS, learnableChannels } = await load('eval/evaluate.js');
const { fitStatistical } = await load('training/fit-statistical.js');
const { heldOutRowsOf } = await load('training/fit-detector.js');
const { DEFAULT_GEOMETRY } = await load('training/detector-features.js');
const { detectorGraph } = await load('training/detector-graph.js');
const { encodeOnnxModel, TensorType } = await load('training/onnx-writer.js');
const { calibrateAlarm } = await load('training/alarm-calibration.js');

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'train-rows': { type: 'string', default: '400' },
    'period-ms': { type: 'string' },
    all: { type: 'boolean', default: false },
    trace: { type: 'string' },
  },
});
if (positionals.length !== 1) throw new Error('usage: node tools/detector-terms.mjs FILE [options]');
const N = Number(values['train-rows']);
const period = values['period-ms'] ? Number(values['period-ms']) : undefined;
const s = readLabelledCsv(positionals[0], undefined, period);
const { channels } = learnableChannels(s, N, 0.25);
const from = channels.map((ch) => s.channels.indexOf(ch));
const c = channels.length;
const rows = new Float64Array(s.rowCount * c);
for (let t = 0; t < s.rowCount; t++) from.forEach((k, j) => (rows[t * c + j] = s.rows[t * s.channels.length + k]));
const fit = fitStatistical(
  { channels, periodMs: s.periodMs, rows: rows.slice(0, N * c), rowCount: N },
  { hybrid: true, geometry: DEFAULT_GEOMETRY, heldOutRows: heldOutRowsOf(N, 0.25) },
);
const alarm = calibrateAlarm(fit.calibrationSegments, 86_400_000 / s.periodMs, { falseAlarmsPerDay: 1 });
const layout = fit.layout;
const m = layout.spread?.components.count ?? 0;
const graph = detectorGraph('terms', layout);
// Each term before the graph takes the largest: [name, width] (width c: per channel; m: per principal component).
const terms = [
  ['linear_residual_z', c],
  ['linear_mean_z', c],
  ['joint_on_channels', c],
  ['change_on_channels', c],
  ['level_z', c],
  ['component_level_z', m],
  ['variability_z', c],
  ['spread_z', m],
  ['window_variability_z', c],
].filter(([name, width]) => width > 0 && graph.nodes.some((n) => n.outputs.includes(name)));
for (const [name, width] of terms) graph.outputs.push({ name, type: TensorType.FLOAT, shape: ['batch', width] });
const session = await ort.InferenceSession.create(
  encodeOnnxModel(graph, { producerName: 'detector-terms', producerVersion: '0', opset: 13 }),
);
const W = DEFAULT_GEOMETRY.windowLength;
const windows = s.rowCount - W + 1;
const input = new Float32Array(windows * W * c);
for (let b = 0; b < windows; b++) input.set(rows.subarray(b * c, (b + W) * c), b * W * c);
const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', input, [windows, W * c]) });
const score = new Float64Array(s.rowCount).fill(Number.NaN);
for (let b = 0; b < windows; b++) score[b + W - 1] = out.score.data[b];
// The daemon's delays and sustain rule (the model's window span), as eval has them.
const delays = { ...DAEMON_ALARM_DELAYS, sustainMs: W * s.periodMs };
const alarmed = alarmOverRows(s.times, score, alarm.on, alarm.off, delays, alarm.clear);
const share = layout.spread?.components.share ?? [];
const heaviest = (j) => {
  const w = Array.from(share.slice(j * c, (j + 1) * c));
  return channels[w.indexOf(Math.max(...w))];
};
const columnName = (width, i) => (width === c ? channels[i] : `pc${i + 1} (${heaviest(i)})`);
const largest = (b) => {
  let best = { value: -1, term: '', column: '' };
  for (const [name, width] of terms)
    for (let i = 0; i < width; i++) {
      const value = out[name].data[b * width + i];
      if (value > best.value) best = { value, term: name, column: columnName(width, i) };
    }
  return best;
};

const n = fit.largestNormalTerm;
console.log(
  `on ${alarm.on.toFixed(3)} off ${alarm.off.toFixed(3)}${alarm.clear !== undefined ? ` clear ${alarm.clear.toFixed(3)}` : ''}; ` +
    `largest normal ${n.z.toFixed(2)} (${n.kind} ${n.channel}${n.wholeWindow ? ', whole window' : ''}${n.component !== undefined ? `, component ${n.component + 1}` : ''}); ` +
    `slow: ${channels.filter((_, i) => layout.slow[i]).join(' ') || 'none'}`,
);
if (values.trace) {
  const [name, column] = values.trace.split(':');
  const [, width] = terms.find(([t]) => t === name) ?? [];
  const i = width === c ? channels.indexOf(column) : Number(column) - 1;
  if (width === undefined || i < 0) throw new Error(`--trace ${values.trace}: no such term and column`);
  for (let r = W - 1; r < s.rowCount; r++)
    console.log(`${r + 1} ${out[name].data[(r - W + 1) * width + i].toFixed(3)}`);
}
const tally = {};
for (let r = N; r < s.rowCount; r++) {
  const top = largest(r - W + 1);
  const label = s.anomaly[r] !== 0 ? 1 : 0;
  if (alarmed[r] && !label) tally[`${top.term} ${top.column}`] = (tally[`${top.term} ${top.column}`] ?? 0) + 1;
  if (values.all || (score[r] >= alarm.off && !label) || alarmed[r] !== label)
    console.log(
      `row ${r + 1} label ${label} alarm ${alarmed[r]} score ${score[r].toFixed(2)}: ${top.term} ${top.column} ${top.value.toFixed(2)}`,
    );
}
console.log('alarmed normal rows by largest term:', JSON.stringify(tally));
