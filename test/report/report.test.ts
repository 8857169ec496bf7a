/** The HTML report's pure parts: escaping, decimation, gaps, log axes, spans, chart count, and writing the page. */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nameWithUnit, rangeText, shownUnit } from '../../src/report/channel-labels.js';
import { spansDecades, valueAxis } from '../../src/report/chart-scale.js';
import type { FileReport, ReportPage } from '../../src/report/report-data.js';
import { renderReport, writeReport } from '../../src/report/render-report.js';
import { drawnRuns, flaggedSpans, MAX_POLYLINE_POINTS } from '../../src/report/series-points.js';
import { timeSeriesChart } from '../../src/report/svg-chart.js';

const T0 = Date.UTC(2020, 2, 9, 10, 0, 0);

function fileReport(rows: number, over: Partial<FileReport> = {}): FileReport {
  return {
    file: 'valve1/3.csv',
    times: Float64Array.from({ length: rows }, (_, i) => T0 + i * 1000),
    channels: [{ name: 'Pressure', values: Float64Array.from({ length: rows }, (_, i) => Math.sin(i / 10)) }],
    score: Float64Array.from({ length: rows }, (_, i) => (i < 10 ? NaN : 1 + (i % 7) / 10)),
    threshold: 3,
    offThreshold: 2,
    trainRows: Math.floor(rows / 3),
    alarms: new Float64Array(rows),
    ...over,
  };
}

/** The `points` of every polyline with the given class, as [x, y] pairs. */
function polylines(svg: string, cls: string): number[][][] {
  return [...svg.matchAll(new RegExp(`<polyline points="([^"]*)" class="${cls}"`, 'g'))].map((m) =>
    m[1].split(' ').map((p) => p.split(',').map(Number)),
  );
}

function plotArea(svg: string): { top: number; bottom: number } {
  const m = /<rect class="plot-area" x="[\d.]+" y="([\d.]+)" width="[\d.]+" height="([\d.]+)"/.exec(svg);
  if (!m) throw new Error('no plot area in the chart');
  return { top: Number(m[1]), bottom: Number(m[1]) + Number(m[2]) };
}

function scoreChart(values: ArrayLike<number>): string {
  const x = Float64Array.from({ length: values.length }, (_, i) => T0 + i * 1000);
  const series = [{ name: 'score', values, colour: '#00f', cls: 'score' }];
  return timeSeriesChart({ cls: 'score-chart', label: 'score', width: 960, height: 230, x, xKind: 'time', series });
}

describe('why each alarm was raised', () => {
  it('lists each alarm with its time (UTC), score, label and top contributors, and counts those past 30', () => {
    const rows = 200;
    const alarms = Float64Array.from({ length: rows }, (_, i) => (i >= 50 && i < 60 ? 1 : 0));
    const labels = Float64Array.from({ length: rows }, (_, i) => (i >= 40 && i < 70 ? 1 : 0));
    const html = renderReport({
      title: 't',
      files: [
        fileReport(rows, {
          alarms,
          labels,
          trainRows: 0,
          alarmCauses: [
            {
              row: 50,
              top: [
                { channel: 'Pressure', share: 0.62, kind: 'level' },
                { channel: 'Flow <1>', share: 0.2, kind: 'residual' },
              ],
            },
            { row: 120, top: [] },
          ],
        }),
      ],
    });
    const table = /<table class="alarm-causes">.*?<\/table>/.exec(html)?.[0] ?? '';
    const cells = [
      ...table.matchAll(/<tr><td>(.*?)<\/td><td class="num">(.*?)<\/td><td>(.*?)<\/td><td>(.*?)<\/td><\/tr>/g),
    ];
    expect(cells.map((m) => m.slice(1))).toEqual([
      ['2020-03-09 10:00:50 UTC', '1.1', 'yes', 'Pressure 62% (level), Flow &#60;1&#62; 20% (residual)'],
      ['2020-03-09 10:02:00 UTC', '1.1', 'no: a false alarm', 'not scored'],
    ]);
    const many = Array.from({ length: 32 }, (_, k) => ({ row: 10 + k, top: [{ channel: 'Pressure', share: 1 }] }));
    const long = renderReport({ title: 't', files: [fileReport(rows, { alarmCauses: many })] });
    expect(long.match(/<tr><td>2020-03-09/g)).toHaveLength(30);
    expect(long).toContain('<p class="meta">and 2 more alarms</p>');
    expect(renderReport({ title: 't', files: [fileReport(rows)] })).not.toContain('alarm-causes');
    // The file's times and its charts' time axis say they are UTC (a historian's +01:00 times read an hour earlier).
    expect(html).toContain('<p class="meta">2020-03-09 10:00:00 → 2020-03-09 10:03:19 UTC · 200 rows');
    expect(html.match(/>time \(UTC\)</g)).toHaveLength(2);
  });

  it('says an alarm in the rows left out of the metrics is not measured, not a false alarm (alarm_in_fit_rows)', () => {
    // A plant's stop in the rows a model was fitted on raised an alarm there: the page called it "no: a false alarm",
    // while no figure counted it (false alarms/day counts the measured rows only).
    const rows = 200;
    const html = renderReport({
      title: 't',
      files: [
        fileReport(rows, {
          labels: new Float64Array(rows),
          trainRows: 100,
          alarmCauses: [
            { row: 30, top: [] },
            { row: 150, top: [] },
          ],
        }),
      ],
    });
    const table = /<table class="alarm-causes">.*?<\/table>/.exec(html)?.[0] ?? '';
    expect([...table.matchAll(/<td class="num">.*?<\/td><td>(.*?)<\/td>/g)].map((m) => m[1])).toEqual([
      'not measured: in the first 100 rows, left out of the metrics',
      'no: a false alarm',
    ]);
  });
});

