/**
 * `linewatch quantize`: static int8 quantization of a model's fp32 export (QDQ: int8 symmetric
 * weights per output channel, uint8 activations per tensor) calibrated on normal windows from a
 * CSV, then a check that int8 and fp32 scores agree, written into the manifest. The model's
 * normalisation stays as trained, and a continuous model's threshold; the golden window is scored again. A part model
 * is calibrated on the CSV's parts, cut as the gateway cuts them, and its threshold calibrated again on the new int8
 * graph's scores of the held-out parts, as train calibrated it on the old one's (quantize-parts.ts).
 */
import { readCsvText } from '../core/csv-file.js';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { ModelError } from '../core/errors.js';
import { loadManifest, readFp32Graph, sha256Hex, type ModelManifest } from '../inference/manifest.js';
import {
  exportAutoencoder,
  flattenNormalised,
  int8Agreement,
  scoreWindows,
  weightScheme,
  type Autoencoder,
} from './build-model.js';
import { ConvAutoencoder, CONV_KERNEL, type ConvLayer } from './conv-autoencoder.js';
import { csvTrainingSet, renamesText } from './csv-dataset.js';
import type { ColumnRenames } from '../core/csv-table.js';
import { DenseAutoencoder, type DenseLayer } from './dense-autoencoder.js';
import { calibrateRanges } from './scoring-graph.js';
import { floats, readOnnxGraph } from './onnx-reader.js';
import { learntRunningWhen } from '../config/running-when.js';
import { runningConditionText } from '../core/running-condition.js';
import type { PartCut } from '../windows/cycle/part-cut.js';
import { withReadFloor } from './read-floor.js';
import { calibrationParts, recalibratedPartScore, type CalibrationParts } from './quantize-parts.js';

/**
 * Rebuilds the autoencoder from its fp32 ONNX export: dense (weights W<i> [in, out], biases b<i>,
 * relu<i> nodes) or 1-D conv (conv<i> / deconv<i> nodes with kernel 4, stride 2, pad 1, as
 * linewatch train writes them). `channels` and `windowLength` come from the manifest.
 */
export function autoencoderFromOnnx(
  bytes: Uint8Array,
  what: string,
  channels: number,
  windowLength: number,
): Autoencoder {
  const graph = readOnnxGraph(bytes, what);
  if (!graph.initializers.has('W0')) {
    throw new Error(
      `${what}: no fp32 weights W0${graph.initializers.has('W0_q') ? " (this is an int8 model: quantize starts from the fp32 export, the manifest's fp32_file)" : ''}`,
    );
  }
  const conv = graph.nodes.some((n) => n.op === 'Conv');
  const dense: DenseLayer[] = [];
  const convLayers: ConvLayer[] = [];
  for (let i = 0; graph.initializers.has(`W${i}`); i++) {
    const w = graph.initializers.get(`W${i}`)!;
    const b = graph.initializers.get(`b${i}`);
    const relu = graph.nodes.some((n) => n.name === `relu${i}`);
    if (!conv) {
      if (w.type !== 1 || w.dims.length !== 2 || !b) throw new Error(`${what}: layer ${i} is not a float MatMul + Add`);
      dense.push({ inputs: w.dims[0], outputs: w.dims[1], relu, weights: floats(w), bias: floats(b) });
      continue;
    }
    const node = graph.nodes.find((n) => n.name === `conv${i}` || n.name === `deconv${i}`);
    if (!node || w.type !== 1 || w.dims.length !== 3 || w.dims[2] !== CONV_KERNEL || !b)
      throw new Error(
        `${what}: layer ${i} is not a float Conv / ConvTranspose with kernel ${CONV_KERNEL} as linewatch train writes it`,
      );
    const kind = node.op === 'Conv' ? 'conv' : 'deconv';
    const [inputs, outputs] = kind === 'conv' ? [w.dims[1], w.dims[0]] : [w.dims[0], w.dims[1]];
    convLayers.push({ kind, inputs, outputs, relu, weights: floats(w), bias: floats(b) });
  }
  return conv ? ConvAutoencoder.fromLayers(channels, windowLength, convLayers) : DenseAutoencoder.fromLayers(dense);
}

