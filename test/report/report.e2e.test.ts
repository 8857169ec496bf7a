/**
 * The HTML report as a user sees it: written by writeReport, opened from disk in headless Chromium
 * (puppeteer-core driving the system browser; `bash scripts/install-test-deps.sh` installs it, env
 * CHROMIUM_PATH overrides the path). It must load with no error and fetch nothing, draw every chart,
 * not be blank, and put the thresholds, labelled spans and alarm bands where the data says.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileReport, ReportPage } from '../../src/report/report-data.js';
import { writeReport } from '../../src/report/render-report.js';
import { openFilePage, type OpenedPage } from '../helpers/browser.js';

const ROWS = 600;
const T0 = Date.UTC(2020, 2, 9, 10, 0, 0);

/** A file whose score rises inside `anomaly` (labelled there) and an alarm raised over `alarm`. */
function syntheticFile(file: string, anomaly: [number, number], alarm: [number, number]): FileReport {
  const inside = (i: number, [a, b]: [number, number]): boolean => i >= a && i < b;
  const noise = (i: number) => ((i * 7919) % 13) / 20;
  const channel = (k: number) =>
    Float64Array.from(
      { length: ROWS },
      (_, i) => 20 * k + Math.sin(i / 25 + k) * 3 + (inside(i, anomaly) ? 6 : 0) + noise(i),
    );
  return {
    file,
    times: Float64Array.from({ length: ROWS }, (_, i) => T0 + i * 1000),
    channels: ['Accelerometer1RMS', 'Pressure', 'Temperature'].map((name, k) => ({ name, values: channel(k) })),
    score: Float64Array.from({ length: ROWS }, (_, i) =>
      i < 30 ? NaN : inside(i, alarm) ? 6 + (i % 5) : 0.5 + ((i * 31) % 17) / 17,
    ),
    threshold: 3,
    offThreshold: 2,
    trainRows: 200,
    labels: Float64Array.from({ length: ROWS }, (_, i) => (inside(i, anomaly) ? 1 : 0)),
    alarms: Float64Array.from({ length: ROWS }, (_, i) => (inside(i, alarm) ? 1 : 0)),
    metrics: { f1: 0.8571, far: 1.25, alarms: 1 },
  };
}

// valve1/3.csv: the alarm starts 12 rows into the labelled anomaly. valve2/0.csv: a false alarm after its anomaly.
const FILES = [
  syntheticFile('valve1/3.csv', [300, 380], [312, 380]),
  syntheticFile('valve2/0.csv', [100, 150], [450, 480]),
];
const decay = (from: number, to: number): number[] =>
  Array.from({ length: 30 }, (_, i) => from * Math.exp(-i / 6) + to);
const PAGE: ReportPage = {
  title: 'linewatch eval: synthetic',
  summary: { files: 2, f1: 0.8571, precision: 'int8' },
  training: [
    {
      title: 'hybrid model synthetic',
      loss: { train: decay(2, 0.01), validation: decay(2.3, 0.02) },
      scores: Array.from({ length: 2000 }, (_, i) => 0.4 + ((i * 37) % 101) / 70),
      threshold: 3,
      offThreshold: 2,
      calibration: '99.9th percentile of 2,000 held-out normal windows, × 1.2',
    },
  ],
  files: FILES,
};

let opened: OpenedPage | undefined;
let page: Page;
let workDir: string;
/** Console errors, page errors, failed requests and any request but the page itself. */
let problems: string[] = [];

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'lw-report-e2e-'));
  opened = await openFilePage(await writeReport(join(workDir, 'report'), PAGE));
  ({ page, problems } = opened);
});

