/**
 * What a newcomer's walk through train and eval found the pages saying wrong, opened in Chromium: a hybrid's train
 * page drew its ridge cross-validation as "training loss / validation loss", called every window's out-of-fold score
 * "held-out", showed its target as JSON and "1 false alarms/day", and left out why the alarm sits far above the normal
 * scores; an eval --model page said "fitted on the first 400" of rows its model never saw.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openFilePage } from '../helpers/browser.js';
import { ROOT, runCli, SKAB_RENAME } from '../helpers/cli.js';

const CSV = join(ROOT, 'data/skab/anomaly-free/anomaly-free.csv');
const VALVE = join(ROOT, 'data/skab/valve1/1.csv');

/** eval --arch stats on `data`'s files, fitted on their first 400 rows, its page at `report`. */
const evalStats = (data: string, report: string, ...more: string[]) =>
  runCli(['eval', '--arch', 'stats', '--data', data, '--train-rows', '400', ...more, '--report', report]);

/** What a page shows a reader: the colour key, the summary, and each section's text and chart labels. */
async function readPage(path: string) {
  const opened = await openFilePage(path);
  try {
    const shown = await opened.page.evaluate(() => {
      const texts = (root: ParentNode, selector: string) =>
        [...root.querySelectorAll(selector)].map((n) => n.textContent ?? '');
      return {
        key: texts(document, '.legend-key span'),
        summary: Object.fromEntries(
          [...document.querySelectorAll('table.summary tr')].map((r) => [
            r.querySelector('th')?.textContent,
            r.querySelector('td')?.textContent,
          ]),
        ),
        calibration: texts(document, 'section.training p.calibration'),
        lead: texts(document, 'section.training p.lead'),
        // The technical account is folded: its <details> closed, the calibration inside it.
        folded: [...document.querySelectorAll('section.training details.technical')].map(
          (d) => !(d as HTMLDetailsElement).open && d.querySelector('p.calibration') !== null,
        ),
        notes: texts(document, 'section.training p.note'),
        pageNotes: texts(document, 'section#notes p.note'),
        summaryNotes: texts(document, 'p.summary-note'),
        fileMetrics: texts(document, 'section.file table.metrics th'),
        trainingMeta: texts(document, 'section.training p.meta'),
        lossLegend: texts(document, 'svg.loss-chart g.legend text'),
        lossAxis: texts(document, 'svg.loss-chart g.y-axis text'),
        fileMeta: texts(document, 'section.file p.meta'),
        scoreLegend: texts(document, 'svg.score-chart g.legend text'),
      };
    });
    expect(opened.problems).toEqual([]);
    return shown;
  } finally {
    await opened.close();
  }
}

