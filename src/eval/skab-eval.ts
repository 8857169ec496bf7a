/**
 * `linewatch eval`: for each labelled CSV (SKAB format), fit the detector on its first N rows,
 * then stream every row through the gateway's own code: RowAssembler and SlidingWindow (hop 1),
 * the ONNX scoring graph run by AutoencoderModel in micro-batches, and the alarm state machine's
 * condition (on at `on_z`, off below `off_z`, no delays) as the causal prediction for each row.
 * Metrics are summed over all files.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { AlarmStateMachine } from '../alarms/alarm-state.js';
import type { Sample, Window } from '../core/types.js';
import { AutoencoderModel } from '../inference/autoencoder-model.js';
import { sha256Hex, type LoadedManifest, type ModelManifest } from '../inference/manifest.js';
import { parseSkabCsv } from '../sim/csv-replay.js';
import { CHANNEL_OUTPUT, INPUT_NAME, SCORE_OUTPUT } from '../training/scoring-graph.js';
import { statsDetectorGraph, statsFeatures } from '../training/export-stats.js';
import { windowStats } from '../training/sim-recording.js';
import { encodeOnnxModel } from '../training/onnx-writer.js';
import { RowAssembler } from '../windows/row-assembler.js';
import { SlidingWindow } from '../windows/sliding-window.js';
import { addConfusion, addNab, confusion, nabNormalised, nabTally, pointwise, type Confusion, type NabTally } from './metrics.js';

/** One fixed configuration for every file. */
export interface DetectorConfig {
  /** Rows averaged for a channel's current level (1 s rows in SKAB). */
  readonly k: number;
  /** Slow channels: rows back for the earlier level their change is measured against. */
  readonly lag: number;
  /** Channels with slow (thermal) physics, scored by their change over `lag` rows, not their level. */
  readonly slowChannels: readonly string[];
  readonly slowWeight: number;
  readonly onZ: number;
  readonly offZ: number;
  /** The alarm's off-delay (ISA-18.2): the condition must stay below offZ this long before it clears. */
  readonly offDelayS: number;
  /** Rows of the long level of the level channels (0: none); see StatsDetectorLayout.long. */
  readonly kLong: number;
  /** The long level's z is multiplied by this before it is compared (a higher bar than the short level's). */
  readonly longWeight: number;
  /** int8: quantize features over ±this z. */
  readonly int8Range: number;
}

export const DEFAULT_DETECTOR: DetectorConfig = { k: 5, lag: 30, slowChannels: ['Temperature', 'Thermocouple'], slowWeight: 0.5, onZ: 5.5, offZ: 4, offDelayS: 0, kLong: 15, longWeight: 0.5, int8Range: 32 };

const LABELS = ['anomaly', 'changepoint'];
export type Precision = 'int8' | 'fp32';

export interface FileResult {
  readonly file: string;
  readonly testRows: number;
  readonly confusion: Confusion;
  readonly f1: number;
  readonly far: number;
  readonly nab: NabTally;
}

/** Every CSV under `dir` that has anomaly labels, sorted. */
export function labelledFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.csv') && readFileSync(p, 'utf8').split('\n', 1)[0].split(';').includes('anomaly')) out.push(p);
    }
  };
  walk(dir);
  return out;
}

function detectorModel(file: string, channels: readonly string[], rows: Float64Array, trainRows: number, cfg: DetectorConfig, precision: Precision): { loaded: LoadedManifest; windowLength: number } {
  const c = channels.length;
  const W = Math.max(cfg.k + cfg.lag, cfg.kLong);
  const slow = channels.map((ch) => cfg.slowChannels.includes(ch));
  if (trainRows < W + 10) throw new Error(`${file}: --train-rows ${trainRows} leaves too few training windows (need at least ${W + 10} rows)`);
  // Centre and sd of a feature over every training window (one row of `c` values each).
  const fitted = (k: number, lag: number, slowMask: readonly boolean[]) => {
    const feats: Float64Array[] = [];
    for (let end = W - 1; end < trainRows; end++) feats.push(statsFeatures(rows, end, c, k, lag, slowMask));
    const { mean, std } = windowStats(feats, c, 1e-9);
    return { centre: mean, sd: std };
  };
  const { centre, sd } = fitted(cfg.k, cfg.lag, slow);
  const weight = slow.map((s) => (s ? cfg.slowWeight : 1));
  const long = cfg.kLong > 0 ? { k: cfg.kLong, ...fitted(cfg.kLong, 0, channels.map(() => false)), weight: cfg.longWeight } : undefined;
  const bytes = encodeOnnxModel(statsDetectorGraph(`skab_${precision}`, { channels: c, windowLength: W, k: cfg.k, lag: cfg.lag, slow, centre, sd, weight, int8Range: precision === 'int8' ? cfg.int8Range : undefined, ...(long ? { long } : {}) }), {
    producerName: 'linewatch',
    producerVersion: '0.1.0',
    opset: 13,
  });
  const manifest: ModelManifest = {
    schema_version: 1,
    name: 'skab-stats',
    version: `eval-${precision}`,
    file: 'in-memory.onnx',
    sha256: sha256Hex(bytes),
    input: { name: INPUT_NAME, layout: 'batch,time*channel', channels: channels.map((name) => ({ name, unit: '' })), window_length: W, sample_period_ms: 1000 },
    output: { score: SCORE_OUTPUT, channel_error: CHANNEL_OUTPUT },
    normalisation: { method: 'zscore', applied: 'in-graph', mean: centre, std: sd },
    score: { function: 'max_abs_z', threshold: cfg.onZ, calibration: `fixed: on at z ${cfg.onZ}, off below z ${cfg.offZ}` },
    quantization: precision === 'int8' ? { activations: `uint8 over ±${cfg.int8Range} z` } : {},
    training: { data: `${file}: first ${trainRows} rows` },
    metrics: {},
    golden: { input: Array.from(rows.subarray(0, W * c)), score: 0, tolerance: Number.MAX_VALUE },
  };
  return { loaded: { manifest, manifestPath: `${file} (in memory)`, modelPath: `${file} (in memory)`, modelBytes: bytes }, windowLength: W };
}

