/**
 * Scores windows of rows through a detector's ONNX graph in onnxruntime, in a session made as the gateway makes it
 * (createSession: its graph settings, CPU, one thread), as the gateway feeds it (one raw window of
 * `windowLength` rows × channels): the score, each channel's largest term (`channel_error`) and every standardised term
 * (`term_error`, kind after kind).
 */
import * as ort from 'onnxruntime-node';
import { createSession } from '../../src/inference/onnx-session.js';
import { detectorGraph, type DetectorLayout } from '../../src/training/detector-graph.js';
import { encodeOnnxModel } from '../../src/training/onnx-writer.js';
import { DEFAULT_GEOMETRY } from '../../src/training/detector-features.js';
import { fitDetector, heldOutRowsOf, type NormalData } from '../../src/training/fit-detector.js';
import { fitStatistical } from '../../src/training/fit-statistical.js';

export interface WindowScore {
  readonly score: number;
  readonly channel: number[];
  readonly terms: number[];
}

/** A layout's graph, as bytes. */
export function encodeLayout(layout: DetectorLayout): Uint8Array {
  return encodeOnnxModel(detectorGraph('t', layout), { producerName: 't', producerVersion: '0', opset: 13 });
}

/** The graph's outputs for each window of `rows` (time-major, `channels` wide) ending at a row of `ends`. */
export async function scoreWindows(
  bytes: Uint8Array,
  rows: Float64Array,
  channels: number,
  windowLength: number,
  ends: readonly number[],
): Promise<WindowScore[]> {
  const session = (await createSession(bytes)).session;
  const out: WindowScore[] = [];
  for (const e of ends) {
    const w = Float32Array.from(rows.subarray((e - windowLength + 1) * channels, (e + 1) * channels));
    const r = await session.run({ window: new ort.Tensor('float32', w, [1, w.length]) });
    out.push({
      score: (r.score.data as Float32Array)[0],
      channel: Array.from(r.channel_error.data as Float32Array),
      terms: Array.from(r.term_error.data as Float32Array),
    });
  }
  await session.release();
  return out;
}

/** The graph's outputs for several windows (each `windowLength` rows × `channels`, time-major) in one batch. */
export async function scoreBatch(
  bytes: Uint8Array,
  windows: readonly Float64Array[],
  channels: number,
  windowLength: number,
): Promise<WindowScore[]> {
  const session = (await createSession(bytes)).session;
  const size = windowLength * channels;
  const input = new Float32Array(windows.length * size);
  windows.forEach((w, i) => input.set(Float32Array.from(w), i * size));
  const r = await session.run({ window: new ort.Tensor('float32', input, [windows.length, size]) });
  await session.release();
  const score = r.score.data as Float32Array;
  const channel = r.channel_error.data as Float32Array;
  const terms = r.term_error.data as Float32Array;
  const kinds = terms.length / windows.length;
  return windows.map((_, i) => ({
    score: score[i],
    channel: Array.from(channel.subarray(i * channels, (i + 1) * channels)),
    terms: Array.from(terms.subarray(i * kinds, (i + 1) * kinds)),
  }));
}

/**
 * A model folder's contents as `linewatch train` fits them (fitDetector, default budget of one false alarm a day) and
 * the layout of its graph (fitStatistical with the same held-out rows), so a test can score the deployed graph beside
 * the same layout less one term.
 */
export async function fitWithLayout(data: NormalData, arch: 'stats' | 'hybrid', epochs = 5) {
  const options = { seed: 3, epochs, validationFraction: 0.25, target: { falseAlarmsPerDay: 1 } };
  const fitted = await fitDetector(data, { ...options, arch, command: 't', log: () => {} });
  const fit = fitStatistical(data, {
    hybrid: arch === 'hybrid',
    geometry: DEFAULT_GEOMETRY,
    heldOutRows: heldOutRowsOf(data.rowCount, options.validationFraction),
  });
  return { fitted, fit, on: fitted.manifest.score.threshold };
}
