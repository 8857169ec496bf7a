/**
 * An alarm the sustain rule raised (the score above the off threshold for the sustain time, never above on) is marked
 * on the eval page in headless Chromium: shaded over the score chart where it was on, named in the page's colour key
 * and said in the file's notes; an alarm the score crossed on for is not.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileReport } from '../../src/report/report-data.js';
import { writeReport } from '../../src/report/render-report.js';
import { sustainedAlarms } from '../../src/report/series-points.js';
import { openFilePage, type OpenedPage } from '../helpers/browser.js';

const ROWS = 400;
const T0 = Date.UTC(2020, 2, 9, 10, 0, 0);
const inside = (i: number, [a, b]: [number, number]): boolean => i >= a && i < b;
/** Crossed on (3) over rows 100–130; held between off (2) and on over rows 250–300, the second alarm's span. */
const FILE: FileReport = {
  file: 'valve1/1.csv',
  times: Float64Array.from({ length: ROWS }, (_, i) => T0 + i * 1000),
  channels: [{ name: 'Pressure', values: Float64Array.from({ length: ROWS }, (_, i) => Math.sin(i / 20)) }],
  score: Float64Array.from({ length: ROWS }, (_, i) =>
    inside(i, [100, 130]) ? 5 : inside(i, [250, 300]) ? 2.6 + (i % 3) / 10 : 0.5,
  ),
  threshold: 3,
  offThreshold: 2,
  trainRows: 0,
  labels: new Float64Array(ROWS),
  alarms: Float64Array.from({ length: ROWS }, (_, i) => (inside(i, [101, 135]) || inside(i, [280, 305]) ? 1 : 0)),
  metrics: { alarms: 2 },
};

let opened: OpenedPage | undefined;
let page: Page;
let workDir: string;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'lw-report-sustain-'));
  opened = await openFilePage(await writeReport(join(workDir, 'report'), { title: 'sustain', files: [FILE] }));
  page = opened.page;
});

afterAll(async () => {
  await opened?.close();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('an alarm raised by the sustain rule', () => {
  it('is told from one the score crossed on for (pure)', () => {
    const alarms = [
      { from: 101, to: 135 },
      { from: 280, to: 305 },
    ];
    expect(sustainedAlarms(alarms, FILE.score, 3)).toEqual([{ from: 280, to: 305 }]);
    expect(sustainedAlarms(alarms, FILE.score, 2)).toEqual([]);
  });

  it('is shaded over the score chart where it was on, named in the colour key and said in the notes', async () => {
    expect(opened!.problems).toEqual([]);
    const seen = await page.evaluate(() => {
      const svg = document.querySelector('svg.score-chart')!;
      const area = svg.querySelector('rect.plot-area')!.getBoundingClientRect();
      const shades = [...svg.querySelectorAll('rect.span-alarm-sustain')].map((r) => r.getBoundingClientRect());
      return {
        plot: { x: area.x, width: area.width },
        shades: shades.map((r) => ({ x: r.x, width: r.width })),
        key: document.querySelector('.legend-key')!.textContent,
        notes: [...document.querySelectorAll('section.file p.note')].map((p) => p.textContent),
        bands: svg.querySelectorAll('rect.span-alarm').length,
      };
    });
    expect(seen.bands).toBe(2);
    expect(seen.shades).toHaveLength(1);
    const rowX = (row: number) => seen.plot.x + (seen.plot.width * row) / ROWS;
    expect(seen.shades[0].x).toBeCloseTo(rowX(280), 0);
    expect(seen.shades[0].x + seen.shades[0].width).toBeCloseTo(rowX(305), 0);
    expect(seen.key).toContain('alarm raised: above off for the sustain time (the score never above on)');
    expect(seen.notes).toEqual([
      '1 alarm of the 2 raised by the sustain rule: the score stayed above the off threshold for the sustain time ' +
        "(alarm.sustain_ms, by default the model's window span) without crossing on",
    ]);
  });
});
