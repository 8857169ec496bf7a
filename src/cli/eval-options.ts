/**
 * What `linewatch eval` and its measure of part models share: the flags as commander hands them over, a model
 * folder's graph of one precision, and a file's error message without the file's name.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fp32Manifest, type Precision } from '../eval/evaluate.js';
import { loadManifest, sha256Hex, type LoadedManifest } from '../inference/manifest.js';
import type { DetectorFlags } from './detector-flags.js';
import type { PartFlags } from './train-options.js';
import { refuseGiven, UsageError } from './usage.js';

export interface EvalOptions extends DetectorFlags, PartFlags {
  /** Part models (--cycle-channel): points a part is resampled to, and the autoencoder's shape. */
  window?: string;
  hidden?: string;
  filters?: string;
  data: string;
  trainRows?: string;
  precision: string;
  model?: string;
  json?: boolean;
  strict?: boolean;
  report?: string;
  onDelayMs?: string;
  offDelayMs?: string;
  sustainMs?: string;
  periodMs?: string;
  maxSampleAgeMs?: string;
  /** Score and measure only the rows where the machine runs (running-condition.ts). */
  runningWhen?: string;
  /** The settle time after a restart (restart-settle.ts); estimated from the training rows where not given. */
  runningSettleMs?: string;
  labelColumn?: string;
  /** FROM/TO spans of time labelled anomalous, for files without a label column (anomaly-spans.ts). */
  anomaly?: string[];
}

/** A model folder's graph of the given precision (fp32: its fp32_file, checked against fp32_sha256). */
export async function folderModel(dir: string, precision: Precision): Promise<LoadedManifest> {
  const loaded = await loadManifest(dir);
  if (precision === 'int8') return loaded;
  const m = loaded.manifest;
  if (!m.fp32_file || !m.fp32_sha256)
    throw new UsageError(`--precision fp32: the model ${loaded.manifestPath} names no fp32_file with its fp32_sha256`);
  const modelPath = resolve(loaded.modelPath, '..', m.fp32_file);
  const bytes = await readFile(modelPath);
  if (sha256Hex(bytes) !== m.fp32_sha256)
    throw new Error(`model file ${modelPath}: sha256 does not match the manifest's fp32_sha256`);
  return { ...loaded, modelPath, modelBytes: bytes, manifest: fp32Manifest(m, m.fp32_sha256) };
}

/** An error message without the file name it starts with (the file is named beside it): `line N: ...` where it named
 * a line (`FILE:N: ...`). */
export function withoutFile(message: string, file: string): string {
  if (!message.startsWith(`${file}:`)) return message;
  const rest = message.slice(file.length + 1);
  const line = /^(\d+): /.exec(rest);
  return line ? `line ${line[1]}: ${rest.slice(line[0].length)}` : rest.trimStart();
}

/** Whether `--flag` is on the command line (`--flag V` or `--flag=V`): for flags whose default hides whether it was. */
const onCommandLine = (argv: readonly string[], flag: string): boolean =>
  argv.some((a) => a === flag || a.startsWith(`${flag}=`));

/**
 * With --model, the flags that choose or fit the model eval would fit (--arch, its shape, its seed, its calibration)
 * are refused, naming them and --model, rather than ignored: the model folder is scored as it was fitted.
 */
export function refuseFitFlagsWithModel(opts: EvalOptions, argv: readonly string[]): void {
  if (!opts.model) return;
  const given = (flag: string) => (onCommandLine(argv, flag) ? 'given' : undefined);
  refuseGiven(
    {
      '--arch': opts.arch,
      '--false-alarms-per-day': opts.falseAlarmsPerDay,
      '--quantile': opts.quantile,
      '--false-rejects-ppm': opts.falseRejectsPpm,
      '--slow-channels': opts.slowChannels,
      '--validation-fraction': given('--validation-fraction'),
      '--seed': given('--seed'),
      '--epochs': given('--epochs'),
      '--window': opts.window,
      '--hidden': opts.hidden,
      '--filters': opts.filters,
    },
    `for the models eval fits (without --model); --model ${opts.model} is scored as it was fitted and calibrated ` +
      '(its architecture, shape and alarm levels are in its manifest)',
  );
}
