/**
 * Building blocks of the report's SVG charts (pure, strings in, strings out): escaping, the chart's
 * frame, axes with ticks and labels, polylines, shaded row spans and a legend. svg-chart.ts puts them together.
 */
import { axisTicks, formatNumber, formatTime, project, timeTicks, type Axis } from './chart-scale.js';
import { drawnRuns, MAX_POLYLINE_POINTS, type RowSpan } from './series-points.js';

/** The report's colours: one meaning each, the same in every chart and in the page legend. */
export const COLOURS = {
  line: '#1f5fa8',
  validation: '#138d75',
  label: '#f39c12',
  alarm: '#8e24aa',
  /** An alarm the sustain rule raised (the score above off for the sustain time, never above on). */
  sustain: '#ce93d8',
  train: '#9e9e9e',
  threshold: '#c62828',
  text: '#333333',
  muted: '#777777',
  grid: '#e6e6e6',
  frame: '#b0b0b0',
} as const;

/** Text or attribute value from data, safe inside HTML and inline SVG. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A pixel coordinate with one decimal at most: short to write, finer than the screen. */
export const px = (v: number): string => String(Math.round(v * 10) / 10);

/** Attribute values: numbers are pixels (written by px), strings are escaped, undefined leaves the attribute out. */
export type Attrs = Readonly<Record<string, string | number | undefined>>;

/** One SVG element: `<name a="…"/>`, or with content `<name a="…">content</name>` (content is markup, not escaped). */
export function el(name: string, attrs: Attrs, content?: string): string {
  let open = `<${name}`;
  for (const [k, v] of Object.entries(attrs))
    if (v !== undefined) open += ` ${k}="${typeof v === 'number' ? px(v) : escapeHtml(v)}"`;
  return content === undefined ? `${open}/>` : `${open}>${content}</${name}>`;
}

/** The plot area of a chart, in pixels. */
export interface Plot {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

/** A chart: `<svg class="chart cls">` with its label as title, around its parts. */
export function svgChart(cls: string, width: number, height: number, label: string, parts: readonly string[]): string {
  const attrs = {
    class: `chart ${cls}`,
    xmlns: 'http://www.w3.org/2000/svg',
    width,
    height,
    viewBox: `0 0 ${width} ${height}`,
    role: 'img',
  };
  const text = { 'aria-label': label, 'font-family': 'sans-serif', 'font-size': 11, fill: COLOURS.text };
  return el('svg', { ...attrs, ...text }, el('title', {}, escapeHtml(label)) + parts.join(''));
}

export function plotFrame(plot: Plot): string {
  return el('rect', {
    class: 'plot-area',
    x: plot.left,
    y: plot.top,
    width: plot.width,
    height: plot.height,
    fill: '#fff',
    stroke: COLOURS.frame,
  });
}

/**
 * Maps rows to x: row i at xs[i]; a span's right edge is the next row's x. The axis ends one step past
 * the last row (rows cover a stretch of time), or at the last row (`pastLast` false: epochs are points).
 */
export class RowX {
  readonly axis: Axis;
  constructor(
    private readonly xs: ArrayLike<number>,
    private readonly plot: Plot,
    pastLast = true,
  ) {
    const n = xs.length;
    const lo = n > 0 ? xs[0] : 0;
    this.axis = { kind: 'linear', lo, hi: pastLast || n < 2 ? this.edgeValue(n) : xs[n - 1] };
  }

  private edgeValue(i: number): number {
    const n = this.xs.length;
    if (n === 0) return 1;
    if (i < n) return this.xs[i];
    const step = n > 1 ? this.xs[n - 1] - this.xs[n - 2] : 1;
    return this.xs[n - 1] + (step > 0 ? step : 1);
  }

  /** The x pixel of row i. */
  at(i: number): number {
    return project(this.axis, this.xs[i], this.plot.left, this.plot.left + this.plot.width);
  }

  /** The x pixel of row i's left edge (i = rows: the right end). */
  edge(i: number): number {
    return project(this.axis, this.edgeValue(i), this.plot.left, this.plot.left + this.plot.width);
  }