describe('the report page escapes what comes from data', () => {
  it('shows a channel and a file named like HTML as text, never as markup', () => {
    const evil = '<script>alert(1)</script>';
    const file = fileReport(50, {
      file: 'a"><img src=x onerror=alert(2)>.csv',
      channels: [{ name: evil, values: new Float64Array(50) }],
    });
    const training = [{ title: evil, scores: [1, 2], threshold: 3, calibration: evil }];
    const html = renderReport({ title: `report ${evil}`, summary: { [evil]: evil }, files: [file], training });
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
    expect(html).toContain('data-file="a&#34;&#62;&#60;img src=x onerror=alert(2)&#62;.csv"');
  });
});

describe("a channel's unit where the report names the channel", () => {
  it('follows its range, cut to 10 characters there, and is whole in its tooltip', () => {
    expect(rangeText(12.5, 48.125, 'kscmh')).toBe('12.5 … 48.1 kscmh');
    expect(rangeText(0, 1, ' ')).toBe('0 … 1');
    expect(rangeText(0, 1)).toBe('0 … 1');
    expect(rangeText(Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 'bar')).toBe('no values');
    expect(shownUnit('mg/Nm3 dry 6% O2')).toBe('mg/Nm3 dr…');
    expect(nameWithUnit('FIC-101', ' kscmh ')).toBe('FIC-101 (kscmh)');
    expect(nameWithUnit('FIC-101', '')).toBe('FIC-101');
    expect(nameWithUnit('F', 'u'.repeat(100))).toBe(`F (${'u'.repeat(63)}…)`);
  });

  it('is drawn as text, never as markup, in the strip and in the table of channels', () => {
    const unit = '<b onmouseover=x>&"';
    const file = fileReport(50, { channels: [{ name: 'Pressure', values: new Float64Array(50), unit }] });
    const training = [
      { title: 't', scores: [1, 2], threshold: 3, calibration: 'c', channels: [{ name: 'Pressure', unit }] },
    ];
    const html = renderReport({ title: 'units', files: [file], training });
    expect(html).not.toContain('<b ');
    expect(html).toContain('<title>Pressure (&#60;b onmouseover=x&#62;&#38;&#34;)</title>');
    expect(html).toMatch(/class="strip-range"[^>]*>0 … 0 &#60;b onmous…<\/text>/);
    expect(html).toContain('<td>Pressure</td><td>&#60;b onmouseover=x&#62;&#38;&#34;</td>');
  });

  it('leaves out the table of channels where none has a unit', () => {
    const training = [
      { title: 't', scores: [1, 2], threshold: 3, calibration: 'c', channels: [{ name: 'Pressure', unit: '' }] },
    ];
    expect(renderReport({ title: 'no units', training })).not.toContain('channel-units');
  });
});

describe('long series are decimated', () => {
  const n = 100_000;
  const values = Float64Array.from({ length: n }, (_, i) => Math.sin(i / 500) + (i % 13) / 100);
  values[12_345] = -60;
  values[67_890] = 80;

  it('keeps at most MAX_POLYLINE_POINTS of 100,000 rows, the extreme minimum and maximum among them', () => {
    const runs = drawnRuns(values);
    expect(runs).toHaveLength(1);
    expect(runs[0].length).toBeLessThanOrEqual(MAX_POLYLINE_POINTS);
    expect(runs[0].length).toBeGreaterThan(MAX_POLYLINE_POINTS / 2);
    expect(runs[0]).toContain(12_345);
    expect(runs[0]).toContain(67_890);
    expect(runs[0]).toEqual([...runs[0]].sort((a, b) => a - b)); // in row order
  });

  it('draws the spikes of a 100,000-row series at the plot edges with at most MAX_POLYLINE_POINTS points', () => {
    const svg = scoreChart(values);
    const [line, ...more] = polylines(svg, 'score');
    expect(more).toHaveLength(0);
    expect(line.length).toBeLessThanOrEqual(MAX_POLYLINE_POINTS);
    const ys = line.map((p) => p[1]);
    const { top, bottom } = plotArea(svg);
    expect(Math.min(...ys)).toBeCloseTo(top, 0); // the 80 spike reaches the top
    expect(Math.max(...ys)).toBeCloseTo(bottom, 0); // the −60 spike the bottom
  });

  it('keeps a short series whole', () => {
    const short = Float64Array.from({ length: 300 }, (_, i) => i);
    expect(drawnRuns(short)[0]).toEqual(Array.from({ length: 300 }, (_, i) => i));
  });
});

describe('NaN leaves a gap', () => {
  it('splits the rows into runs at every NaN or infinity', () => {
    expect(drawnRuns([NaN, 1, 2, NaN, 3, 4, NaN, Infinity, 5, 6, NaN])).toEqual([
      [1, 2],
      [4, 5],
      [8, 9],
    ]);
  });

  it('draws one polyline per run, also when decimated', () => {
    const values = Float64Array.from({ length: 50_000 }, (_, i) => (i >= 20_000 && i < 21_000 ? NaN : Math.cos(i)));
    const lines = polylines(scoreChart(values), 'score');
    expect(lines).toHaveLength(2);
    const gapStart = Math.max(...lines[0].map((p) => p[0]));
    const gapEnd = Math.min(...lines[1].map((p) => p[0]));
    expect(gapEnd - gapStart).toBeGreaterThan(10); // 1,000 of 50,000 rows over about 870 px
  });
});

describe('the score axis', () => {
  it('is log when the positive values span more than two decades, ignoring zeros, negatives and NaN', () => {
    expect(spansDecades([0.01, 0.5, 2])).toBe(true);
    expect(spansDecades([0.5, 2, 40])).toBe(false);
    expect(spansDecades([0, -5, NaN, 0.5, 40])).toBe(false);
    expect(spansDecades([0.5, 2], [300])).toBe(true); // a threshold far above counts
    expect(valueAxis([0.002, 5, 700])).toEqual({ kind: 'log', lo: 0.001, hi: 1000 });
    expect(valueAxis([0.5, 2, 40])).toEqual({ kind: 'linear', lo: 0, hi: 40 });
    expect(valueAxis([-0.5, 0.001, 40])).toEqual({ kind: 'linear', lo: -10, hi: 40 }); // a signed series is never log on its own
  });

  it('draws a file whose score spans decades on a log axis, with scores ≤ 0 on its bottom', () => {
    const score = Float64Array.from({ length: 200 }, (_, i) => (i === 50 ? 0 : i === 60 ? -1 : i > 150 ? 400 : 0.05));
    const html = renderReport({ title: 't', files: [fileReport(200, { score })] });
    expect(html).toContain('<g class="y-axis log">');
    expect(html).toContain('score (log)');
    const svg = /<svg class="chart score-chart"[\s\S]*?<\/svg>/.exec(html)![0];
    const ys = polylines(svg, 'score')
      .flat()
      .map((p) => p[1]);
    expect(Math.max(...ys)).toBeCloseTo(plotArea(svg).bottom, 0);
  });

  it('stays linear for a score within two decades', () => {
    const html = renderReport({ title: 't', files: [fileReport(200)] });
    expect(html).toContain('<g class="y-axis">');
    expect(html).not.toContain('y-axis log');
  });
});

describe('spans and the page', () => {
  it('finds the spans of set flags, one past the last row at the end', () => {
    expect(flaggedSpans([0, 1, 1, 0, 0, 1])).toEqual([
      { from: 1, to: 3 },
      { from: 5, to: 6 },
    ]);
    expect(flaggedSpans([1, 1, 1, 1], 2)).toEqual([{ from: 0, to: 2 }]);
    expect(flaggedSpans(undefined)).toEqual([]);
  });

  it('has two charts per file and a loss curve and score histogram per trained model', () => {
    const page: ReportPage = {
      title: 't',
      files: [fileReport(100), fileReport(100, { file: 'b.csv' })],
      training: [
        {
          title: 'with loss',
          loss: { train: [3, 2, 1], validation: [3.5, 2.5, 1.5] },
          scores: [1, 1.2, 0.8],
          threshold: 2,
          calibration: 'p99.9 × 1.2',
        },
        { title: 'without loss', scores: [1, 1.2, 0.8], threshold: 2, calibration: 'fixed' },
      ],
    };
    const html = renderReport(page);
    expect(html.match(/<svg class="chart /g)).toHaveLength(2 * 2 + 2 + 1);
    expect(html.match(/<svg class="chart loss-chart"/g)).toHaveLength(1);
    expect(html.match(/<section class="file"/g)).toHaveLength(2);
  });

  it("says under a file's title what the charts cannot show (missing readings), escaped, only for that file", () => {
    const note = 'missing readings: Pressure 31 missing (first on line 7): 1 held at the last reading, 30 <not scored>';
    const html = renderReport({
      title: 't',
      files: [fileReport(50, { notes: [note] }), fileReport(50, { file: 'b.csv' })],
    });
    const sections = html.split('<section class="file"').slice(1);
    expect(sections[0]).toContain(`<p class="note">${note.replace('<', '&#60;').replace('>', '&#62;')}</p>`);
    expect(sections[1]).not.toContain('class="note"');
  });

  it("draws a fit curve over the points it names (the hybrid's ridges) with their caption and its own title", () => {
    const loss = {
      train: [0.5, 0.5, 0.52, 0.6, 0.8],
      validation: [0.9, 0.8, 0.7, 0.75, 0.85],
      x: [-4, -3, -2, -1, 0],
      xCaption: 'log10 ridge',
      label: 'error per ridge',
    };
    const html = renderReport({
      title: 't',
      training: [{ title: 'model', loss, scores: [1, 1.2, 0.8], threshold: 2, calibration: 'fixed' }],
    });
    const chart = html.match(/<svg class="chart loss-chart"[\s\S]*?<\/svg>/)?.[0] ?? '';
    expect(chart).toContain('aria-label="model: error per ridge"');
    expect(chart).toContain('>log10 ridge<');
    expect(chart).not.toContain('>epoch<');
    // The x axis spans the points given (−4 … 0), not epochs 1 … 5.
    expect(chart).toContain('>-4<');
    const epochs = renderReport({
      title: 't',
      training: [
        {
          title: 'model',
          loss: { train: [3, 2, 1], validation: [3, 2, 1] },
          scores: [1],
          threshold: 2,
          calibration: 'f',
        },
      ],
    });
    expect(epochs).toContain('aria-label="model: loss per epoch"');
    expect(epochs).toContain('>epoch<');
  });

  it('writes index.html into a new directory and returns its path', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'lw-report-')), 'nested', 'report');
    const page: ReportPage = { title: 'written', files: [fileReport(30)] };
    const path = await writeReport(dir, page);
    expect(path).toBe(join(dir, 'index.html'));
    expect(await readFile(path, 'utf8')).toBe(renderReport(page));
  });
});

describe('the colour key', () => {
  const key = (html: string): string[] =>
    [...(/<div class="legend-key">(.*?)<\/div>/.exec(html)?.[1] ?? '').matchAll(/<\/svg>([^<]+)<\/span>/g)].map(
      (m) => m[1],
    );

  it('names what the page draws: an eval page no loss curve, a train page no labels, alarms or scored rows', () => {
    expect(key(renderReport({ title: 'eval', files: [fileReport(50)] }))).toEqual([
      'anomaly score',
      'alarm on threshold',
      'alarm off threshold',
      'labelled anomaly',
      'alarm raised',
      'training rows (fitted on)',
    ]);
    const loss = { train: [1, 0.5], validation: [1.2, 0.6] };
    expect(
      key(
        renderReport({ title: 'train', training: [{ title: 'm', scores: [1], threshold: 3, calibration: 'c', loss }] }),
      ),
    ).toEqual(['alarm on threshold', 'alarm off threshold', 'validation loss']);
  });
});
