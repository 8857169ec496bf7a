/** The stats and hybrid graphs compute in onnxruntime what detector-features.ts defines in JS. */
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/core/random.js';
import {
  autoencoderInput,
  componentRows,
  jointOnChannels,
  jointResidual,
  levelFeature,
  meanOverRows,
  normaliseRows,
  residualOverRows,
  slowChannels,
  variabilityFeature,
} from '../../src/training/detector-features.js';
import type { DetectorLayout } from '../../src/training/detector-graph.js';
import { fitLeaveOneOut, fitLeftOutFromKept } from '../../src/training/leave-one-out.js';
import { changeBeforeRows, leftOutResiduals, residualChange } from '../../src/training/residual-change.js';
import { DenseAutoencoder } from '../../src/training/dense-autoencoder.js';
import { encodeLayout, scoreBatch, scoreWindows } from '../helpers/detector-windows.js';

const C = 3;
const G = { windowLength: 12, k: 4, lag: 6, aeRows: 4 };
const MEAN_SD = [0.05, 0.5, 0.1];

function layout(hybrid: boolean): DetectorLayout {
  const base = {
    geometry: G,
    mean: [1, -2, 10],
    std: [2, 0.5, 4],
    slow: [false, true, false],
    level: { centre: [0.1, 0.2, -0.1], sd: [0.5, 0.3, 0.8] },
    variability: { floor: [0.05, 0.05, 0.1], centre: [-1, -0.5, -0.8], sd: [0.4, 0.6, 0.5] },
  };
  if (!hybrid) return base;
  return {
    ...base,
    residual: {
      centre: [0, 0, 0],
      sd: [0.3, 0.05, 0.2],
      meanSd: MEAN_SD,
      autoencoder: fitLeaveOneOut(
        Float64Array.from({ length: 60 * C }, (_, i) => Math.sin(i / C) * (1 + (i % C))),
        60,
        C,
        1e-2,
      ),
    },
  };
}

/** The graph's outputs for one window (`rows`, the whole window). */
async function run(l: DetectorLayout, rows: Float64Array) {
  const [out] = await scoreWindows(encodeLayout(l), rows, C, G.windowLength, [G.windowLength - 1]);
  return out;
}

