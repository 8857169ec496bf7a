/**
 * The HTML report of `linewatch eval --report DIR` and `linewatch train --report DIR`: one self-contained
 * page (inline SVG and CSS, no script, nothing fetched). renderReport builds it (pure); writeReport
 * writes it to DIR/index.html.
 *
 * Layout: title, colour legend, summary table, then per trained model its loss curve and where its
 * thresholds sit among the scores of held-out normal windows, then per file its channels (one strip
 * each), its score against the thresholds, labelled spans, alarms and training rows, and its metrics.
 */
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { replaceFile } from '../core/replace-file.js';
import { formatDateTime, formatNumber, spansDecades } from './chart-scale.js';
import { shareText } from '../alarms/alarm-event.js';
import type { FileReport, ReportPage, TrainingReport } from './report-data.js';
import { flaggedSpans, sustainedAlarms, type RowSpan } from './series-points.js';
import {
  histogramChart,
  lossChart,
  stripsChart,
  timeSeriesChart,
  type SpanLayer,
  type ThresholdSpec,
} from './svg-chart.js';
import { alarmLevelWords, fitCurveWords, normalScoresWords } from './training-words.js';
import { COLOURS, el, escapeHtml, legendMark, type LegendItem, type XKind } from './svg-parts.js';

/** Width of every chart; the left margin is shared so that a file's strips and score line up in time. */
const CHART_WIDTH = 960;
const CHART_LEFT = 130;

