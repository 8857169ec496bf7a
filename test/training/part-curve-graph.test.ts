/**
 * A part model's graph (normalisation part_curve) against its JS reference: each point less the good parts' mean
 * curve over the channel's sd, the points a part's rows did not reach (Window.unreadPoints: past its last row or inside
 * a missed poll among its rows) fed as the mean curve and left out of the error, each channel's squared error averaged
 * over the points read. Old part models (zscore) score the held window as before, whatever unreadPoints says.
 */
import { describe, expect, it } from 'vitest';
import type { Window } from '../../src/core/types.js';
import { inMemoryModel } from '../../src/eval/in-memory-model.js';
import { AutoencoderModel } from '../../src/inference/autoencoder-model.js';
import { loadManifest } from '../../src/inference/manifest.js';
import type { FittedModel } from '../../src/training/build-model.js';
import { csvParts } from '../../src/training/csv-parts.js';
import { normaliseInto } from '../../src/training/normalise.js';
import { autoencoderFromOnnx } from '../../src/training/quantize.js';
import { ZSCORE_PRESS_AE } from '../helpers/press-data.js';
import { fitMoulder, MOULDING_CHANNELS, MOULDING_CUT, mouldingPartsCsv } from '../helpers/moulding-parts.js';

const W = 32;

const fit = async (seed: number, arch: 'dense' | 'conv1d' = 'dense'): Promise<FittedModel> =>
  (await fitMoulder({ parts: 160, seed, epochs: 8, arch })).fitted;

/** The points from `read` to the window's end: a part whose last polls were missed. */
const pastPoint = (read: number) => Array.from({ length: W - read }, (_, k) => read + k);

/** Fresh parts as the cycle window gives them, each with its points not read (undefined: all read). */
function freshWindows(reads: readonly (readonly number[] | undefined)[]): Window[] {
  const parts = csvParts(mouldingPartsCsv({ parts: reads.length + 1, seed: 6, shortShot: new Set([2]) }), 'fresh.csv', {
    ...MOULDING_CUT,
    windowLength: W,
    channels: [...MOULDING_CHANNELS],
  });
  return reads.map((read, i) => ({
    asset: 'moulder',
    channels: [...MOULDING_CHANNELS],
    length: W,
    start: i,
    end: i + 1,
    data: Float32Array.from(parts.windows[i]),
    ...(read !== undefined ? { unreadPoints: read } : {}),
  }));
}

/** The score in plain JS from the fp32 export's weights and the manifest's normalisation. */
function reference(fitted: FittedModel, w: Window): number {
  const c = MOULDING_CHANNELS.length;
  const { mean, std } = fitted.manifest.normalisation;
  const ae = autoencoderFromOnnx(fitted.fp32, 'fp32', c, W);
  const unread = new Set(w.unreadPoints);
  const read = W - unread.size;
  const x = new Float64Array(W * c);
  normaliseInto(w.data, { mean, std }, x);
  for (const p of unread) x.fill(0, p * c, (p + 1) * c);
  const y = ae.reconstruct(x, 1);
  let score = 0;
  for (let ch = 0; ch < c; ch++) {
    let sum = 0;
    for (let t = 0; t < W; t++) if (!unread.has(t)) sum += (y[t * c + ch] - x[t * c + ch]) ** 2;
    score += sum / read / c;
  }
  return score;
}

async function scores(fitted: FittedModel, precision: 'int8' | 'fp32', windows: Window[]): Promise<number[]> {
  const model = await AutoencoderModel.load(inMemoryModel(fitted, precision, 'test'), { asset: 'moulder' });
  try {
    return (await model.score(windows)).map((r) => r.score);
  } finally {
    await model.close();
  }
}