export interface QuantizeOptions {
  readonly modelDir: string;
  readonly csv: string;
  /** The text of `csv`, where the caller has read it (else read here). */
  readonly text?: string;
  /** Columns read under another name (--rename), as train read them. */
  readonly rename?: ColumnRenames;
  /** Called with the model's manifest once it is known to be one quantize re-quantizes, before the CSV is read: what
   * the caller refuses of the CSV against it (quantize's channels the file lacks, with the flag to add), and the
   * renames to read it with where the model's own apply (undefined: --rename's). */
  readonly checkModel?: (manifest: ModelManifest) => CheckedModel | void;
  readonly outDir: string;
  readonly validationFraction: number;
  readonly hop: number;
  readonly command: string;
  readonly log: (line: string) => void;
}

/** What the caller found of the model and the CSV (QuantizeOptions.checkModel). */
export interface CheckedModel {
  /** The renames to read the CSV with, where the model's own apply (undefined: --rename's). */
  readonly rename?: ColumnRenames;
  /** A part model's cut (recorded in its manifest, or named by flags): calibrated on parts. */
  readonly cut?: PartCut;
}

/** What the int8 ranges are calibrated on and the graphs compared on: windows, or a part model's parts. */
interface Calibration {
  readonly train: readonly Float64Array[];
  readonly validation: readonly Float64Array[];
  readonly unit: 'windows' | 'parts';
  /** Which rows, for the log and the manifest ('' for every row). */
  readonly rows: string;
  readonly parts?: CalibrationParts;
}

/** A continuous model's: sliding windows of the rows the model learnt from. */
function windowsCalibration(
  text: string,
  m: ModelManifest,
  o: Pick<QuantizeOptions, 'csv' | 'hop' | 'validationFraction' | 'rename'>,
  where: string,
): Calibration {
  // The rows the model learnt from: a stop's or a restart's ramp would widen the activation ranges int8 keeps.
  const running = learntRunningWhen(m.training, where);
  const set = csvTrainingSet(text, o.csv, {
    name: m.name,
    channels: m.input.channels.map((c) => c.name),
    windowLength: m.input.window_length,
    hop: o.hop,
    periodMs: m.input.sample_period_ms,
    validationFraction: o.validationFraction,
    hidden: [],
    ...(o.rename ? { rename: o.rename } : {}),
    ...(running ? { runningWhen: running, runningSettleMs: running.settle_ms ?? 0 } : {}),
  });
  const rows = running
    ? ` (the rows where ${runningConditionText(running)}${running.settle_ms ? `, ${running.settle_ms} ms after each restart left out` : ''}, as the model learnt: training.running_when)`
    : '';
  return { train: set.train, validation: set.validation, unit: 'windows', rows };
}

/** A part model's: its parts, cut as train cut them (quantize-parts.ts). */
function partsCalibration(
  text: string,
  m: ModelManifest,
  o: Pick<QuantizeOptions, 'csv' | 'validationFraction' | 'rename'> & { readonly cut: PartCut },
): Calibration {
  const parts = calibrationParts(text, o.csv, m, o);
  return { train: parts.train, validation: parts.validation, unit: 'parts', rows: ` (${parts.text})`, parts };
}

