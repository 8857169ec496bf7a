/**
 * Fits the stats and hybrid detectors on rows of normal operation (pure apart from scoring the
 * candidate graphs in onnxruntime): split the rows into training and held-out parts, find the slow
 * channels, standardise every term on the training windows, fit the hybrid's residual (fit-residual.ts),
 * export fp32 and int8 graphs, and return the cross-fitted scores of every window for the threshold
 * calibration (fit-detector.ts; the cross-fitting itself is cross-fit.ts).
 */
import { calmUnreadable, channelResolution, levelMinSd, variabilityScale } from './channel-resolution.js';
import {
  centreAndSpread,
  levelFeature,
  normaliseRows,
  slowChannels,
  typicalVariability,
  variabilityFeature,
  componentChannels,
  componentRows,
  meanOverRows,
  meanAbsDifference,
  type ComponentChannels,
  type DetectorGeometry,
} from './detector-features.js';
import type { TermKind } from '../core/types.js';
import { detectorGraph, termKinds, type DetectorLayout } from './detector-graph.js';
import { encodeOnnxModel } from './onnx-writer.js';
import { channelStats } from './sim-recording.js';
import { crossFitted, crossFittedZ, fewestWindowsToCompare, outOfFoldLevel, type LargestTerm } from './cross-fit.js';
import { fitResidual } from './fit-residual.js';
import { channelWindowVariability, wholeWindowVariability } from './window-variability.js';
import { splitAtJoins, windowEnds } from './segments.js';

export interface NormalRows {
  readonly channels: readonly string[];
  readonly periodMs: number;
  /** Time-major rows × channels. */
  readonly rows: Float64Array;
  readonly rowCount: number;
  /** Rows that start a segment (after a pause or left-out rows, segments.ts): no window spans one. */
  readonly segmentStarts?: readonly number[];
  /** Each row's index among the rows given before rows without every reading were left out (segments.ts), if any
   * were: how a message names a row. */
  readonly sourceRows?: readonly number[];
}

export interface StatisticalFitOptions {
  readonly hybrid: boolean;
  readonly geometry: DetectorGeometry;
  /** Rows at the end held out for the golden window and the int8 check (the hybrid's autoencoder learns from them
   * too). */
  readonly heldOutRows: number;
  /** Names of channels to treat as slow instead of finding them from the data. */
  readonly slowChannels?: readonly string[];
}

export interface StatisticalFit {
  readonly layout: DetectorLayout;
  readonly mean: number[];
  readonly std: number[];
  readonly slowR2: number[];
  /** Per channel: spread of the level across the training span / median spread within a window (slow above 1). */
  readonly slowRatio: number[];
  /** Per channel: the level term's out-of-fold scale (outOfFoldScale), by which its in-sample sd is widened. */
  readonly levelScale: number[];
  readonly trainWindows: number;
  readonly heldOutEnds: readonly number[];
  /** The hybrid's autoencoder, described for the manifest, and its fit over the ridges tried (ridgeCurve). */
  readonly autoencoder?: {
    readonly architecture: string;
    readonly ridgeCurve?: { readonly ridge: number[]; readonly train: number[]; readonly validation: number[] };
  };
  /**
   * Out-of-sample scores of every window for the calibration, one array per block in time order:
   * the rows are cut into CROSS_FIT_BLOCKS blocks; each window's level and variability terms are
   * standardised on the windows that do not overlap it (crossFittedZ: a drift across the span shows,
   * as it will in operation), and each block's residuals come from autoencoders fitted on the other
   * blocks' windows that share no row with it.
   */
  readonly calibrationSegments: readonly Float64Array[];
  /** The term and window behind the largest of those scores: what sets how high the alarm must sit. */
  readonly largestNormalTerm: NamedTerm;
  /** Graph bytes for a given term range (int8) or none (fp32). */
  readonly encode: (name: string, int8TermRange?: number) => Uint8Array;
}