describe('a part model normalised by the mean curve (part_curve)', () => {
  it.each(['dense', 'conv1d'] as const)(
    '%s: scores as its JS reference, fp32 within float rounding and int8 near it, the points not read left out',
    async (arch) => {
      const fitted = await fit(3, arch);
      expect(fitted.manifest.normalisation.method).toBe('part_curve');
      expect(fitted.manifest.normalisation.mean).toHaveLength(W * MOULDING_CHANNELS.length);
      expect(fitted.manifest.normalisation.std).toHaveLength(MOULDING_CHANNELS.length);
      // The fresh recording's parts 2 to 6 (part 1 was running when it starts): part 2 a short shot, parts 4 and 5 read
      // up to their 20th and 31st points, part 6 not at its 12th to 15th (a missed poll mid-part).
      const windows = freshWindows([undefined, undefined, pastPoint(20), pastPoint(31), [12, 13, 14, 15]]);
      const expected = windows.map((w) => reference(fitted, w));
      const fp32 = await scores(fitted, 'fp32', windows);
      fp32.forEach((s, i) =>
        expect(Math.abs(s - expected[i]), `part ${i + 2}: ${s} against ${expected[i]}`).toBeLessThan(
          1e-4 * expected[i],
        ),
      );
      const int8 = await scores(fitted, 'int8', windows);
      // int8 within 2 % on the good parts; the short shot, beyond the activation ranges calibrated on the good parts,
      // lower by 13–14 % (dense 48.2 against 55.2, conv1d 43.3 against 50.1), still far above any threshold.
      int8.forEach((s, i) =>
        expect(Math.abs(s - expected[i]), `part ${i + 2}: ${s} against ${expected[i]}`).toBeLessThan(
          (i === 0 ? 0.15 : 0.02) * expected[i],
        ),
      );

      // What a part holds past the points read does not move its score, in either graph.
      const garbled = windows.map((w) => {
        const data = Float32Array.from(w.data);
        for (const p of w.unreadPoints ?? [])
          data.fill(1e4, p * MOULDING_CHANNELS.length, (p + 1) * MOULDING_CHANNELS.length);
        return { ...w, data };
      });
      expect(await scores(fitted, 'fp32', garbled)).toEqual(fp32);
      expect(await scores(fitted, 'int8', garbled)).toEqual(int8);
    },
  );

  it('is refused a window holding NaN or Inf of its own, which the mask would otherwise hide', async () => {
    const fitted = await fit(3);
    const [w] = freshWindows([pastPoint(20)]);
    const data = Float32Array.from(w.data);
    data[3] = Number.NaN;
    await expect(scores(fitted, 'int8', [{ ...w, data }])).rejects.toThrow(
      'model moulder: input window 0 contains NaN or Inf',
    );
  });

  it('is the same model, byte for byte, from the same seed (the denoising noise is seeded)', async () => {
    const [a, b, other] = [await fit(4), await fit(4), await fit(5)];
    expect(Buffer.from(a.int8).equals(Buffer.from(b.int8))).toBe(true);
    expect(Buffer.from(a.fp32).equals(Buffer.from(b.fp32))).toBe(true);
    expect(a.manifest).toEqual(b.manifest);
    expect(Buffer.from(a.fp32).equals(Buffer.from(other.fp32))).toBe(false);
  });
});

describe('an old part model (zscore, every part model shipped before part_curve)', () => {
  it('scores the held window as before: the points not read are scored as the part held them', async () => {
    // The press-ae shipped until 2026-12-07 (train --model press, zscore, no cut recorded), as gateways still hold it.
    const loaded = await loadManifest(ZSCORE_PRESS_AE);
    const { manifest } = loaded;
    expect(manifest.normalisation.method).toBe('zscore');
    const model = await AutoencoderModel.load(loaded, { asset: 'press' });
    try {
      const channels = manifest.input.channels.map((c) => c.name);
      const L = manifest.input.window_length;
      const golden: Window = {
        asset: 'press',
        channels,
        length: L,
        start: 0,
        end: 1,
        data: Float32Array.from(manifest.golden.input),
      };
      const [whole, lost] = await model.score([golden, { ...golden, unreadPoints: [3, 4, L - 2, L - 1] }]);
      expect(lost.score).toBe(whole.score);
      expect(Math.abs(whole.score - manifest.golden.score)).toBeLessThanOrEqual(manifest.golden.tolerance);
    } finally {
      await model.close();
    }
  });
});
