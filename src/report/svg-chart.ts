/**
 * The report's charts as SVG strings (pure): a time-series chart (lines, shaded row spans, alarm band,
 * horizontal thresholds, legend), stacked channel strips, a histogram with vertical thresholds and a
 * loss curve. Every chart is an `<svg class="chart …">` with a `rect.plot-area`; long series are
 * decimated to the plot's width (series-points.ts), NaN leaves a gap.
 */
import { finiteExtent, project, spansDecades, valueAxis, type Axis, type ScaleKind } from './chart-scale.js';
import { nameWithUnit, rangeText } from './channel-labels.js';
import type { TrainingReport } from './report-data.js';
import type { RowSpan } from './series-points.js';
import {
  COLOURS,
  el,
  escapeHtml,
  legend,
  plotFrame,
  RowX,
  seriesLines,
  spanRects,
  svgChart,
  xAxis,
  yAxis,
} from './svg-parts.js';
import type { LegendItem, Plot, XKind } from './svg-parts.js';

export interface LineSpec {
  readonly name: string;
  readonly values: ArrayLike<number>;
  readonly colour: string;
  /** Class of its polylines, e.g. "score". */
  readonly cls: string;
}

/** A threshold drawn across the plot (horizontal in a time series, vertical in a histogram). */
export interface ThresholdSpec {
  readonly value: number;
  readonly label: string;
  /** E.g. "threshold-on"; the line also gets class "threshold". */
  readonly cls: string;
  readonly dashed?: boolean;
}

/** Row spans shaded over the whole plot, or drawn as a solid band in a lane above it. */
export interface SpanLayer {
  readonly spans: readonly RowSpan[];
  readonly cls: string;
  readonly colour: string;
  readonly mode: 'shade' | 'band';
  readonly legend?: string;
}

/** What every row-based chart shares: its size, its x values (one per row) and its spans. */
export interface RowChartSpec {
  readonly cls: string;
  /** Read by screen readers and shown as the chart's tooltip. */
  readonly label: string;
  readonly width: number;
  /** Left margin: the same in charts stacked above each other keeps their x axes aligned. */
  readonly left?: number;
  readonly x: ArrayLike<number>;
  readonly xKind: XKind;
  readonly xCaption?: string;
  readonly spans?: readonly SpanLayer[];
}

export interface TimeSeriesSpec extends RowChartSpec {
  readonly height: number;
  readonly series: readonly LineSpec[];
  readonly yKind?: ScaleKind | 'auto';
  readonly yCaption?: string;
  readonly thresholds?: readonly ThresholdSpec[];
}

const RIGHT = 16;
const BAND_LANE = 10;
/** Space between the band lane and the plot below it (the top y tick label sits there). */
const LANE_GAP = 8;
const SHADE_OPACITY = 0.28;

function thresholdLegend(thresholds: readonly ThresholdSpec[]): LegendItem[] {
  return thresholds.map((t) => ({ label: t.label, colour: COLOURS.threshold, mark: t.dashed ? 'dash' : 'line' }));
}

function spanLegend(spans: readonly SpanLayer[]): LegendItem[] {
  return spans.flatMap((s) =>
    s.legend ? [{ label: s.legend, colour: s.colour, mark: s.mode === 'band' ? 'band' : 'shade' } as const] : [],
  );
}

/** The shaded layers behind the plot, and the band lane above it with its name on the left (one lane: band layers
 * share it). */
function spanLayers(spans: readonly SpanLayer[], rowX: RowX, plot: Plot): { shades: string; bands: string } {
  const bottom = plot.top + plot.height;
  const shades = spans
    .filter((s) => s.mode === 'shade')
    .map((s) => spanRects(s.spans, rowX, plot.top, bottom, s.cls, s.colour, SHADE_OPACITY));
  const bands = spans
    .filter((s) => s.mode === 'band')
    .map((s) => {
      const top = plot.top - BAND_LANE - LANE_GAP;
      const lane = el('rect', {
        class: 'lane',
        x: plot.left,
        y: top,
        width: plot.width,
        height: BAND_LANE,
        fill: '#f3f3f3',
      });
      const name = el(
        'text',
        { x: plot.left - 5, y: top + BAND_LANE / 2, dy: '0.32em', 'text-anchor': 'end', fill: s.colour },
        escapeHtml(s.legend ?? s.cls),
      );
      return lane + name + spanRects(s.spans, rowX, top, top + BAND_LANE, s.cls, s.colour, 0.85);
    });
  return { shades: shades.join(''), bands: bands.join('') };
}

/** A horizontal threshold line with its label: the on label above the line at the right, the off label under it (apart
 * when the two are close). */
function horizontalThreshold(t: ThresholdSpec, y: number, plot: Plot): string {
  const right = plot.left + plot.width;
  const line = {
    class: `threshold ${t.cls}`,
    x1: plot.left,
    x2: right,
    y1: y,
    y2: y,
    stroke: COLOURS.threshold,
    'stroke-width': 1.5,
  };
  const under = t.dashed === true && y + 14 < plot.top + plot.height; // else above its line at the left
  const at = !t.dashed || under ? { x: right - 4, 'text-anchor': 'end' } : { x: plot.left + 4 };
  const label = el(
    'text',
    { ...at, y, dy: under ? '1.05em' : '-0.35em', fill: COLOURS.threshold },
    escapeHtml(t.label),
  );
  return el('line', { ...line, 'stroke-dasharray': t.dashed ? '6 4' : undefined }) + label;
}