  /** How many decimation buckets fit the plot: one per two pixels, at most half the polyline bound. */
  get buckets(): number {
    return Math.max(1, Math.min(MAX_POLYLINE_POINTS / 2, Math.floor(this.plot.width / 2)));
  }
}

/** How x values read: clock times, numbers, or whole numbers (epochs, rows: no ticks between them). */
export type XKind = 'time' | 'number' | 'integer';

const gridLine = (x1: number, x2: number, y1: number, y2: number): string =>
  el('line', { x1, x2, y1, y2, stroke: COLOURS.grid });

/** Vertical grid lines and labels under the plot. */
export function xAxis(plot: Plot, axis: Axis, kind: XKind, caption = ''): string {
  const bottom = plot.top + plot.height;
  let ticks: number[];
  let label: (v: number) => string;
  if (kind === 'time') {
    const t = timeTicks(axis.lo, axis.hi);
    ticks = t.ticks;
    label = (v) => formatTime(v, t.step);
  } else {
    ticks = axisTicks(axis, 8).filter((v) => kind === 'number' || Number.isInteger(v));
    label = (v) => formatNumber(v);
  }
  const parts = ticks.map((v) => {
    const x = project(axis, v, plot.left, plot.left + plot.width);
    return gridLine(x, x, plot.top, bottom) + el('text', { x, y: bottom + 13, 'text-anchor': 'middle' }, label(v));
  });
  if (caption)
    parts.push(
      el(
        'text',
        { x: plot.left + plot.width, y: bottom + 26, 'text-anchor': 'end', fill: COLOURS.muted },
        escapeHtml(caption),
      ),
    );
  return el('g', { class: 'x-axis' }, parts.join(''));
}

/** Horizontal grid lines and labels left of the plot. */
export function yAxis(plot: Plot, axis: Axis, caption = ''): string {
  const bottom = plot.top + plot.height;
  const parts = axisTicks(axis).map((v) => {
    const y = project(axis, v, bottom, plot.top);
    return (
      gridLine(plot.left, plot.left + plot.width, y, y) +
      el('text', { x: plot.left - 5, y, dy: '0.32em', 'text-anchor': 'end' }, formatNumber(v, 3))
    );
  });
  if (caption) {
    const [x, y] = [plot.left - 44, plot.top + plot.height / 2];
    parts.push(
      el(
        'text',
        { x, y, transform: `rotate(-90 ${px(x)} ${px(y)})`, 'text-anchor': 'middle', fill: COLOURS.muted },
        escapeHtml(caption),
      ),
    );
  }
  return el('g', { class: axis.kind === 'log' ? 'y-axis log' : 'y-axis' }, parts.join(''));
}

/**
 * One series as polylines, one per run of finite values (gaps at NaN), decimated to the plot's width.
 * Points sit on whole pixels in x (there is at most about one per pixel) and repeats are dropped: a
 * page of many long files stays a few MB.
 */
export function seriesLines(values: ArrayLike<number>, rowX: RowX, y: (v: number) => number, attrs: Attrs): string {
  return drawnRuns(values, rowX.buckets)
    .map((run) => {
      const pts: string[] = [];
      for (const i of run) {
        const pt = `${Math.round(rowX.at(i))},${px(y(values[i]))}`;
        if (pt !== pts[pts.length - 1]) pts.push(pt);
      }
      if (pts.length === 1) pts.push(`${Math.round(rowX.at(run[0])) + 1},${px(y(values[run[0]]))}`); // a lone value: a 1 px dash
      return el('polyline', { points: pts.join(' '), ...attrs });
    })
    .join('');
}

/** Row spans drawn as rectangles from y0 to y1 (the whole plot for shading, a lane for a band). */
export function spanRects(
  spans: readonly RowSpan[],
  rowX: RowX,
  y0: number,
  y1: number,
  cls: string,
  fill: string,
  opacity: number,
): string {
  return spans
    .map((s) => {
      const x = rowX.edge(s.from);
      const size = { x, y: y0, width: Math.max(1, rowX.edge(s.to) - x), height: y1 - y0 };
      return el('rect', { class: cls, 'data-rows': `${s.from}-${s.to}`, ...size, fill, 'fill-opacity': opacity });
    })
    .join('');
}

/** What a legend entry looks like: a line, a dashed line, a shaded box or a solid band. */
export interface LegendItem {
  readonly label: string;
  readonly colour: string;
  readonly mark: 'line' | 'dash' | 'shade' | 'band';
}

/** A legend item's mark, 18 px wide, centred on y. */
export function legendMark(mark: LegendItem['mark'], colour: string, x: number, y: number): string {
  if (mark === 'line' || mark === 'dash') {
    return el('line', {
      x1: x,
      x2: x + 18,
      y1: y,
      y2: y,
      stroke: colour,
      'stroke-width': 2,
      'stroke-dasharray': mark === 'dash' ? '5 3' : undefined,
    });
  }
  return el('rect', {
    x,
    y: y - 5,
    width: 18,
    height: 10,
    fill: colour,
    'fill-opacity': mark === 'shade' ? 0.3 : 0.85,
  });
}

/** A one-line legend from (x, y) rightwards; about 6 px per character of 11 px text. */
export function legend(items: readonly LegendItem[], x: number, y: number): string {
  let at = x;
  const parts = items.map((it) => {
    const part =
      legendMark(it.mark, it.colour, at, y) + el('text', { x: at + 23, y, dy: '0.32em' }, escapeHtml(it.label));
    at += 23 + it.label.length * 6 + 16;
    return part;
  });
  return el('g', { class: 'legend' }, parts.join(''));
}
