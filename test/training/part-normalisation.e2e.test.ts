/**
 * A part model measures each point of a cycle against how the good parts differ there: its mean curve and each
 * channel's spread about it (partNormalisation). Normalised over the whole cycle, a pressure's own swing set its sd
 * (hundreds of bar), so a short shot's 15 % lower peak counted less than a temperature's noise, and a material lot's
 * melt, 2 sd of its own part-to-part spread warmer, counted more (docs/detection-history.md, thirty-fifth session).
 */
import { describe, expect, it } from 'vitest';
import { scoreWindows } from '../../src/training/build-model.js';
import { csvParts } from '../../src/training/csv-parts.js';
import { partNormalisation } from '../../src/training/normalise.js';
import { fitMoulder, MOULDING_CHANNELS, MOULDING_CUT, mouldingPartsCsv } from '../helpers/moulding-parts.js';

describe("a part model normalised by the good parts' own spread at each point", () => {
  it('fails every short shot (a lower peak on one channel) and passes good parts of a new material lot', async () => {
    const { fitted } = await fitMoulder({ parts: 400, seed: 1, epochs: 60 });
    const shortShots = new Set([20, 40, 60, 80, 100]);
    const fresh = mouldingPartsCsv({ parts: 120, seed: 6, shortShot: shortShots, materialFrom: 61 });
    const parts = csvParts(fresh, 'fresh.csv', { ...MOULDING_CUT, windowLength: 32, channels: [...MOULDING_CHANNELS] });
    const scores = await scoreWindows(fitted.manifest, fitted.int8, 'model.int8.onnx', parts.windows);
    const failed = (keep: (id: number) => boolean) =>
      parts.partIds.filter((id, i) => keep(Number(id)) && scores[i] > fitted.manifest.score.threshold).map(Number);
    expect(failed((id) => shortShots.has(id))).toEqual([...shortShots]);
    // The new lot's good parts (61 to 120 but the two short shots), none rejected; nor the old lot's.
    expect(failed((id) => !shortShots.has(id))).toEqual([]);
  });
});

describe('partNormalisation', () => {
  it("takes each point's mean over the parts and each channel's sd about that mean curve", () => {
    // Two channels, two points: channel 0 rises 0 → 100 every part, ±1 around it; channel 1 sits at 5, ±2.
    const windows = [Float64Array.of(-1, 3, 99, 7), Float64Array.of(1, 7, 101, 3)];
    const { mean, std } = partNormalisation(windows, 2);
    expect(mean).toEqual([0, 5, 100, 5]);
    // Deviations ±1 (channel 0) and ±2 (channel 1) at both points: 4 squares over (2 - 1) × 2 points.
    expect(std[0]).toBeCloseTo(Math.sqrt(4 / 2), 12);
    expect(std[1]).toBeCloseTo(Math.sqrt(16 / 2), 12);
    expect(std).toHaveLength(2);
  });
});
