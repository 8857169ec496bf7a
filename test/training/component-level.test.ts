/**
 * The component level (src/training/detector-features.ts): a disturbance that shifts what the channels share (here one
 * of the plant's two sources steps), each channel a little and the same way as in normal operation, below each
 * channel's own level term and with no residual (the channels still agree with each other), raises the alarm through
 * the mean over the whole window of the component that carries the source.
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { fitDetector, heldOutRowsOf } from '../../src/training/fit-detector.js';
import { fitStatistical } from '../../src/training/fit-statistical.js';
import { detectorGraph, termKinds, type DetectorLayout } from '../../src/training/detector-graph.js';
import { encodeOnnxModel } from '../../src/training/onnx-writer.js';
import { DEFAULT_GEOMETRY } from '../../src/training/detector-features.js';
import { twoSourcePlant } from '../helpers/two-source-plant.js';

/** The second source's weight on each channel (two-source-plant.ts). */
const SOURCE_B = [0.2, -0.5, 1, 0.4, 0.9, 0.6];

/** The deployed graph's score of each window ending at `ends`, and the kind of term (termKinds' order) of its largest
 * term. */
async function scores(bytes: Uint8Array, rows: Float64Array, c: number, W: number, ends: number[]) {
  const session = await ort.InferenceSession.create(bytes);
  const out: { score: number; kind: number }[] = [];
  for (const e of ends) {
    const w = Float32Array.from(rows.subarray((e - W + 1) * c, (e + 1) * c));
    const r = await session.run({ window: new ort.Tensor('float32', w, [1, w.length]) });
    const terms = Array.from(r.term_error.data as Float32Array);
    out.push({ score: (r.score.data as Float32Array)[0], kind: Math.floor(terms.indexOf(Math.max(...terms)) / c) });
  }
  await session.release();
  return out;
}

/** Measured (2026-12-03): source b stepped by K = 10 of its sds from row 700 scores 21.4, 20.4 and 23.5 (hybrid; stats
 * the same within 0.1) on the windows below, the same layout without the component level 9.9, 11.0 and 12.9; `on` is
 * 19.0 (hybrid) and 15.6 (stats). At K = 8 the deployed scores are 17.1, 15.9 and 19.2. */
const K = 10;
const ENDS = [731, 760, 799];

describe('the component level', () => {
  const data = twoSourcePlant();
  const c = data.channels.length;
  const W = DEFAULT_GEOMETRY.windowLength;
  const encode = (layout: DetectorLayout) =>
    encodeOnnxModel(detectorGraph('t', layout), { producerName: 't', producerVersion: '0', opset: 13 });

  for (const arch of ['stats', 'hybrid'] as const)
    it(`${arch}: raises the alarm on a step of a shared source, as level, where the terms without it stay below`, async () => {
      const options = { seed: 3, epochs: 5, validationFraction: 0.25, target: { falseAlarmsPerDay: 1 } };
      const fitted = await fitDetector(data, { ...options, arch, command: 't', log: () => {} });
      const fit = fitStatistical(data, {
        hybrid: arch === 'hybrid',
        geometry: DEFAULT_GEOMETRY,
        heldOutRows: heldOutRowsOf(data.rowCount, options.validationFraction),
      });
      expect(fit.layout.componentLevel!.sd.length).toBe(fit.layout.spread!.components.count);
      expect(String(fitted.manifest.training.spread_components)).toContain('their mean over it the level term');
      const on = fitted.manifest.score.threshold;
      const rows = Float64Array.from(data.rows, (v, i) => (Math.floor(i / c) >= 700 ? v + K * SOURCE_B[i % c] : v));
      const levelKind = termKinds(fit.layout).indexOf('level');
      const without = await scores(encode({ ...fit.layout, componentLevel: undefined }), rows, c, W, ENDS);
      for (const [i, deployed] of (await scores(fitted.int8, rows, c, W, ENDS)).entries()) {
        expect(deployed.score).toBeGreaterThan(on);
        expect(deployed.kind).toBe(levelKind);
        expect(without[i].score).toBeLessThan(on);
      }
      // Normal windows stay below the alarm with it.
      for (const normal of await scores(fitted.int8, data.rows, c, W, [300, 500, 699]))
        expect(normal.score).toBeLessThan(on);
    }, 60_000);
});