export async function quantizeModel(o: QuantizeOptions): Promise<ModelManifest> {
  const loaded = await loadManifest(o.modelDir);
  const m = loaded.manifest;
  const graph = await readFp32Graph(loaded);
  if (!graph)
    throw new ModelError(
      'MODEL_INVALID',
      `model ${loaded.manifestPath}: no fp32_file in the manifest; quantize starts from the fp32 export`,
    );
  const { path: fp32Path, bytes: fp32, file: fp32File } = graph;
  const arch = String(m.training.architecture ?? '').split(':')[0];
  if (arch === 'hybrid' || arch === 'stats')
    throw new Error(
      `model ${loaded.manifestPath}: a ${arch} model; quantize re-quantizes a dense or conv1d autoencoder on new data, ` +
        `while a ${arch} model's int8 graph is built with its fit: train it again on the new data (linewatch train --csv)`,
    );
  // The renames checkModel finds the file needs (the model's own, recorded when it was trained), else --rename's; a
  // part model's cut, recorded or flagged.
  const checked = o.checkModel?.(m) ?? undefined;
  const rename = checked?.rename ?? o.rename;
  const channels = m.input.channels.map((c) => c.name);
  const ae = autoencoderFromOnnx(fp32, fp32Path, channels.length, m.input.window_length);
  const text = o.text ?? readCsvText(o.csv);
  const cut = checked?.cut;
  const calibration = cut
    ? partsCalibration(text, m, { ...o, cut, ...(rename ? { rename } : {}) })
    : windowsCalibration(text, m, { ...o, ...(rename ? { rename } : {}) }, `model ${loaded.manifestPath}`);
  const { mean, std } = m.normalisation;
  const ranges = calibrateRanges(ae, flattenNormalised(calibration.train, mean, std), calibration.train.length);
  const int8 = exportAutoencoder(
    ae,
    `${m.name.replace(/-/g, '_')}_int8`,
    { windowLength: m.input.window_length, mean, std, method: m.normalisation.method },
    ranges,
  );
  o.log(
    `${m.name}: calibrated on ${calibration.train.length} ${calibration.unit} from ${o.csv}${calibration.rows}, checking against fp32 on ${calibration.validation.length}`,
  );
  const draft: ModelManifest = { ...m, sha256: sha256Hex(int8) };
  const int8Path = join(o.outDir, m.file);
  const int8Scores = await scoreWindows(draft, int8, int8Path, calibration.validation);
  const fp32Scores = await scoreWindows(
    { ...m, file: fp32File, sha256: graph.sha256 },
    fp32,
    fp32Path,
    calibration.validation,
  );
  // A part model's threshold was calibrated on its old int8 graph's scores: calibrated again on the new one's.
  const recalibrated = cut
    ? recalibratedPartScore(m, `model ${loaded.manifestPath}`, {
        scores: int8Scores,
        parts: calibration.parts!,
        validationFraction: o.validationFraction,
        file: o.csv,
        log: o.log,
      })
    : m.score;
  // A part model that leaves unread points out of its score: its floor on the points read found again with the
  // threshold, on the new int8 graph (read-floor.ts).
  const score =
    cut && m.normalisation.method === 'part_curve'
      ? await withReadFloor({
          score: recalibrated,
          manifest: draft,
          bytes: int8,
          modelPath: int8Path,
          heldOut: calibration.validation,
          heldOutScores: int8Scores,
          log: o.log,
        })
      : recalibrated;
  if (cut)
    o.log(
      `threshold ${score.threshold.toFixed(4)} (was ${m.score.threshold.toFixed(4)}), calibrated again on the new int8 graph's scores of the ${calibration.validation.length} held-out parts`,
    );
  const threshold = score.threshold;
  const { meanRel, agree } = int8Agreement(int8Scores, fp32Scores, threshold);
  const [golden] = await scoreWindows(draft, int8, int8Path, [Float64Array.from(m.golden.input)]);
  const manifest: ModelManifest = {
    ...draft,
    score,
    quantization: {
      scheme: 'static QDQ, opset 13',
      weights: weightScheme(ae),
      activations: 'uint8 asymmetric, per tensor, min/max calibrated',
      calibration: `${basename(o.csv)}${renamesText(rename)}${calibration.rows}: ${calibration.train.length} ${calibration.unit} (linewatch quantize)`,
      calibration_windows: calibration.train.length,
      command: o.command,
      fp32_agreement: {
        windows: calibration.validation.length,
        mean_relative_score_difference: meanRel,
        verdict_agreement: agree,
        threshold,
      },
      ...(cut ? { threshold_before: m.score.threshold } : {}),
      size_bytes: { int8: int8.length, fp32: fp32.length },
    },
    golden: { input: m.golden.input, score: golden, tolerance: Math.max(1e-6, golden * 1e-4) },
  };
  await mkdir(o.outDir, { recursive: true });
  await writeFile(int8Path, int8);
  if (join(o.outDir, fp32File) !== fp32Path) await copyFile(fp32Path, join(o.outDir, fp32File));
  await writeFile(join(o.outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  o.log(
    `int8 ${int8.length} B vs fp32 ${fp32.length} B; mean relative score difference ${(meanRel * 100).toFixed(2)} %, verdict agreement at threshold ${threshold.toFixed(4)}: ${(agree * 100).toFixed(2)} %`,
  );
  return manifest;
}