describe('detector graphs', () => {
  const rng = new SeededRandom(5);
  const rows = Float64Array.from(
    { length: G.windowLength * C },
    (_, i) => [1, -2, 10][i % C] + rng.normal() * [2, 0.5, 4][i % C] + (i % C === 1 ? i / 10 : 0),
  );
  const l = layout(true);
  const x = normaliseRows(rows, l.mean, l.std);
  const end = G.windowLength - 1;
  const level = levelFeature(x, end, C, G, l.slow).map((v, ch) => Math.abs(v - l.level.centre[ch]) / l.level.sd[ch]);
  const variability = variabilityFeature(x, end, C, G.k, l.variability.floor).map(
    (v, ch) => Math.abs(v - l.variability.centre[ch]) / l.variability.sd[ch],
  );

  // The residual z of the hybrid's leave-one-out autoencoder on the window's last aeRows rows, as the graph computes
  // it: the RMS and the |signed mean| of the error, each in units of its spread.
  const input = new Float64Array(G.aeRows * C);
  autoencoderInput(x, end, C, G.aeRows, input, 0);
  const model = l.residual!.autoencoder;
  const reconstruction = model.reconstruct(input, G.aeRows);
  const rms = residualOverRows(input, reconstruction, 0, G.aeRows, C).map((v, ch) =>
    Math.max(0, (v - l.residual!.centre[ch]) / l.residual!.sd[ch]),
  );
  const mean = residualOverRows(input, reconstruction, 0, G.aeRows, C, 'mean').map(
    (v, ch) => Math.abs(v) / MEAN_SD[ch],
  );
  const own = rms.map((v, ch) => Math.max(v, mean[ch]));

  it('stats: level (change for the slow channel) and variability terms, the channel error their max, the score the largest', async () => {
    const out = await run(layout(false), rows);
    [...level, ...variability].forEach((v, i) => expect(out.terms[i]).toBeCloseTo(v, 3));
    out.channel.forEach((v, ch) => expect(v).toBeCloseTo(Math.max(level[ch], variability[ch]), 3));
    expect(out.score).toBeCloseTo(Math.max(...out.channel), 5);
  });

  it("hybrid: adds the residual (the leave-one-out autoencoder's error RMS or |mean|, in units of their spreads, one-sided) as the first kind", async () => {
    // The term is the larger of the two: the test needs each to win on some channel.
    expect(rms.some((v, ch) => v > mean[ch] + 0.5)).toBe(true);
    expect(mean.some((v, ch) => v > rms[ch] + 0.5)).toBe(true);
    const out = await run(l, rows);
    [...own, ...level, ...variability].forEach((v, i) => expect(out.terms[i]).toBeCloseTo(v, 3));
    expect(out.score).toBeCloseTo(Math.max(...own, ...level, ...variability), 3);
  });

  it("joint: the leave-one-out residual's RMS over the channels, standardised one-sided, joins the residual on each channel by its share", async () => {
    const linear = rms;
    // A standardisation that puts the joint residual at 1.5× the largest own term: it wins on the channel that weighs
    // most in it and not on every channel.
    const value = jointResidual(linear);
    const joint = { centre: value / 4, sd: (value * 0.75) / (1.5 * Math.max(...own)) };
    const shared = jointOnChannels(linear, Math.max(0, (value - joint.centre) / joint.sd));
    const residual = own.map((v, ch) => Math.max(v, shared[ch]));
    expect(residual.some((v, ch) => v > own[ch] + 0.5)).toBe(true);
    expect(residual.some((v, ch) => v === own[ch])).toBe(true);
    const out = await run({ ...l, residual: { ...l.residual!, joint } }, rows);
    [...residual, ...level, ...variability].forEach((v, i) => expect(out.terms[i]).toBeCloseTo(v, 3));
    expect(out.score).toBeCloseTo(Math.max(...residual, ...level, ...variability), 3);
    // A finite window whose residual z squares past float32's range (3e19 read as about 2e19 z): the score stays finite
    // (the window's own terms carry it; without the joint term's bound it was NaN).
    const wild = Float64Array.from(rows, (v, i) => (i === rows.length - 1 ? 3e19 : v));
    const far = await run({ ...l, residual: { ...l.residual!, joint } }, wild);
    expect(Number.isFinite(far.score)).toBe(true);
    expect(far.score).toBeGreaterThan(1e15);
    expect(far.terms.every(Number.isFinite)).toBe(true);
    // Below its centre the joint residual adds nothing: the terms are the model's own.
    const quiet = await run({ ...l, residual: { ...l.residual!, joint: { centre: value * 2, sd: 1 } } }, rows);
    [...own, ...level, ...variability].forEach((v, i) => expect(quiet.terms[i]).toBeCloseTo(v, 3));
  });

  it("residual change: the left-out channel's residual predicted from the kept ones, its last rows against the rows before, joins the residual", async () => {
    // Channel 1 left out: predicted from channels 0 and 2, scored on how far its residual over the last aeRows rows
    // moves from its mean over as many rows before them, in units of `sd`.
    const model = fitLeftOutFromKept(
      Float64Array.from({ length: 60 * C }, (_, i) => Math.sin(i / C) * (1 + (i % C)) + Math.cos(i / 7)),
      60,
      C,
      1e-2,
      [false, true, false],
    )!;
    const errors = leftOutResiduals(model, x, G.windowLength, C, [1]);
    const [moved] = residualChange(errors, end, 1, G.aeRows, changeBeforeRows(G.windowLength, G.aeRows));
    // A spread that puts the change at 1.5× the channel's own residual term: it wins there, and nowhere else.
    const change = { model, channels: [1], sd: [moved / (1.5 * Math.max(own[1], 1))] };
    const residual = own.map((v, ch) => (ch === 1 ? Math.max(v, moved / change.sd[0]) : v));
    expect(residual[1]).toBeGreaterThan(own[1] + 0.5);
    const out = await run({ ...l, residual: { ...l.residual!, change } }, rows);
    [...residual, ...level, ...variability].forEach((v, i) => expect(out.terms[i]).toBeCloseTo(v, 3));
    expect(out.score).toBeCloseTo(Math.max(...residual, ...level, ...variability), 3);
    // int8 weights: the change model's weights on the int8 grid, the term within a few percent of fp32.
    const int8 = await run({ ...l, residual: { ...l.residual!, change, int8Weights: true } }, rows);
    expect(Math.abs(int8.terms[1] / out.terms[1] - 1)).toBeLessThan(0.05);
    expect(int8.terms[1]).not.toBe(out.terms[1]);
  });

  it('residual change: two left-out channels, three windows in one batch, each as the JS computes it alone', async () => {
    // Channels 1 and 2 left out, each predicted from channel 0 (a model made by hand: the graph does not care how).
    const model0 = l.residual!.autoencoder;
    const model = DenseAutoencoder.fromLayers([
      {
        inputs: C,
        outputs: 2,
        relu: false,
        weights: Float64Array.of(0.8, -0.5, 0, 0, 0, 0),
        bias: Float64Array.of(0.1, -0.2),
      },
    ]);
    const change = { model, channels: [1, 2], sd: [0.0005, 0.0008] };
    const windows = [0, 1, 2].map((shift) =>
      Float64Array.from(
        rows,
        (v, i) => v + (i % C === 2 && Math.floor(i / C) >= G.windowLength - G.aeRows ? shift : 0),
      ),
    );
    const expected = windows.map((w) => {
      const xw = normaliseRows(w, l.mean, l.std);
      const errors = leftOutResiduals(model, xw, G.windowLength, C, [1, 2]);
      return residualChange(errors, end, 2, G.aeRows, changeBeforeRows(G.windowLength, G.aeRows)).map(
        (v, o) => v / change.sd[o],
      );
    });
    // The shift of channel 2 in its last rows must show, and differ between the windows.
    expect(expected[2][1]).toBeGreaterThan(expected[0][1] + 1);
    const batch = await scoreBatch(
      encodeLayout({ ...l, residual: { ...l.residual!, change } }),
      windows,
      C,
      G.windowLength,
    );
    // Each window's own residual terms (the leave-one-out autoencoder's RMS and |mean|), as above.
    const ownOf = (w: Float64Array) => {
      const xw = normaliseRows(w, l.mean, l.std);
      const inputW = new Float64Array(G.aeRows * C);
      autoencoderInput(xw, end, C, G.aeRows, inputW, 0);
      const rebuilt = model0.reconstruct(inputW, G.aeRows);
      const rmsW = residualOverRows(inputW, rebuilt, 0, G.aeRows, C);
      const meanW = residualOverRows(inputW, rebuilt, 0, G.aeRows, C, 'mean');
      return rmsW.map((v, ch) => Math.max(v / l.residual!.sd[ch], Math.abs(meanW[ch]) / MEAN_SD[ch]));
    };
    // The change sets channel 2's term where it is shifted (the test reads the change, not the own terms).
    expect(expected[2][1]).toBeGreaterThan(ownOf(windows[2])[2] + 0.5);
    batch.forEach((out, i) => {
      const own = ownOf(windows[i]);
      // float32 in the graph: equal to a few parts in a million (the terms run to thousands here)
      [1, 2].forEach((ch, o) =>
        expect(Math.abs(out.terms[ch] / Math.max(expected[i][o], own[ch]) - 1)).toBeLessThan(1e-5),
      );
    });
  });

  // Two components over the fast channels 0 and 2 (the slow channel 1 takes no part).
  const components = { count: 2, projection: [0.8, 0.6, 0, 0, 0.6, -0.8], share: [1, 0, 0.75, 0.75, 0, 1] };
  const spread = { components, floor: [0.01, 0.02], centre: [-3, 0.5], sd: [0.2, 0.3] };
  /** Each channel's variability term with the spread joined: the larger of its own and each component's z × share. */
  function variabilityWithSpread(): Float64Array {
    const y = componentRows(x, G.windowLength, C, components);
    const spreadZ = variabilityFeature(y, end, 2, G.windowLength - 1, spread.floor).map(
      (v, k) => Math.abs(v - spread.centre[k]) / spread.sd[k],
    );
    return variability.map((v, ch) =>
      Math.max(v, spreadZ[0] * components.share[ch], spreadZ[1] * components.share[C + ch]),
    );
  }

  it("spread: the components' variability over the whole window, on each channel by its share, joins the variability kind", async () => {
    const expected = variabilityWithSpread();
    // The test needs the spread to win on some channel and the channel's own variability on another.
    expect(expected.some((v, ch) => v > variability[ch] + 0.5)).toBe(true);
    expect(expected.some((v, ch) => v === variability[ch])).toBe(true);
    const out = await run({ ...layout(false), spread }, rows);
    [...level, ...expected].forEach((v, i) => expect(out.terms[i]).toBeCloseTo(v, 3));
    expect(out.score).toBeCloseTo(Math.max(...level, ...expected), 3);
  });

  it("window variability: each channel's variability over the whole window joins the variability kind, with the spread", async () => {
    const withSpread = variabilityWithSpread();
    // Centres that put channel 0's window variability 40 sds out and channel 2's 3 sds: it wins on channel 0 only.
    const whole = variabilityFeature(x, end, C, G.windowLength - 1, [0.05, 0.05, 0.1]);
    const windowVariability = {
      floor: [0.05, 0.05, 0.1],
      centre: [whole[0] - 4, whole[1], whole[2] + 0.3],
      sd: [0.1, 1, 0.1],
    };
    const own = whole.map((v, ch) => Math.abs(v - windowVariability.centre[ch]) / windowVariability.sd[ch]);
    const expected = withSpread.map((v, ch) => Math.max(v, own[ch]));
    expect(expected[0]).toBeGreaterThan(withSpread[0] + 1);
    expect(expected[2]).toBe(withSpread[2]);
    const out = await run({ ...layout(false), spread, windowVariability }, rows);
    [...level, ...expected].forEach((v, i) => expect(out.terms[i]).toBeCloseTo(v, 3));
    expect(out.score).toBeCloseTo(Math.max(...level, ...expected), 3);
  });

  it("component level: the components' |mean| over the whole window, on each channel by its part in it, joins the level kind", async () => {
    const quietSpread = { ...spread, sd: [100, 100] };
    const y = componentRows(x, G.windowLength, C, components);
    const means = meanOverRows(y, end, 2, G.windowLength);
    // Centres that put component 0 at z −5 and component 1 at +3 in this window.
    const sd = [0.1, 0.4];
    const componentLevel = { centre: [means[0] + 5 * sd[0], means[1] - 3 * sd[1]], sd };
    const z = [0, 1].map((k) => (means[k] - componentLevel.centre[k]) / sd[k]);
    const onChannels = (value: (k: number) => number, share: (k: number, ch: number) => number) =>
      [0, 1, 2].map((ch) => Math.max(level[ch], value(0) * share(0, ch), value(1) * share(1, ch)));
    // Each channel's part in the component's move in this window: |weight × (its mean over the window − its level
    // centre)|, over the component's largest part.
    const windowMean = meanOverRows(x, end, C, G.windowLength);
    const part = (k: number, ch: number) =>
      Math.abs(components.projection[ch * 2 + k] * (windowMean[ch] - l.level.centre[ch]));
    const byPart = (k: number, ch: number) => part(k, ch) / Math.max(...[0, 1, 2].map((c) => part(k, c)));
    const expected = onChannels((k) => Math.abs(z[k]), byPart);
    // ... not by the component's weights alone (before 2026-12-07).
    expect(expected).not.toEqual(
      onChannels(
        (k) => Math.abs(z[k]),
        (k, ch) => components.share[k * C + ch],
      ),
    );
    // The window must tell the term apart from a wrong one: without the share, or without the |·|.
    expect(expected).not.toEqual(
      onChannels(
        (k) => Math.abs(z[k]),
        () => 1,
      ),
    );
    expect(expected).not.toEqual(onChannels((k) => z[k], byPart));
    // ... and from the channels' own levels alone.
    expect(expected).not.toEqual(Array.from(level));
    const out = await run({ ...layout(false), spread: quietSpread, componentLevel }, rows);
    expected.forEach((v, i) => expect(out.terms[i]).toBeCloseTo(v, 3));
    // The spread (its sd 100) stays below each channel's own variability: the variability kind is unchanged.
    variability.forEach((v, i) => expect(out.terms[C + i]).toBeCloseTo(v, 3));
  });

  it('component level: a channel that weighs most in a component but did not move takes no part of its move (regression)', async () => {
    // The newcomer's pump skid (2026-12-07): Kaiser's rule kept a component of speed (−0.72) and vibration (0.68), two
    // channels of independent noise; a bearing fault raised vibration 3 to 8 sds, the component's level followed, and
    // the alarm listed "speed 32% (level)" second, weighing most in it, though speed stayed at 1480 ± 3 rpm.
    const pair = { count: 1, projection: [-0.72, 0, 0.68], share: [1, 0, 0.68 / 0.72] };
    const base = layout(false);
    const window = Float64Array.from({ length: G.windowLength * C }, (_, i) => {
      const ch = i % C;
      // Channel 0 (speed) at its centre; channel 2 (vibration) 3 sds up over the whole window.
      return base.mean[ch] + base.std[ch] * (base.level.centre[ch] + (ch === 2 ? 3 : 0));
    });
    const componentLevel = { centre: [0], sd: [0.2] };
    const quiet = { components: pair, floor: [0.01], centre: [0], sd: [100] };
    const out = await run({ ...base, spread: quiet, componentLevel }, window);
    const z = Math.abs(0.68 * (3 + base.level.centre[2]) - 0.72 * base.level.centre[0]) / 0.2;
    expect(out.terms[2]).toBeCloseTo(z, 3); // vibration carries the component's move
    expect(out.terms[0]).toBeCloseTo(0, 3); // speed, at its centre, takes none of it (before: z × 1)
    expect(out.score).toBeCloseTo(z, 3);
  });

  it('int8: the score is the largest term quantized over [0, range], within half a step of fp32, on the step grid', async () => {
    const fp32 = await run(l, rows);
    // As fit-detector.ts does: the range covers twice the largest term, so nothing saturates.
    const range = Math.max(32, 2 * Math.max(...fp32.terms));
    const int8 = await run({ ...l, termRange: range }, rows);
    const step = range / 255;
    expect(Math.abs(int8.score - fp32.score)).toBeLessThanOrEqual(step / 2 + 1e-4);
    expect(Math.abs(int8.score / step - Math.round(int8.score / step))).toBeLessThan(1e-3);
    expect(Math.abs(fp32.score / step - Math.round(fp32.score / step))).toBeGreaterThan(1e-3);
  });

  it('int8: terms above the range saturate the score, while channel_error and term_error keep their order', async () => {
    const fp32 = await run(l, rows);
    const sorted = [...fp32.channel].sort((a, b) => b - a);
    // A range below the two largest channels' terms: both saturate in the score.
    const range = sorted[1] * 0.9;
    const int8 = await run({ ...l, termRange: range }, rows);
    expect(int8.score).toBeCloseTo(range, 4);
    int8.channel.forEach((v, ch) => expect(v).toBeCloseTo(fp32.channel[ch], 5));
    int8.terms.forEach((v, i) => expect(v).toBeCloseTo(fp32.terms[i], 5));
    expect(sorted[0]).toBeGreaterThan(sorted[1]);
  });
});

describe('slow channels from the data', () => {
  it('finds a channel that warms up across the span, not one of noise around a level or a fast oscillation', () => {
    const rng = new SeededRandom(9);
    const n = 300;
    const rows = new Float64Array(n * 3);
    for (let t = 0; t < n; t++) {
      rows[t * 3] = rng.normal();
      rows[t * 3 + 1] = t / 30 + rng.normal() * 0.3;
      rows[t * 3 + 2] = Math.sin(t) * 2 + rng.normal() * 0.1;
    }
    const x = normaliseRows(rows, [0, 5, 0], [1, 3, 1.4]);
    const found = slowChannels(x, n, 3, 8, 32);
    expect(found.slow).toEqual([false, true, false]);
    expect(found.ratio[1]).toBeGreaterThan(3);
    expect(found.ratio[0]).toBeLessThan(0.6);
  });
});
