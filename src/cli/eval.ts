/** `linewatch eval`: the detector on labelled data (SKAB format), with the benchmark's metrics. */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { evaluateDir, labelledFiles, DEFAULT_DETECTOR, type EvalReport, type Precision } from '../eval/skab-eval.js';
import { terminalProgress } from './progress.js';

/** The CLI default: SKAB's two thermal channels. */
const DEFAULT_SLOW = DEFAULT_DETECTOR.slowChannels.join(',');
import { reportError } from './main.js';

export interface EvalOptions {
  data: string;
  trainRows: string;
  precision: string;
  slowChannels?: string;
  json?: boolean;
}

function line(r: EvalReport): string {
  return `${r.precision.padEnd(5)} ${r.files} files  F1 ${r.f1.toFixed(3)}  FAR ${r.far.toFixed(2)} %  MAR ${r.mar.toFixed(2)} %  NAB standard ${r.nab.standard.toFixed(1)}  low FP ${r.nab.low_fp.toFixed(1)}  low FN ${r.nab.low_fn.toFixed(1)}  (TP ${r.confusion.tp} FP ${r.confusion.fp} TN ${r.confusion.tn} FN ${r.confusion.fn})`;
}

export async function evalCommand(opts: EvalOptions): Promise<number> {
  try {
    const trainRows = Number(opts.trainRows);
    if (!Number.isInteger(trainRows) || trainRows < 1) throw new Error(`--train-rows ${opts.trainRows}: expected a positive integer`);
    if (!['int8', 'fp32', 'both'].includes(opts.precision)) throw new Error(`--precision ${opts.precision}: expected int8, fp32 or both`);
    const precisions: Precision[] = opts.precision === 'both' ? ['int8', 'fp32'] : [opts.precision as Precision];
    const detector = opts.slowChannels === undefined ? DEFAULT_DETECTOR : { ...DEFAULT_DETECTOR, slowChannels: opts.slowChannels.split(',').map((c) => c.trim()).filter(Boolean) };
    if (opts.slowChannels !== undefined && opts.slowChannels !== DEFAULT_SLOW) {
      // A name no file has is a typo, not a choice: say so instead of scoring it as a level.
      const columns = new Set(labelledFiles(opts.data).flatMap((f) => readFileSync(f, 'utf8').split('\n', 1)[0].split(';')));
      const unknown = detector.slowChannels.filter((c) => !columns.has(c));
      if (unknown.length > 0) throw new Error(`--slow-channels: ${unknown.join(', ')}: no such column in the files under ${opts.data} (columns: ${[...columns].join(', ')})`);
    }
    const reports: EvalReport[] = [];
    const bar = terminalProgress();
    for (const p of precisions) {
      let done = 0;
      const total = bar ? labelledFiles(opts.data).length : 0;
      const report = await evaluateDir(opts.data, trainRows, p, detector, (r) => bar?.update(`eval ${p}`, ++done, total, relative(opts.data, r.file)));
      bar?.end();
      reports.push(report);
      if (!opts.json) process.stdout.write(`${line(report)}\n`);
    }
    if (opts.json) process.stdout.write(`${JSON.stringify(reports.length === 1 ? reports[0] : { reports, f1_difference: Math.abs(reports[0].f1 - reports[1].f1) })}\n`);
    else {
      const d = detector;
      process.stdout.write(`detector (one configuration for every file): rolling mean of ${d.k} rows${d.kLong > 0 ? ` and of ${d.kLong} rows (its z weighted ${d.longWeight})` : ''}, z on at ${d.onZ}, off below ${d.offZ}${d.offDelayS > 0 ? ` for ${d.offDelayS} s` : ''}; slow channels ${d.slowChannels.join(', ') || 'none'} scored on their change over ${d.lag} rows (weight ${d.slowWeight}); trained on the first ${trainRows} rows of each file; causal\n`);
    }
    return 0;
  } catch (err) {
    return reportError(err);
  }
}