export function fitStatistical(data: NormalRows, o: StatisticalFitOptions): StatisticalFit {
  const g = o.geometry;
  const c = data.channels.length;
  const n = data.rowCount;
  const split = n - o.heldOutRows;
  const W = g.windowLength;
  const starts = data.segmentStarts ?? [];
  const trainEnds = windowEnds(W - 1, split, W, starts);
  const heldOutEnds = windowEnds(split, n, W, starts);
  const inSegments = starts.length > 0 ? ` in ${starts.length + 1} segments (no window spans a break)` : '';
  // Where the breaks leave too few windows, what a person can change: the runs between them, or the channel that breaks
  // them (its missing readings leave rows out).
  const longest = Math.max(...[...starts, n].map((s, i) => s - (i > 0 ? starts[i - 1] : 0)));
  const shortSegments =
    starts.length > 0
      ? `; the longest segment has ${longest} rows${longest < W ? `, fewer than a window's ${W}` : ''}: learn from a recording with longer runs between its pauses, or leave out (--channels) a channel whose missing readings break it`
      : '';
  if (trainEnds.length < 20 || heldOutEnds.length < 20) {
    throw new Error(
      `${n} rows of normal operation${inSegments} are too few: a window is ${W} rows, and both the ${split} training and the ${o.heldOutRows} held-out rows need at least 20 windows (they give ${trainEnds.length} and ${heldOutEnds.length})${shortSegments}`,
    );
  }
  const allEnds = [...trainEnds, ...heldOutEnds];
  // Each window's terms are standardised on the windows that do not overlap it (crossFittedZ): at least 2 of them.
  if (allEnds.length < fewestWindowsToCompare(W)) {
    throw new Error(
      `${n} rows of normal operation${inSegments} are too few: a window is ${W} rows, and each window is compared with the windows that do not overlap it, which needs at least ${fewestWindowsToCompare(W)} windows (${fewestWindowsToCompare(W) + W - 1} rows in a row)${shortSegments}`,
    );
  }
  // Normalisation, slow channels and the terms' standardisation use every row; only the
  // autoencoder holds rows out (it is fitted on the training part), and the calibration is cross-fitted.
  const { mean, std } = channelStats(data);
  const x = normaliseRows(data.rows, mean, std);
  const found = slowChannels(x, n, c, g.k, W, starts);
  const slow = o.slowChannels ? data.channels.map((ch) => o.slowChannels!.includes(ch)) : found.slow;
  const levels = allEnds.map((e) => levelFeature(x, e, c, g, slow));
  // Quantised channels (integer registers, status words): no term is known more finely than one step allows.
  const resolution = channelResolution(x, n, c);
  const { floor, minSd: variabilityLeast } = variabilityScale(typicalVariability(x, c, g, allEnds), resolution, g.k);
  const least = [levelMinSd(resolution), variabilityLeast];
  const variabilities = allEnds.map((e) => variabilityFeature(x, e, c, g.k, floor));
  // The level term in units of its out-of-fold spread: a channel whose level wanders across the span is judged by how
  // far it wanders, so it neither sets the alarm for every other channel nor hides a fault on a steady one.
  // Each window's level and variability standardised on the windows that do not overlap it (the calibration's terms).
  const { z: levelZ, scale: levelScale, ...level } = outOfFoldLevel(W, levels, least[0]);
  // A quantised channel that sat still for k rows in the training rows has shown the calmest variability it can: its
  // variability counts only a rise (channel-resolution.ts: calmUnreadable).
  const oneSided = calmUnreadable(
    allEnds.map((e) => meanAbsDifference(x, e, c, g.k)),
    resolution,
    g.k,
  );
  const variabilityZ = oneSided.some((v) => v)
    ? crossFittedZ(W, variabilities, least[1], true).map((z) =>
        z.map((v, ch) => (oneSided[ch] ? Math.max(v, 0) : Math.abs(v))),
      )
    : crossFittedZ(W, variabilities, least[1]);
  const signedZ = [levelZ, variabilityZ];
  const termScale = [levelScale];
  const variability = {
    floor,
    ...centreAndSpread(variabilities, least[1]),
    ...(oneSided.some((v) => v) ? { oneSided } : {}),
  };
  const { spread: componentTerm, componentLevel, componentZ } = componentTerms(x, n, c, slow, g, allEnds);
  // Each channel's variability over the whole window: a random variation that the 8-row variability flickers with. Its
  // sd starts from the 8-row variability's, standardised above on the same windows.
  const { z: windowZ, term: windowVariability } = channelWindowVariability(
    x,
    n,
    c,
    g,
    allEnds,
    resolution,
    variability.sd,
  );
  // The fixed terms after the residual's: the components' (spread, then level), then the window variability.
  const statisticalZ = windowZ.map((z, w) => (componentZ ? Float64Array.of(...componentZ[w], ...z) : z));
  const base = {
    geometry: g,
    mean,
    std,
    slow,
    level,
    variability,
    ...(componentTerm ? { spread: componentTerm, componentLevel } : {}),
    windowVariability,
  };
  if (!o.hybrid) {
    const { segments, largest } = crossFitted(signedZ, statisticalZ, termScale);
    const calibrationSegments = splitAtJoins(segments, allEnds);
    return {
      layout: base,
      mean,
      std,
      slowR2: found.r2,
      slowRatio: found.ratio,
      levelScale,
      trainWindows: trainEnds.length,
      heldOutEnds,
      calibrationSegments,
      largestNormalTerm: nameLargest(largest, allEnds, data.channels, false, componentTerm?.components),
      encode: (name, range) => encode(name, { ...base, ...(range ? { termRange: range } : {}) }),
    };
  }
  const fitted = fitResidual(x, n, data.channels, g, allEnds, least[0], starts);
  const { segments, largest } = crossFitted(
    signedZ,
    fitted.z.map((r, i) => Float64Array.of(...r, ...statisticalZ[i])),
    termScale,
  );
  const calibrationSegments = splitAtJoins(segments, allEnds);
  const layout: DetectorLayout = { ...base, residual: fitted.residual };
  return {
    layout,
    mean,
    std,
    slowR2: found.r2,
    slowRatio: found.ratio,
    levelScale,
    trainWindows: trainEnds.length,
    heldOutEnds,
    calibrationSegments,
    largestNormalTerm: nameLargest(largest, allEnds, data.channels, true, componentTerm?.components),
    autoencoder: {
      architecture: fitted.architecture,
      ...(fitted.ridgeCurve ? { ridgeCurve: fitted.ridgeCurve } : {}),
    },
    encode: (name, range) => encode(name, range ? { ...layout, termRange: range, residual: fitted.int8 } : layout),
  };
}