/** Lines over rows against a linear or log y axis (log on 'auto' when the values span more than two decades; ≤ 0 sits
 * on the axis). */
export function timeSeriesChart(spec: TimeSeriesSpec): string {
  const spans = spec.spans ?? [];
  const thresholds = (spec.thresholds ?? []).filter((t) => Number.isFinite(t.value));
  const top = spans.some((s) => s.mode === 'band') ? 22 + BAND_LANE + LANE_GAP : 22;
  const left = spec.left ?? 70;
  const plot: Plot = {
    left,
    top,
    width: spec.width - left - RIGHT,
    height: spec.height - top - (spec.xCaption ? 34 : 22),
  };
  const rowX = new RowX(spec.x, plot, spec.xKind === 'time');
  const extra = spec.series
    .flatMap((s) => Object.values(finiteExtent(s.values)))
    .concat(thresholds.map((t) => t.value));
  const yAx = valueAxis([], extra.filter(Number.isFinite), spec.yKind ?? 'auto');
  const y = (v: number): number => project(yAx, v, plot.top + plot.height, plot.top);
  const { shades, bands } = spanLayers(spans, rowX, plot);
  const lines = thresholds.map((t) => horizontalThreshold(t, y(t.value), plot));
  const series = spec.series.map((s) =>
    seriesLines(s.values, rowX, y, { class: s.cls, fill: 'none', stroke: s.colour, 'stroke-width': 1.3 }),
  );
  const seriesLegend = spec.series.map((s): LegendItem => ({ label: s.name, colour: s.colour, mark: 'line' }));
  const items = [...seriesLegend, ...thresholdLegend(thresholds), ...spanLegend(spans)];
  const axes = xAxis(plot, rowX.axis, spec.xKind, spec.xCaption) + yAxis(plot, yAx, spec.yCaption);
  const parts = [plotFrame(plot), shades, axes, lines.join(''), series.join(''), bands, legend(items, plot.left, 9)];
  return svgChart(spec.cls, spec.width, spec.height, spec.label, parts);
}

export interface StripsSpec extends RowChartSpec {
  readonly strips: readonly { readonly name: string; readonly values: ArrayLike<number>; readonly unit?: string }[];
}

const STRIP_HEIGHT = 30;
const STRIP_GAP = 6;
const NAME_CHARS = 20;

/** One channel's strip: its name and range (with its unit) on the left, its line scaled to its own range. */
function strip(
  { name, values, unit }: StripsSpec['strips'][number],
  rowX: RowX,
  plot: Plot,
  y0: number,
  last: boolean,
): string {
  const { min, max } = finiteExtent(values);
  const axis: Axis = { kind: 'linear', lo: min === max ? min - 1 : min, hi: min === max ? max + 1 : max };
  const y = (v: number): number => project(axis, v, y0 + STRIP_HEIGHT - 2, y0 + 2);
  const shown = name.length > NAME_CHARS ? `${name.slice(0, NAME_CHARS - 1)}…` : name;
  const range = rangeText(min, max, unit);
  const x = plot.left - 6;
  const label = el(
    'text',
    { class: 'strip-name', x, y: y0 + 11, 'text-anchor': 'end' },
    escapeHtml(shown) + el('title', {}, escapeHtml(nameWithUnit(name, unit))),
  );
  const sub = el(
    'text',
    { class: 'strip-range', x, y: y0 + 24, 'text-anchor': 'end', 'font-size': 9, fill: COLOURS.muted },
    escapeHtml(range),
  );
  const gap = y0 + STRIP_HEIGHT + STRIP_GAP / 2;
  const base = last
    ? ''
    : el('line', { x1: plot.left, x2: plot.left + plot.width, y1: gap, y2: gap, stroke: COLOURS.grid });
  return el(
    'g',
    { class: 'strip' },
    label + sub + base + seriesLines(values, rowX, y, { fill: 'none', stroke: '#2c3e50', 'stroke-width': 1 }),
  );
}

/** One strip per channel, each scaled to its own range (written under its name), over one shared x axis. */
export function stripsChart(spec: StripsSpec): string {
  const spans = spec.spans ?? [];
  const left = spec.left ?? 130;
  const top = spans.some((s) => s.mode === 'band') ? BAND_LANE + LANE_GAP + 4 : 4;
  const plotHeight = Math.max(1, spec.strips.length * (STRIP_HEIGHT + STRIP_GAP) - STRIP_GAP);
  const plot: Plot = { left, top, width: spec.width - left - RIGHT, height: plotHeight };
  const height = top + plotHeight + (spec.xCaption ? 34 : 22);
  const rowX = new RowX(spec.x, plot);
  const { shades, bands } = spanLayers(spans, rowX, plot);
  const last = spec.strips.length - 1;
  const strips = spec.strips.map((s, k) => strip(s, rowX, plot, plot.top + k * (STRIP_HEIGHT + STRIP_GAP), k === last));
  const axis = xAxis(plot, rowX.axis, spec.xKind, spec.xCaption);
  return svgChart(spec.cls, spec.width, height, spec.label, [plotFrame(plot), shades, axis, strips.join(''), bands]);
}