export async function evaluateFile(file: string, trainRows: number, precision: Precision, cfg: DetectorConfig = DEFAULT_DETECTOR): Promise<FileResult & { predictions: Uint8Array }> {
  const table = parseSkabCsv(readFileSync(file, 'utf8'), file);
  for (const l of LABELS) if (!table.columns.has(l)) throw new Error(`${file}: no "${l}" column`);
  const channels = table.header.slice(1).filter((h) => !LABELS.includes(h));
  const n = table.times.length;
  if (trainRows >= n) throw new Error(`${file}: --train-rows ${trainRows} leaves no rows to evaluate (the file has ${n})`);
  const c = channels.length;
  const rows = new Float64Array(n * c);
  channels.forEach((ch, j) => table.columns.get(ch)!.forEach((v, i) => (rows[i * c + j] = v)));
  const { loaded, windowLength } = detectorModel(file, channels, rows, trainRows, cfg, precision);
  const model = await AutoencoderModel.load(loaded, { asset: 'eval' });
  // The daemon's path: samples → rows → sliding windows (hop 1) → batched scoring → alarm condition.
  const assembler = new RowAssembler('eval', model.channels, 10_000);
  const slider = new SlidingWindow('eval', model.channels, windowLength, 1);
  const windows: Window[] = [];
  const rowOf = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const ts = table.times[i];
    const batch: Sample[] = channels.map((channel, j) => ({ source: 'csv', asset: 'eval', channel, ts, value: rows[i * c + j], quality: 'good' }));
    const outcome = slider.push(assembler.push(batch)!);
    if (outcome?.kind === 'window') {
      windows.push(outcome.window);
      rowOf.set(outcome.window.end, i);
    }
  }
  const alarm = new AlarmStateMachine({ onDelayMs: 0, offDelayMs: cfg.offDelayS * 1000, clearRatio: cfg.offZ / cfg.onZ, latching: false, maxShelveMs: 1 });
  const predictions = new Uint8Array(n);
  for (let b = 0; b < windows.length; b += 256) {
    for (const r of await model.score(windows.slice(b, b + 256))) {
      alarm.handle({ kind: 'score', ts: r.ts, score: r.score, threshold: r.threshold });
      predictions[rowOf.get(r.ts)!] = alarm.conditionActive ? 1 : 0;
    }
  }
  await model.close();
  const labels = table.columns.get('anomaly')!.subarray(trainRows);
  const pred = predictions.subarray(trainRows);
  const conf = confusion(labels, pred);
  const times = Array.from(table.times.subarray(trainRows), (t) => t / 1000);
  const nab = nabTally(times, table.columns.get('changepoint')!.subarray(trainRows), pred, 60);
  const m = pointwise(conf);
  return { file, testRows: n - trainRows, confusion: conf, f1: m.f1, far: m.far, nab, predictions };
}

export interface EvalReport {
  readonly precision: Precision;
  readonly files: number;
  readonly trainRows: number;
  readonly detector: DetectorConfig;
  readonly confusion: Confusion;
  readonly f1: number;
  readonly far: number;
  readonly mar: number;
  readonly nab: { standard: number; low_fp: number; low_fn: number };
  readonly perFile: { file: string; f1: number; far: number }[];
}

export async function evaluateDir(dir: string, trainRows: number, precision: Precision, cfg: DetectorConfig = DEFAULT_DETECTOR, onFile?: (r: FileResult) => void): Promise<EvalReport> {
  const files = labelledFiles(dir);
  if (files.length === 0) throw new Error(`${dir}: no labelled CSV files (SKAB format with an "anomaly" column)`);
  let total: Confusion = { tp: 0, fp: 0, tn: 0, fn: 0 };
  let nab: NabTally = { windows: 0, score: { standard: 0, low_fp: 0, low_fn: 0 } };
  const perFile: { file: string; f1: number; far: number }[] = [];
  for (const file of files) {
    const r = await evaluateFile(file, trainRows, precision, cfg);
    total = addConfusion(total, r.confusion);
    nab = addNab(nab, r.nab);
    perFile.push({ file: relative(dir, file), f1: r.f1, far: r.far });
    onFile?.(r);
  }
  const m = pointwise(total);
  return { precision, files: files.length, trainRows, detector: cfg, confusion: total, f1: m.f1, far: m.far, mar: m.mar, nab: nabNormalised(nab), perFile };
}