/**
 * The component terms (detector-features.ts), standardised, with every window's z for the calibration (the spread's
 * then the level's, component by component).
 * - The spread: the component channels' variability over the whole window (window-variability.ts).
 * - The level: their mean over the whole window, standardised as each channel's level (on the windows that do not
 *   overlap it, in units of its out-of-fold spread), so a component that wanders with a slow disturbance is judged by
 *   how far it wanders.
 */
function componentTerms(
  x: Float64Array,
  n: number,
  c: number,
  slow: readonly boolean[],
  g: DetectorGeometry,
  ends: readonly number[],
): {
  spread?: NonNullable<DetectorLayout['spread']>;
  componentLevel?: NonNullable<DetectorLayout['componentLevel']>;
  componentZ?: Float64Array[];
} {
  const components = componentChannels(x, n, c, slow);
  const m = components.count;
  if (m === 0) return {};
  const y = componentRows(x, n, c, components);
  const { z: spreadZ, term: spread } = wholeWindowVariability(y, n, m, g, ends);
  const {
    z: levelZ,
    scale: levelScale,
    ...componentLevel
  } = outOfFoldLevel(
    g.windowLength,
    ends.map((e) => meanOverRows(y, e, m, g.windowLength)),
  );
  return {
    spread: { components, ...spread },
    componentLevel,
    componentZ: spreadZ.map((z, w) => Float64Array.of(...z, ...levelZ[w].map((v, i) => v / levelScale[i]))),
  };
}

/** The largest normal score named for a person: which channel's term, and the last row of its window. */
export interface NamedTerm {
  /** The channel; for a component's term, the channel that weighs most in the component. */
  readonly channel: string;
  readonly kind: TermKind;
  /** 0-based index of the window's last row among the rows fitted on. */
  readonly row: number;
  readonly z: number;
  /** 0-based index of the principal component whose term it is (the spread or the component level), if it is one. */
  readonly component?: number;
  /** Set for a channel's window variability (its variability over the whole window, not its last rows). */
  readonly wholeWindow?: true;
}

/** The term in words: "Current level", "Current variability (whole window)" (the window variability), or for a
 * component's term "level of the channels that move with Current (principal component 2)". */
export function describeTerm(term: Pick<NamedTerm, 'channel' | 'kind' | 'component' | 'wholeWindow'>): string {
  if (term.component !== undefined)
    return `${term.kind} of the channels that move with ${term.channel} (principal component ${term.component + 1})`;
  return `${term.channel} ${term.kind}${term.wholeWindow ? ' (whole window)' : ''}`;
}

/**
 * Names the largest cross-fitted term: level and variability by their channel; the fixed terms are the residual's
 * channels (hybrid), then the spread's components (variability) and the components' levels (level), a component named
 * by the channel that weighs most in it, then the channels' window variability (variability).
 */
export function nameLargest(
  largest: LargestTerm,
  ends: readonly number[],
  channels: readonly string[],
  hybrid: boolean,
  components?: ComponentChannels,
): NamedTerm {
  const row = ends[largest.window];
  const c = channels.length;
  if (largest.feature < 2)
    return {
      channel: channels[largest.entry],
      kind: largest.feature === 0 ? 'level' : 'variability',
      row,
      z: largest.z,
    };
  if (hybrid && largest.entry < c) return { channel: channels[largest.entry], kind: 'residual', row, z: largest.z };
  const entry = largest.entry - (hybrid ? c : 0);
  const m = components?.count ?? 0;
  // After the components' spread and level: each channel's window variability.
  if (entry >= 2 * m)
    return { channel: channels[entry - 2 * m], kind: 'variability', row, z: largest.z, wholeWindow: true };
  const component = entry % Math.max(1, m);
  const share = components ? components.share.slice(component * c, (component + 1) * c) : [];
  const heaviest = share.indexOf(Math.max(...share));
  return {
    channel: channels[Math.max(0, heaviest)],
    kind: entry < m ? 'variability' : 'level',
    row,
    z: largest.z,
    component,
  };
}

function encode(name: string, layout: DetectorLayout): Uint8Array {
  return encodeOnnxModel(detectorGraph(name, layout), {
    producerName: 'linewatch',
    producerVersion: '0.1.0',
    opset: 13,
  });
}

export { termKinds };