const STYLE = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #222; background: #fafafa; margin: 0; }
main { max-width: 1000px; margin: 0 auto; padding: 16px 20px 48px; }
h1 { font-size: 22px; margin: 8px 0 12px; }
h2 { font-size: 17px; margin: 0 0 4px; word-break: break-all; }
section { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 12px 14px; margin: 16px 0; }
.meta, .calibration { color: #555; margin: 0 0 8px; }
.note { color: #8a4b00; margin: 0 0 8px; white-space: pre-wrap; }
.lead { margin: 0 0 8px; font-size: 15px; }
h3 { font-size: 14px; margin: 8px 0 4px; }
details.technical { margin: 0 0 8px; color: #555; }
details.technical summary { cursor: pointer; }
.calibration { white-space: pre-wrap; }
table { border-collapse: collapse; margin: 6px 0 10px; font-size: 13px; }
caption { text-align: left; color: #555; padding: 2px 0; }
th, td { border: 1px solid #e2e2e2; padding: 2px 8px; text-align: left; }
th { background: #f4f4f4; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.legend-key { display: flex; flex-wrap: wrap; gap: 6px 18px; margin: 0 0 8px; font-size: 13px; }
.legend-key span { display: inline-flex; align-items: center; gap: 6px; }
.charts { overflow-x: auto; }
svg.chart { display: block; margin: 4px 0; }
nav ul { display: flex; flex-wrap: wrap; gap: 4px 14px; list-style: none; padding: 0; margin: 4px 0; font-size: 13px; }
.empty { color: #a33; }
`;

/** A number for a table: whole numbers as they are, others to four significant digits. */
function formatValue(v: number | string): string {
  if (typeof v === 'string') return v;
  return Number.isInteger(v) ? String(v) : formatNumber(v, 4);
}

const valueCell = (v: number | string): string =>
  `<td${typeof v === 'number' ? ' class="num"' : ''}>${escapeHtml(formatValue(v))}</td>`;

/** Key → value, one row each (the page summary). */
function keyValueTable(cls: string, rows: Readonly<Record<string, number | string>>): string {
  const body = Object.entries(rows)
    .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th>${valueCell(v)}</tr>`)
    .join('');
  return body ? `<table class="${cls}">${body}</table>` : '';
}

/** Keys as a header row over their values (a file's metrics: one glance, little height). */
function metricsRow(metrics: Readonly<Record<string, number | string>> | undefined): string {
  const entries = Object.entries(metrics ?? {});
  if (entries.length === 0) return '';
  const head = entries.map(([k]) => `<th>${escapeHtml(k)}</th>`).join('');
  return `<table class="metrics"><tr>${head}</tr><tr>${entries.map(([, v]) => valueCell(v)).join('')}</tr></table>`;
}

function swatch(colour: string, mark: LegendItem['mark']): string {
  return el(
    'svg',
    { class: 'swatch', width: 18, height: 12, viewBox: '0 0 18 12', 'aria-hidden': 'true' },
    legendMark(mark, colour, 0, 6),
  );
}

/** Which colour is what, once for the whole page: what the page draws (an eval page no loss curve, a train page no
 * labels or alarms). */
/** A model folder's first rows (eval --model --train-rows): not fitted on here, only left out of the metrics. */
const SKIPPED_ROWS = 'rows left out of the metrics (the model was fitted elsewhere)';

/** What the sustain rule's alarms are, in the legend and on the chart. */
const SUSTAINED = 'alarm raised: above off for the sustain time (the score never above on)';

/** A file's alarms the sustain rule raised (sustainedAlarms). */
function sustainedOf(f: FileReport): RowSpan[] {
  const rows = f.times.length > 0 ? f.times.length : f.alarms.length;
  return sustainedAlarms(flaggedSpans(f.alarms, rows), f.score, f.threshold);
}

function colourKey(page: ReportPage): string {
  const files = page.files ?? [];
  const scored = files.length > 0;
  const fitted = files.some((f) => f.trainRows > 0 && f.trainRowsFitted !== false);
  const skipped = files.some((f) => f.trainRows > 0 && f.trainRowsFitted === false);
  // The validation curve by what it is (validation loss, or the hybrid's out-of-fold error), each name once.
  const validation = [
    ...new Set(
      (page.training ?? []).flatMap((t) =>
        t.loss && t.loss.validation.length > 0 ? [t.loss.names?.validation ?? 'validation loss'] : [],
      ),
    ),
  ];
  const all: [boolean, string, LegendItem['mark'], string][] = [
    [scored, COLOURS.line, 'line', 'anomaly score'],
    [true, COLOURS.threshold, 'line', 'alarm on threshold'],
    [true, COLOURS.threshold, 'dash', 'alarm off threshold'],
    [scored, COLOURS.label, 'shade', 'labelled anomaly'],
    [scored, COLOURS.alarm, 'band', 'alarm raised'],
    [files.some((f) => sustainedOf(f).length > 0), COLOURS.sustain, 'shade', SUSTAINED],
    [fitted, COLOURS.train, 'shade', 'training rows (fitted on)'],
    [skipped, COLOURS.train, 'shade', SKIPPED_ROWS],
    ...validation.map((name): [boolean, string, LegendItem['mark'], string] => [
      true,
      COLOURS.validation,
      'line',
      name,
    ]),
  ];
  const items = all.filter(([shown]) => shown).map(([, ...item]) => item);
  return `<div class="legend-key">${items.map(([c, m, text]) => `<span>${swatch(c, m)}${text}</span>`).join('')}</div>`;
}

function thresholdLines(on: number, off: number | undefined): ThresholdSpec[] {
  const lines: ThresholdSpec[] = [{ value: on, label: `on ${formatNumber(on, 3)}`, cls: 'threshold-on' }];
  if (off !== undefined && Number.isFinite(off))
    lines.push({ value: off, label: `off ${formatNumber(off, 3)}`, cls: 'threshold-off', dashed: true });
  return lines;
}

/** The channels a model reads with their units, where one has a unit (a CSV's units row); '' where none has. */
function channelUnitsTable(channels: TrainingReport['channels']): string {
  if (!channels?.some((c) => c.unit.trim() !== '')) return '';
  const rows = channels.map((c) => `<tr><td>${escapeHtml(c.name)}</td><td>${escapeHtml(c.unit.trim())}</td></tr>`);
  return (
    '<table class="channel-units"><caption>The channels the model reads, in their units</caption>' +
    `<thead><tr><th>channel</th><th>unit</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
  );
}

/** How the model works and how its alarm level was computed, in the fit's own words: folded under the plain ones. */
function technicalDetails(t: TrainingReport): string {
  const how = t.architecture ? `<p class="architecture">${escapeHtml(t.architecture)}</p>` : '';
  return (
    '<details class="technical"><summary>How the alarm level was computed (technical)</summary>' +
    `<p class="calibration">${escapeHtml(t.calibration)}</p>${how}</details>`
  );
}

function trainingSection(t: TrainingReport, index: number): string {
  const parts = [`<section class="training" id="training-${index + 1}"><h2>${escapeHtml(t.title)}</h2>`];
  parts.push(`<p class="lead">${escapeHtml(alarmLevelWords(t))}</p>`);
  const notes = t.notes ?? [];
  if (notes.length > 0)
    parts.push(
      '<h3>What to know about the data</h3>' + notes.map((n) => `<p class="note">${escapeHtml(n)}</p>`).join(''),
    );
  parts.push(technicalDetails(t));
  parts.push(channelUnitsTable(t.channels));
  const scores = t.scores.filter(Number.isFinite);
  const above = scores.filter((s) => s > t.threshold).length;
  const share = scores.length > 0 ? ` (${formatNumber((100 * above) / scores.length, 3)} %)` : '';
  const scoresAre = t.scoresAre ?? 'held-out normal windows';
  const curve = fitCurveWords(t.loss);
  parts.push(
    `<p class="lead">${curve ? `${escapeHtml(curve)} ` : ''}${escapeHtml(normalScoresWords(scores.length, above))}</p>`,
    `<p class="meta">${scores.length} ${escapeHtml(scoresAre)}; ${above} of them score above the on threshold${share}.</p><div class="charts">`,
  );
  if (t.loss && (t.loss.train.length > 0 || t.loss.validation.length > 0))
    parts.push(lossChart(t.loss, CHART_WIDTH, 240, `${t.title}: ${t.loss.label ?? 'loss per epoch'}`));
  parts.push(
    histogramChart({
      cls: 'score-histogram',
      label: `${t.title}: scores of ${scoresAre}`,
      width: CHART_WIDTH,
      height: 240,
      values: scores,
      thresholds: thresholdLines(t.threshold, t.offThreshold),
      logCount: 'auto',
      xCaption: 'score',
      legend: scoresAre,
    }),
  );
  parts.push('</div></section>');
  return parts.join('');
}

const count = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;

/** The rows' x: their times when they are usable (finite, in order, not all equal), else the row number. */
function rowAxis(f: FileReport, rows: number): { x: ArrayLike<number>; kind: XKind; caption: string } {
  const t = f.times;
  let ok = t.length === rows && rows > 0 && t[rows - 1] > t[0];
  for (let i = 0; ok && i < rows; i++) ok = Number.isFinite(t[i]) && (i === 0 || t[i] >= t[i - 1]);
  // Times are drawn in UTC (a historian's local times, +01:00, are an hour earlier here): said on the axis.
  if (ok) return { x: t, kind: 'time', caption: 'time (UTC)' };
  return { x: Float64Array.from({ length: rows }, (_, i) => i), kind: 'integer', caption: 'row' };
}

function fileSection(f: FileReport, index: number): string {
  const rows =
    f.times.length > 0 ? f.times.length : Math.max(f.score.length, ...f.channels.map((c) => c.values.length));
  const title = `<h2>${escapeHtml(f.file)}</h2>`;
  const open = `<section class="file" id="file-${index + 1}" data-file="${escapeHtml(f.file)}">`;
  if (rows === 0) return `${open}${title}<p class="empty">no rows</p>${metricsRow(f.metrics)}</section>`;
  const { x, kind, caption } = rowAxis(f, rows);
  const trainRows = Math.min(rows, Math.max(0, Math.floor(f.trainRows)));
  const labelled = flaggedSpans(f.labels, rows);
  const alarms = flaggedSpans(f.alarms, rows);
  const spans: SpanLayer[] = [
    {
      spans: trainRows > 0 ? [{ from: 0, to: trainRows }] : [],
      cls: 'span-train',
      colour: COLOURS.train,
      mode: 'shade',
      legend: f.trainRowsFitted === false ? 'left out of the metrics' : 'training rows',
    },
    { spans: labelled, cls: 'span-label', colour: COLOURS.label, mode: 'shade', legend: 'labelled anomaly' },
    { spans: alarms, cls: 'span-alarm', colour: COLOURS.alarm, mode: 'band', legend: 'alarm' },
  ];
  // An alarm the score never crossed on for puzzles a reader: shaded over the plot and said, with the rule.
  const sustained = sustainedAlarms(alarms, f.score, f.threshold);
  if (sustained.length > 0)
    spans.push({
      spans: sustained,
      cls: 'span-alarm-sustain',
      colour: COLOURS.sustain,
      mode: 'shade',
      legend: SUSTAINED,
    });
  const when = kind === 'time' ? `${formatDateTime(f.times[0])} → ${formatDateTime(f.times[rows - 1])} UTC · ` : '';
  const fitted =
    trainRows === 0
      ? ''
      : f.trainRowsFitted === false
        ? ` · the first ${trainRows} left out of the metrics (the model was fitted elsewhere)`
        : ` · fitted on the first ${trainRows}`;
  const meta = `${when}${rows} ${f.unit ?? 'rows'}${fitted} · ${count(labelled.length, 'labelled span')} · ${count(alarms.length, 'alarm')}`;
  const common = { width: CHART_WIDTH, left: CHART_LEFT, x, xKind: kind, xCaption: caption, spans };
  const label = `${f.file}: channels, each scaled to its own range`;
  const signals =
    f.channels.length > 0 ? stripsChart({ ...common, cls: 'channels-chart', label, strips: f.channels }) : '';
  const logScore = spansDecades(f.score, [f.threshold, f.offThreshold ?? NaN]);
  const score = timeSeriesChart({
    ...common,
    cls: 'score-chart',
    label: `${f.file}: anomaly score and thresholds`,
    height: 230,
    series: [{ name: 'score', values: f.score, colour: COLOURS.line, cls: 'score' }],
    yKind: logScore ? 'log' : 'linear',
    yCaption: logScore ? 'score (log)' : 'score',
    thresholds: thresholdLines(f.threshold, f.offThreshold),
  });
  const sustainNote =
    sustained.length > 0
      ? [
          `${count(sustained.length, 'alarm')} of the ${alarms.length} raised by the sustain rule: the score stayed ` +
            "above the off threshold for the sustain time (alarm.sustain_ms, by default the model's window span) " +
            'without crossing on',
        ]
      : [];
  const notes = [...(f.notes ?? []), ...sustainNote].map((n) => `<p class="note">${escapeHtml(n)}</p>`).join('');
  return `${open}${title}<p class="meta">${escapeHtml(meta)}</p>${notes}${metricsRow(f.metrics)}<div class="charts">${signals}${score}</div>${causesTable(f, kind)}</section>`;
}

/** The most alarms a file's table of causes lists; the rest are counted. */
const CAUSES_LISTED = 30;

/**
 * Why each alarm was raised, one row each: when it came on, the score then, whether that row is labelled anomalous
 * (else the alarm is a false one; an alarm in the first `trainRows` rows, left out of the metrics, is neither, and
 * says so: until 2026-12-07 it was called a false alarm that no figure counted), and the channels with the largest
 * share of the score, as the gateway's alarm message names them (share and the kind of term: residual, level or
 * variability).
 */
function causesTable(f: FileReport, kind: XKind): string {
  const causes = f.alarmCauses ?? [];
  if (causes.length === 0) return '';
  const rows = causes.slice(0, CAUSES_LISTED).map((c) => {
    const at = kind === 'time' ? `${formatDateTime(f.times[c.row])} UTC` : `row ${c.row + 1}`;
    const label =
      c.row < f.trainRows
        ? `not measured: in the first ${f.trainRows} rows, left out of the metrics`
        : f.labels
          ? f.labels[c.row]
            ? 'yes'
            : 'no: a false alarm'
          : 'no labels';
    const top = c.top.length > 0 ? c.top.map(shareText).join(', ') : 'not scored';
    return `<tr><td>${escapeHtml(at)}</td>${valueCell(f.score[c.row])}<td>${label}</td><td>${escapeHtml(top)}</td></tr>`;
  });
  const more = causes.length - rows.length;
  return (
    '<table class="alarm-causes"><caption>Why each alarm was raised: the channels with the largest share of the ' +
    'score when it came on (the kind of term: residual, the channel not as the others predict it; level; ' +
    'variability)</caption><tr><th>raised at</th><th>score</th><th>labelled anomaly</th><th>top contributors</th></tr>' +
    `${rows.join('')}</table>${more > 0 ? `<p class="meta">and ${count(more, 'more alarm')}</p>` : ''}`
  );
}

function fileIndex(files: readonly FileReport[]): string {
  const items = files.map((f, i) => `<li><a href="#file-${i + 1}">${escapeHtml(f.file)}</a></li>`);
  return items.length > 1 ? `<nav><ul>${items.join('')}</ul></nav>` : '';
}

/** The files left out of the figures and why, so that a page read alone does not pass for the whole folder. */
function leftOutSection(leftOut: NonNullable<ReportPage['leftOut']>): string {
  if (leftOut.length === 0) return '';
  const items = leftOut.map((l) => `<li><code>${escapeHtml(l.file)}</code>: ${escapeHtml(l.reason)}</li>`);
  return `<section id="left-out"><h2>Not in the figures (${leftOut.length} file${leftOut.length > 1 ? 's' : ''})</h2><ul>${items.join('')}</ul></section>`;
}

/** What the page says of the data as a whole, above the models and files. */
function notesSection(notes: readonly string[]): string {
  if (notes.length === 0) return '';
  const lines = notes.map((n) => `<p class="note">${escapeHtml(n)}</p>`).join('');
  return `<section id="notes"><h2>What to know about the data</h2>${lines}</section>`;
}

/** The whole HTML document for the page. */
export function renderReport(page: ReportPage): string {
  const files = page.files ?? [];
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(page.title)}</title><style>${STYLE}</style></head>`,
    `<body><main><h1>${escapeHtml(page.title)}</h1>`,
    colourKey(page),
    keyValueTable('summary', page.summary ?? {}),
    (page.summaryNotes ?? []).map((n) => `<p class="meta summary-note">${escapeHtml(n)}</p>`).join(''),
    notesSection(page.notes ?? []),
    leftOutSection(page.leftOut ?? []),
    fileIndex(files),
    (page.training ?? []).map(trainingSection).join('\n'),
    files.map(fileSection).join('\n'),
    '</main></body></html>\n',
  ].join('\n');
}

/** Whether `--report TARGET` names the page's file (`train.html`, `.htm`) rather than a folder to write it into. */
export const namesReportFile = (target: string): boolean => /\.html?$/i.test(target);

/**
 * Writes the page to `target` where it names an HTML file (`train.html`), else to `target/index.html`, creating the
 * folders on the way; returns the page's path.
 */
export async function writeReport(target: string, page: ReportPage): Promise<string> {
  const path = namesReportFile(target) ? target : join(target, 'index.html');
  await mkdir(dirname(path), { recursive: true });
  await replaceFile(path, renderReport(page));
  return path;
}