afterAll(async () => {
  await opened?.close();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

/** A chart's plot area and the rects of one class inside it, in page pixels. */
interface Drawn {
  plot: { x: number; y: number; width: number; height: number };
  rects: { x: number; width: number; y: number; height: number }[];
}

function drawn(file: string, chart: string, selector: string): Promise<Drawn> {
  return page.evaluate(
    (f, c, s) => {
      const section = [...document.querySelectorAll<HTMLElement>('section.file')].find((e) => e.dataset.file === f);
      const svg = section?.querySelector(`svg.${c}`);
      const area = svg?.querySelector('rect.plot-area');
      if (!svg || !area) throw new Error(`no ${c} in the section of ${f}`);
      const box = (e: Element) => {
        const r = e.getBoundingClientRect();
        return { x: r.x, y: r.y + window.scrollY, width: r.width, height: r.height };
      };
      return { plot: box(area), rects: [...svg.querySelectorAll(s)].map(box) };
    },
    file,
    chart,
    selector,
  );
}

/** The x pixel of a row's left edge: the time axis runs from the first row to one step past the last. */
const rowX = (plot: Drawn['plot'], row: number): number => plot.x + (plot.width * row) / ROWS;

describe('the HTML report in headless Chromium', () => {
  it('loads with no console error, no page error and no request but the file itself', () => {
    expect(problems).toEqual([]);
  });

  it('draws the charts the data implies, each with a visible size', async () => {
    const charts = await page.evaluate(() =>
      [...document.querySelectorAll('svg.chart')].map((svg) => {
        const r = svg.getBoundingClientRect();
        return {
          cls: svg.getAttribute('class'),
          width: r.width,
          height: r.height,
          section: svg.closest('section')?.id,
        };
      }),
    );
    // Per file: the channel strips and the score; for the trained model: the loss curve and the score histogram.
    expect(charts.map((c) => `${c.section} ${c.cls}`)).toEqual([
      'training-1 chart loss-chart',
      'training-1 chart score-histogram',
      'file-1 chart channels-chart',
      'file-1 chart score-chart',
      'file-2 chart channels-chart',
      'file-2 chart score-chart',
    ]);
    for (const c of charts) {
      expect(c.width).toBeGreaterThan(500);
      expect(c.height).toBeGreaterThan(100);
    }
    const strips = await page.evaluate(() =>
      [...document.querySelectorAll('section.file')].map(
        (s) => s.querySelectorAll('svg.channels-chart .strip-name').length,
      ),
    );
    expect(strips).toEqual([3, 3]);
  });

  it('is not blank: many colours, a good share of ink, and the alarm band colour is on screen', async () => {
    const png = await page.screenshot({ encoding: 'base64', fullPage: true });
    const viewer = await opened!.browser.newPage();
    const stats = await viewer.evaluate(async (data) => {
      const img = new Image();
      img.src = `data:image/png;base64,${data}`;
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = img.width;
      canvas.height = img.height;
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(img, 0, 0);
      const px = ctx.getImageData(0, 0, img.width, img.height).data;
      const colours = new Set<number>();
      let ink = 0;
      let alarm = 0;
      for (let i = 0; i < px.length; i += 4) {
        const [r, g, b] = [px[i], px[i + 1], px[i + 2]];
        colours.add((r << 16) | (g << 8) | b);
        if (r < 235 || g < 235 || b < 235) ink++;
        // purple: #8e24aa over white
        if (Math.abs(r - 0x8e) < 40 && g < 110 && Math.abs(b - 0xaa) < 40 && r > g + 40) alarm++;
      }
      return { width: img.width, height: img.height, colours: colours.size, ink: ink / (px.length / 4), alarm };
    }, png);
    await viewer.close();
    expect(stats.width).toBe(1040);
    expect(stats.height).toBeGreaterThan(1500);
    expect(stats.colours).toBeGreaterThan(200);
    expect(stats.ink).toBeGreaterThan(0.08);
    expect(stats.alarm).toBeGreaterThan(500); // two alarm bands per file, each ≥ 30 rows wide and 10 px high
  });

  it('shades the labelled anomaly and starts the alarm band inside it, in the right file section', async () => {
    const score = await drawn('valve1/3.csv', 'score-chart', 'rect.span-label');
    const alarm = await drawn('valve1/3.csv', 'score-chart', 'rect.span-alarm');
    expect(score.rects).toHaveLength(1);
    expect(alarm.rects).toHaveLength(1);
    const [label] = score.rects;
    const [band] = alarm.rects;
    expect(label.x).toBeCloseTo(rowX(score.plot, 300), 0);
    expect(label.x + label.width).toBeCloseTo(rowX(score.plot, 380), 0);
    expect(label.height).toBeCloseTo(score.plot.height, 0); // shaded over the whole plot
    expect(band.x).toBeGreaterThan(label.x);
    expect(band.x).toBeCloseTo(rowX(alarm.plot, 312), 0);
    expect(band.y + band.height).toBeLessThanOrEqual(alarm.plot.y); // a band in its lane above the plot
    // The channel strips above show the same alarm at the same x.
    const strips = await drawn('valve1/3.csv', 'channels-chart', 'rect.span-alarm');
    expect(strips.rects.map((r) => Math.round(r.x))).toEqual([Math.round(band.x)]);
  });

  it('shows the false alarm of the other file after its labelled span, and the training rows shaded from the start', async () => {
    const alarm = await drawn('valve2/0.csv', 'score-chart', 'rect.span-alarm');
    const label = await drawn('valve2/0.csv', 'score-chart', 'rect.span-label');
    const train = await drawn('valve2/0.csv', 'score-chart', 'rect.span-train');
    expect(alarm.rects.map((r) => Math.round(r.x))).toEqual([Math.round(rowX(alarm.plot, 450))]);
    expect(label.rects[0].x + label.rects[0].width).toBeLessThan(alarm.rects[0].x);
    expect(train.rects).toHaveLength(1);
    expect(train.rects[0].x).toBeCloseTo(train.plot.x, 0);
    expect(train.rects[0].width).toBeCloseTo((train.plot.width * 200) / ROWS, 0);
  });

  it('draws the on threshold above the off threshold, and the score crosses it only while the alarm is on', async () => {
    for (const f of FILES) {
      const on = await drawn(f.file, 'score-chart', 'line.threshold-on');
      const off = await drawn(f.file, 'score-chart', 'line.threshold-off');
      const [a] = (await drawn(f.file, 'score-chart', 'rect.span-alarm')).rects;
      expect(on.rects).toHaveLength(1);
      expect(off.rects).toHaveLength(1);
      const onY = on.rects[0].y;
      expect(onY).toBeGreaterThan(on.plot.y);
      expect(onY).toBeLessThan(off.rects[0].y);
      const above = await page.evaluate(
        (file, y) => {
          const section = [...document.querySelectorAll<HTMLElement>('section.file')].find(
            (e) => e.dataset.file === file,
          )!;
          const svg = section.querySelector<SVGSVGElement>('svg.score-chart')!;
          const toPage = svg.getBoundingClientRect();
          const xs: number[] = [];
          for (const line of section.querySelectorAll<SVGPolylineElement>('svg.score-chart polyline.score')) {
            for (const p of Array.from(line.points)) if (p.y + toPage.y + window.scrollY < y) xs.push(p.x + toPage.x);
          }
          return xs;
        },
        f.file,
        onY,
      );
      expect(above.length).toBeGreaterThan(10);
      for (const x of above) {
        expect(x).toBeGreaterThanOrEqual(a.x - 1);
        expect(x).toBeLessThanOrEqual(a.x + a.width + 1);
      }
    }
  });

  it('puts the on and off thresholds among the held-out normal scores of the trained model', async () => {
    const lines = await page.evaluate(() => {
      const svg = document.querySelector('#training-1 svg.score-histogram')!;
      const x = (sel: string) => svg.querySelector(sel)!.getBoundingClientRect().x;
      const bars = [...svg.querySelectorAll('rect.bar')].map((b) => b.getBoundingClientRect());
      return {
        on: x('line.threshold-on'),
        off: x('line.threshold-off'),
        bars: bars.length,
        lastBar: Math.max(...bars.map((b) => b.right)),
      };
    });
    expect(lines.bars).toBeGreaterThan(10);
    expect(lines.off).toBeLessThan(lines.on);
    expect(lines.lastBar).toBeLessThan(lines.on); // every normal window scores below the on threshold
  });
});