export interface HistogramSpec {
  readonly cls: string;
  readonly label: string;
  readonly width: number;
  readonly height: number;
  readonly values: readonly number[];
  readonly bins?: number;
  readonly thresholds?: readonly ThresholdSpec[];
  /** Counts on a log axis; 'auto': when they span more than two decades. */
  readonly logCount?: boolean | 'auto';
  readonly xCaption?: string;
  readonly legend?: string;
}

/** How many values fall in each of `bins` equal bins over the axis. */
export function binCounts(values: readonly number[], axis: Axis, bins: number): number[] {
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    const b = Math.floor(((v - axis.lo) / (axis.hi - axis.lo)) * bins);
    counts[Math.min(bins - 1, Math.max(0, b))]++;
  }
  return counts;
}

/** A vertical threshold line with its label at the top, on the side of the line that stays inside the plot. */
function verticalThreshold(t: ThresholdSpec, x: number, plot: Plot): string {
  const line = {
    class: `threshold ${t.cls}`,
    x1: x,
    x2: x,
    y1: plot.top,
    y2: plot.top + plot.height,
    stroke: COLOURS.threshold,
    'stroke-width': 1.5,
  };
  const side = x > plot.left + plot.width / 2 ? { dx: -3, 'text-anchor': 'end' } : { dx: 3 };
  const label = el(
    'text',
    { x, y: plot.top + (t.dashed ? 24 : 10), ...side, fill: COLOURS.threshold },
    escapeHtml(t.label),
  );
  return el('line', { ...line, 'stroke-dasharray': t.dashed ? '6 4' : undefined }) + label;
}

/** A histogram of values with vertical threshold lines; counts on a linear or log axis. */
export function histogramChart(spec: HistogramSpec): string {
  const thresholds = (spec.thresholds ?? []).filter((t) => Number.isFinite(t.value));
  const bins = spec.bins ?? 40;
  const plot: Plot = {
    left: 70,
    top: 22,
    width: spec.width - 70 - RIGHT,
    height: spec.height - 22 - (spec.xCaption ? 34 : 22),
  };
  const xAx = valueAxis(
    spec.values,
    thresholds.map((t) => t.value),
    'linear',
  );
  const counts = binCounts(spec.values, xAx, bins);
  const log = spec.logCount === 'auto' || spec.logCount === undefined ? spansDecades(counts) : spec.logCount;
  const maxCount = Math.max(1, ...counts);
  const yAx: Axis = log
    ? { kind: 'log', lo: 0.5, hi: 10 ** Math.max(1, Math.ceil(Math.log10(maxCount))) }
    : valueAxis(counts, [0], 'linear');
  const bottom = plot.top + plot.height;
  const barWidth = plot.width / bins;
  const bars = counts.map((c, i) => {
    const top = project(yAx, c, bottom, plot.top);
    const box = { x: plot.left + i * barWidth, y: top, width: Math.max(1, barWidth - 1), height: bottom - top };
    return c === 0 ? '' : el('rect', { class: 'bar', ...box, fill: COLOURS.line, 'fill-opacity': 0.75 });
  });
  const lines = thresholds.map((t) =>
    verticalThreshold(t, project(xAx, t.value, plot.left, plot.left + plot.width), plot),
  );
  const items: LegendItem[] = [
    { label: spec.legend ?? 'count', colour: COLOURS.line, mark: 'band' },
    ...thresholdLegend(thresholds),
  ];
  const axes = xAxis(plot, xAx, 'number', spec.xCaption) + yAxis(plot, yAx, log ? 'count (log)' : 'count');
  return svgChart(spec.cls, spec.width, spec.height, spec.label, [
    plotFrame(plot),
    axes,
    bars.join(''),
    lines.join(''),
    legend(items, plot.left, 9),
  ]);
}

/** Training and validation loss per epoch (or per the points loss.x names); log y when the loss falls over more than
 * two decades. */
export function lossChart(
  loss: NonNullable<TrainingReport['loss']>,
  width: number,
  height: number,
  label: string,
): string {
  const epochs = Math.max(loss.train.length, loss.validation.length);
  return timeSeriesChart({
    cls: 'loss-chart',
    label,
    width,
    height,
    x: loss.x ? Float64Array.from(loss.x) : Float64Array.from({ length: epochs }, (_, i) => i + 1),
    xKind: loss.x ? 'number' : 'integer',
    xCaption: loss.xCaption ?? 'epoch',
    yCaption: loss.yCaption ?? 'loss',
    series: [
      { name: loss.names?.train ?? 'training loss', values: loss.train, colour: COLOURS.line, cls: 'loss-train' },
      {
        name: loss.names?.validation ?? 'validation loss',
        values: loss.validation,
        colour: COLOURS.validation,
        cls: 'loss-validation',
      },
    ],
  });
}