describe('the words of the train and eval pages', () => {
  it("a hybrid's train page: its fit per ridge, out-of-fold scores, its target in words and why on is extrapolated", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-newcomer-train-'));
    const res = await runCli([
      'train',
      '--csv',
      CSV,
      '--train-rows',
      '1500',
      '--rename',
      'auto',
      '--out',
      join(dir, 'model'),
      '--report',
      join(dir, 'report'),
    ]);
    expect(res.code, res.stderr).toBe(0);
    // The console says what the hybrid does with its rows: none held out.
    const windows =
      /^csv-hybrid: hybrid, (\d+) windows of 32×8, all fitted on, the alarm calibrated on every window's out-of-fold score; the \d+ windows in the last 375 rows also check int8 against fp32 and give the golden window; /m.exec(
        res.stderr,
      );
    expect(windows, res.stderr).not.toBeNull();
    const extrapolated =
      'the training rows span 25.0 min, less than the 1 day the alarm budget (1 false alarm a day) allows between ' +
      'two false alarms: the alarm level is extrapolated beyond anything the rows show';
    expect(res.stderr).toContain(`note: ${extrapolated}`);
    const page = await readPage(join(dir, 'report', 'index.html'));
    expect(page.summary.target).toBe('1 false alarm a day of normal operation');
    expect(page.summary.architecture).toBe('hybrid');
    // Each part of the section leads with what it means for the operator, the technical names after, folded.
    expect(page.lead[0]).toMatch(
      /^The alarm goes on when the anomaly score passes \d+\.\d{3}: set so that normal operation like the training data raises about 1 false alarm a day\. It goes off again once the score falls back below \d+\.\d{3} /,
    );
    expect(page.lead[0]).toContain(`passes ${page.summary.threshold}:`);
    expect(page.lead[1]).toMatch(/^The first chart shows how closely the model predicts each channel from the others/);
    expect(page.lead[1]).toContain(`None of the ${windows![1]} scores of normal operation it was checked on passes`);
    expect(page.folded).toEqual([true]);
    // Every line train said of the data and the fit is on the page too: --rename auto's names, the slow channels, the
    // budget the rows cannot show (before 2026-12-07 the slow-channel warning was on stderr only).
    const said = res.stderr
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('report written to '))
      .map((l) => l.replace(/^note: /, ''));
    expect(said).toContain('  "Volume Flow RateRMS" -> Volume_Flow_RateRMS');
    expect(said.some((l) => l.startsWith('most channels (5 of 8) were found slow: '))).toBe(true);
    expect(page.notes).toEqual(said);
    expect(page.calibration).toHaveLength(1);
    expect(page.calibration[0]).toContain(' for 1 false alarm/day at 86400 rows/day ');
    expect(page.calibration[0]).toMatch(/ the top \d+ of \d+ out-of-fold normal scores /);
    expect(page.trainingMeta).toEqual([
      `${windows![1]} normal windows, each scored out of fold (by a fit without it); 0 of them score above the on threshold (0 %).`,
    ]);
    expect(page.notes.some((n) => n.startsWith(extrapolated))).toBe(true);
    expect(page.lossLegend).toEqual(['in sample (fitted on every window)', 'out of fold (cross-validated)']);
    expect(page.lossAxis).toContain('mean squared error per value');
    expect(page.key).toEqual(['alarm on threshold', 'alarm off threshold', 'out of fold (cross-validated)']);
  }, 120_000);

  it('an eval --model page shades the first rows as left out of the metrics, an eval --arch page as fitted on', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-newcomer-eval-'));
    const model = join(dir, 'model');
    const trained = await runCli(['train', '--csv', CSV, '--train-rows', '1500', ...SKAB_RENAME, '--out', model]);
    expect(trained.code, trained.stderr).toBe(0);
    const scored = await runCli([
      'eval',
      '--model',
      model,
      '--data',
      VALVE,
      '--train-rows',
      '400',
      ...SKAB_RENAME,
      '--report',
      join(dir, 'model-report'),
    ]);
    expect(scored.code, scored.stderr).toBe(0);
    const byModel = await readPage(join(dir, 'model-report', 'index.html'));
    expect(byModel.fileMeta).toHaveLength(1);
    expect(byModel.fileMeta[0]).toContain(
      ' · 1145 rows · the first 400 left out of the metrics (the model was fitted elsewhere) · ',
    );
    expect(byModel.fileMeta[0]).not.toContain('fitted on');
    expect(byModel.key).toContain('rows left out of the metrics (the model was fitted elsewhere)');
    expect(byModel.key).not.toContain('training rows (fitted on)');
    expect(byModel.scoreLegend).toContain('left out of the metrics');
    // eval --arch fits on those rows, and says so; its summary says what the stats fit does with them.
    const fitted = await evalStats(VALVE, join(dir, 'arch-report'));
    expect(fitted.code, fitted.stderr).toBe(0);
    expect(fitted.stdout).toContain(
      'detector: stats, fitted on the first 400 rows of each file (all fitted on, the alarm calibrated on every ' +
        "window's out-of-fold score; the last 25 % also check int8 against fp32 and give the golden window), alarm " +
        'calibrated for 1 false alarm a day of normal operation;',
    );
    const byArch = await readPage(join(dir, 'arch-report', 'index.html'));
    expect(byArch.pageNotes).toEqual([]);
    // What FAR and false alarms/day count, under the summary, and the FP rows of alarms held past a span beside them.
    expect(byArch.summaryNotes).toEqual([
      'FAR % counts the rows labelled normal that an alarm covers, those of an alarm held past the end of a labelled ' +
        'span included (FP rows past a span); false alarms/day counts only the alarms that start outside any labelled ' +
        'span. A FAR above 0 with 0.0 false alarms/day is an alarm that lasted past the labelled fault.',
    ]);
    expect(byArch.summary['FP rows past a span']).toBe('0');
    expect(byArch.fileMetrics).toEqual(['F1', 'FAR %', 'spans detected', 'false alarms', 'FP rows past a span']);
    expect(byArch.fileMeta[0]).toContain(' · 1145 rows · fitted on the first 400 · ');
    expect(byArch.key).toContain('training rows (fitted on)');
    expect(byArch.scoreLegend).toContain('training rows');
  }, 180_000);

  it('an eval --arch --rename auto page lists every name --rename auto gave (stderr names the first three)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-newcomer-eval-names-'));
    const res = await evalStats(join(ROOT, 'data/skab/valve1'), join(dir, 'report'), '--rename', 'auto');
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toContain(
      `--data ${join(ROOT, 'data/skab/valve1')}: --rename auto read 1 column(s) under names a gateway configuration takes: "Volume Flow RateRMS" as Volume_Flow_RateRMS\n`,
    );
    const page = await readPage(join(dir, 'report', 'index.html'));
    // Said once for the files that share a header, naming the first of them.
    expect(page.pageNotes).toEqual([
      `--data ${join(ROOT, 'data/skab/valve1')}: --rename auto read 1 column(s) of 0.csv (and of every file with its header) under names a gateway configuration takes; name the channels so there:`,
      '  "Volume Flow RateRMS" -> Volume_Flow_RateRMS',
    ]);
  }, 180_000);
});
