/**
 * A recording with a units row under its header (a plant historian's export): `eval --report` and `train --report`
 * show each channel's unit where a reliability engineer reads the channel, in headless Chromium: after its strip's
 * range (the strip's y axis), whole in its name's tooltip, and in the table of the model's channels. A unit is text
 * from a file: one written as markup (`<img src=x onerror=...>`) is shown as text, and loads nothing.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openFilePage } from '../helpers/browser.js';
import { ROOT, runCli, SKAB_RENAME } from '../helpers/cli.js';

/** SKAB's channels, in the order of its header, with a unit each; the last one hostile. */
const HOSTILE = '<img src=x onerror=alert(1)>';
const UNITS = ['g', 'g', 'A', 'bar', '°C', '°C', 'V', HOSTILE];
/** SKAB's channels as its header names them, and as a model trained with SKAB_RENAME does. */
const SKAB_CHANNELS = readFileSync(join(ROOT, 'data/skab/valve1/0.csv'), 'utf8').split('\n')[0].split(';').slice(1, 9);
const [renamedFrom, renamedTo] = SKAB_RENAME[1].split('=');
const CHANNELS = SKAB_CHANNELS.map((c) => (c === renamedFrom ? renamedTo : c));

/** A SKAB file with a units row under its header: blank under the time and the label columns. */
async function withUnitsRow(from: string, to: string): Promise<string> {
  const [header, ...rows] = (await readFile(join(ROOT, 'data/skab', from), 'utf8')).split('\n');
  const labels = header.split(';').length - 1 - UNITS.length;
  await writeFile(to, [header, ['', ...UNITS, ...Array(labels).fill('')].join(';'), ...rows].join('\n'));
  return to;
}

const FIT = ['--arch', 'dense', '--epochs', '2', '--train-rows', '400'];
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lw-report-units-'));
});

/** What a page shows of the channels: strips' ranges and tooltips, the tables of channels, and any <img>. */
async function shown(page: string) {
  const opened = await openFilePage(page);
  try {
    const drawn = await opened.page.evaluate(() => ({
      ranges: [...document.querySelectorAll('svg.channels-chart .strip-range')].map((t) => t.textContent ?? ''),
      tooltips: [...document.querySelectorAll('svg.channels-chart .strip-name title')].map((t) => t.textContent),
      tables: [...document.querySelectorAll('table.channel-units')].map((t) =>
        [...t.querySelectorAll('tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
      ),
      images: document.querySelectorAll('img').length,
    }));
    return { ...drawn, problems: opened.problems };
  } finally {
    await opened.close();
  }
}

/** Runs `linewatch ARGS --report OUT`: what its page shows, checked to have loaded nothing and to hold no <img>. */
async function reportOf(args: readonly string[], out: string) {
  const res = await runCli([...args, '--report', out]);
  expect(res.code, res.stderr).toBe(0);
  const page = await shown(join(out, 'index.html'));
  expect(page.problems).toEqual([]);
  expect(page.images).toBe(0);
  return page;
}

describe("a channel's unit on the report's pages", () => {
  it("eval --report: after each strip's range, whole in its tooltip, and in the fitted model's table", async () => {
    const csv = await withUnitsRow('valve1/0.csv', join(dir, 'valve.csv'));
    const page = await reportOf(['eval', '--data', csv, ...FIT], join(dir, 'eval'));
    // The range's unit is cut to 10 characters (the strip's label column is narrow); the tooltip has it whole.
    const drawnUnits = UNITS.map((u) => (u.length > 10 ? `${u.slice(0, 9)}…` : u));
    expect(page.ranges).toHaveLength(8);
    page.ranges.forEach((r, k) =>
      expect(r).toMatch(new RegExp(`^-?[\\d.]+ … -?[\\d.]+ ${escapeRegex(drawnUnits[k])}$`)),
    );
    expect(page.tooltips).toEqual(SKAB_CHANNELS.map((c, k) => `${c} (${UNITS[k]})`));
    expect(page.tables).toHaveLength(1);
    expect(page.tables[0].map(([, unit]) => unit)).toEqual(UNITS);
  }, 120_000);

  it('train --report: the table of the channels the model reads, in their units', async () => {
    const csv = await withUnitsRow('anomaly-free/anomaly-free.csv', join(dir, 'normal.csv'));
    const train = ['train', '--csv', csv, ...FIT, ...SKAB_RENAME, '--out', join(dir, 'model')];
    const page = await reportOf(train, join(dir, 'train'));
    expect(page.tables).toEqual([CHANNELS.map((c, k) => [c, UNITS[k]])]);
  }, 120_000);

  it("eval --model --report of a file without a units row: the units the model's manifest gives", async () => {
    const csv = await withUnitsRow('anomaly-free/anomaly-free.csv', join(dir, 'normal-for-model.csv'));
    const model = join(dir, 'model-for-eval');
    const trained = await runCli(['train', '--csv', csv, ...FIT, ...SKAB_RENAME, '--out', model]);
    expect(trained.code, trained.stderr).toBe(0);
    const skab = join(ROOT, 'data/skab/valve1/0.csv');
    const page = await reportOf(['eval', '--model', model, '--data', skab], join(dir, 'eval-model'));
    expect(page.tooltips).toEqual(CHANNELS.map((c, k) => `${c} (${UNITS[k]})`));
  }, 120_000);
});

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
