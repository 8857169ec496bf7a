/**
 * The pictures a user asks for: `linewatch eval --report` and `linewatch train --report` write a
 * self-contained HTML page, opened here from disk in headless Chromium: it loads with no error and
 * fetches nothing, and draws what the run measured (one section per file with its channels and its
 * score against the threshold, the labelled spans and the alarms; per fitted model its loss curve
 * and score distribution with the threshold).
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openFilePage } from '../helpers/browser.js';
import { ROOT, runCli, SKAB_RENAME } from '../helpers/cli.js';
import { generatePressDataset } from '../../src/training/press-dataset.js';

const SKAB = join(ROOT, 'data/skab');

describe('HTML reports from the command line', () => {
  it('eval --report: a section per file with channels, score, labelled spans and alarms, and each fitted model', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-eval-report-'));
    const res = await runCli(['eval', '--data', join(SKAB, 'valve2'), '--train-rows', '400', '--report', dir]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toBe(`report written to ${join(dir, 'index.html')}\n`);
    const opened = await openFilePage(join(dir, 'index.html'));
    try {
      const { page } = opened;
      const drawn = await page.evaluate(() => ({
        files: [...document.querySelectorAll<HTMLElement>('section.file')].map((s) => ({
          file: s.dataset.file,
          charts: s.querySelectorAll('svg.chart').length,
          labelled: s.querySelectorAll('svg.score-chart rect.span-label').length,
          alarms: s.querySelectorAll('svg.score-chart rect.span-alarm').length,
          strips: s.querySelectorAll('svg.channels-chart .strip-name').length,
          causes: [...s.querySelectorAll('table.alarm-causes tr td:last-child')].map((td) => td.textContent ?? ''),
        })),
        training: [...document.querySelectorAll('section.training')].map((s) => s.querySelectorAll('svg.chart').length),
        sizes: [...document.querySelectorAll('svg.chart')].map(
          (s) => s.getBoundingClientRect().width * s.getBoundingClientRect().height,
        ),
        summary: document.body.textContent ?? '',
      }));
      expect(opened.problems).toEqual([]);
      expect(drawn.files.map((f) => f.file)).toEqual(['0.csv', '1.csv', '2.csv', '3.csv']);
      for (const f of drawn.files) {
        expect(f.charts).toBe(2);
        expect(f.strips).toBe(8);
        expect(f.labelled).toBeGreaterThan(0);
      }
      // The hybrid detects at least one fault in these files: its alarms are drawn, and each is listed with the SKAB
      // channels behind it, as the gateway's alarm message names them.
      expect(drawn.files.some((f) => f.alarms > 0)).toBe(true);
      const channel = '(Accelerometer[12]RMS|Current|Pressure|Temperature|Thermocouple|Voltage|Volume Flow RateRMS)';
      const share = new RegExp(`^${channel} \\d+% \\((residual|level|variability)\\)$`);
      for (const f of drawn.files) {
        expect(f.causes.length > 0).toBe(f.alarms > 0);
        for (const cell of f.causes) for (const c of cell.split(', ')) expect(c).toMatch(share);
      }
      // Each file's fitted hybrid: loss curve and score distribution.
      expect(drawn.training).toEqual([2, 2, 2, 2]);
      for (const area of drawn.sizes) expect(area).toBeGreaterThan(20_000);
      expect(drawn.summary).toMatch(/F1\s*0\.\d{3}/);
    } finally {
      await opened.close();
    }
  }, 120_000);

  it('train --report: the loss curve and the held-out score distribution with the calibrated thresholds', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-train-report-'));
    const out = await mkdtemp(join(tmpdir(), 'lw-train-report-model-'));
    const csv = join(SKAB, 'anomaly-free/anomaly-free.csv');
    const res = await runCli([
      'train',
      '--csv',
      csv,
      '--train-rows',
      '400',
      ...SKAB_RENAME,
      '--out',
      out,
      '--report',
      dir,
    ]);
    expect(res.code, res.stderr).toBe(0);
    const opened = await openFilePage(join(dir, 'index.html'));
    try {
      const charts = await opened.page.evaluate(() =>
        [...document.querySelectorAll('section.training svg.chart')].map((s) => s.getAttribute('class')),
      );
      expect(opened.problems).toEqual([]);
      expect(charts).toHaveLength(2);
      const text = await opened.page.evaluate(
        () => document.querySelector('section.training p.calibration')?.textContent ?? '',
      );
      expect(text).toMatch(/false alarm/);
    } finally {
      await opened.close();
    }
  }, 120_000);

  it("eval --report of a part model: a point per part, each curve's peak, bad parts labelled and failed parts raised", async () => {
    const data = await mkdtemp(join(tmpdir(), 'lw-parts-report-data-'));
    const ds = generatePressDataset({ files: 1, seed: 5 });
    await writeFile(join(data, 'press.csv'), ds.files[0].text);
    const dir = await mkdtemp(join(tmpdir(), 'lw-parts-report-'));
    const cut = ['--cycle-channel', 'cycle_active', '--part-id-channel', 'part_counter'];
    const res = await runCli(['eval', '--data', data, ...cut, '--train-rows', `${ds.trainRows}`, '--report', dir]);
    expect(res.code, res.stderr).toBe(0);
    const opened = await openFilePage(join(dir, 'index.html'));
    try {
      const drawn = await opened.page.evaluate(() => ({
        files: [...document.querySelectorAll<HTMLElement>('section.file')].map((s) => ({
          file: s.dataset.file,
          caption: s.querySelector('p')?.textContent ?? '',
          strips: [...s.querySelectorAll('svg.channels-chart .strip-name')].map((n) => n.textContent),
          labelled: s.querySelectorAll('svg.score-chart rect.span-label').length,
          alarms: s.querySelectorAll('svg.score-chart rect.span-alarm').length,
        })),
        training: [...document.querySelectorAll('section.training')].map((s) => s.querySelectorAll('svg.chart').length),
      }));
      expect(opened.problems).toEqual([]);
      expect(drawn.files).toHaveLength(1);
      const [f] = drawn.files;
      expect(f.file).toBe('press.csv');
      // Each strip's name, shortened to fit, then whole in its tooltip.
      expect(f.strips).toEqual([
        expect.stringMatching(/force \(peak in each part\)$/),
        expect.stringMatching(/position \(peak in each part\)$/),
      ]);
      expect(f.caption).toMatch(/ · 30\d parts · 1 labelled span · \d+ alarms?$/);
      expect(f.labelled).toBe(1);
      expect(f.alarms).toBeGreaterThan(0);
      expect(drawn.training).toEqual([2]);
    } finally {
      await opened.close();
    }
  }, 120_000);
});
