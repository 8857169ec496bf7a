/**
 * `linewatch export`: one asset's raw samples from the gateway's local store (storage.local, write_raw_samples) as the
 * CSV that `train --csv` and `eval` read, its rows the rows the gateway formed (training/store-recording.ts). Record
 * normal production with the gateway itself, export it, train on it: no historian needed.
 */
import { pauseAfterMs } from '../core/csv-pauses.js';
import { closeSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { loadConfigFile } from '../config/load.js';
import { configuredUnits, recordedPollMs } from '../config/unscored-assets.js';
import { unitCell } from '../core/csv-units-row.js';
import { DEFAULT_MAX_SAMPLE_AGE_MS } from '../core/reading-age.js';
import { StoreReader, type StoredAsset } from '../sinks/local/store-reader.js';
import { writeRecording, type RecordingSummary } from '../training/store-recording.js';
import { wholeNumber } from './detector-flags.js';
import { countingFailedReads, failedReadsText, type FailedReads } from './export-failed-reads.js';
import { exportNextStep, type AssetCut } from './export-next-step.js';
import { UsageError } from './usage.js';

export interface ExportOptions {
  config?: string;
  db?: string;
  asset?: string;
  from?: string;
  to?: string;
  channels?: string;
  maxAgeMs?: string;
  out: string;
}

/** An ISO 8601 date (UTC midnight), or a date and time with its zone (Z or ±hh:mm). */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2}))?$/;
/** Unix ms below this (1973) are seconds written where ms were meant. */
const FIRST_MS = 1e11;

/** A time flag: an ISO 8601 date, or date and time with its zone, or Unix ms. */
export function timeFlag(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) {
    if (Number(v) < FIRST_MS)
      throw new UsageError(
        `${flag} ${value}: Unix ms before 1973; if these are seconds, write ${v}000, or give a date (2026-12-05T06:00:00Z)`,
      );
    return Number(v);
  }
  const t = ISO_TIME.test(v) ? Date.parse(v) : Number.NaN;
  if (!Number.isFinite(t))
    throw new UsageError(
      `${flag} ${value}: expected a date (2026-12-05), a date and time with its zone (2026-12-05T06:00:00Z, ` +
        '2026-12-05T07:00:00+01:00) or Unix ms',
    );
  return t;
}

const iso = (ms: number) => new Date(ms).toISOString();

function assetList(assets: readonly StoredAsset[]): string {
  return assets
    .map((a) => `${a.asset} (${a.channels.map((c) => c.channel).join(', ')}; ${iso(a.from)} to ${iso(a.to)})`)
    .join('; ');
}

/** What the configuration says of an asset: its row channels (model, cycle trigger), part id and age limit. */
interface ConfiguredAsset {
  readonly rows: readonly string[];
  readonly held: readonly string[];
  readonly maxAgeMs: number;
  /** The sample period of the model the asset runs (the gateway's rule for a pause, with maxAgeMs). */
  readonly periodMs: number;
  /** The folder of the model the asset runs. */
  readonly modelDir: string;
  /** How its cycle window cuts parts; absent for a sliding window. */
  readonly cut?: AssetCut;
}

/** The store's path and, with a configuration, what it says of each asset. */
async function storeOf(opts: ExportOptions): Promise<{
  path: string;
  asset?: (name: string) => ConfiguredAsset | undefined;
  pollMs?: (name: string) => number | undefined;
  units?: (name: string) => ReadonlyMap<string, string>;
}> {
  if ((opts.config === undefined) === (opts.db === undefined))
    throw new UsageError('give --config (the gateway configuration whose storage.local it reads) or --db (the file)');
  if (opts.db !== undefined) {
    const path = resolve(opts.db);
    if (statSync(path, { throwIfNoEntry: false })?.isDirectory())
      throw new UsageError(`--db ${opts.db}: a folder; name the store's file (storage.local.path)`);
    return { path };
  }
  // Export reads the store, the sources and the assets: a token or password it never sends need not be set here.
  const { config, file, models } = await loadConfigFile(opts.config!, process.env, { credentials: 'unused' });
  const local = config.storage?.local;
  if (!local?.path)
    throw new UsageError(`--config ${opts.config}: no storage.local: the gateway keeps no local store to export from`);
  if (local.write_raw_samples === false)
    process.stderr.write(
      `linewatch: ${file}: storage.local.write_raw_samples is false: the store keeps no new raw samples\n`,
    );
  return {
    path: local.path,
    pollMs: (name) => recordedPollMs(config, name),
    units: (name) => configuredUnits(config, name),
    asset: (name) => {
      const a = config.assets.find((x) => x.name === name);
      const model = models.get(name);
      if (!a || !model) return undefined;
      const w = a.window;
      const channels = model.manifest.input.channels.map((c) => c.name);
      return {
        rows: w.type === 'cycle' && w.trigger_channel ? [...channels, w.trigger_channel] : channels,
        held: w.type === 'cycle' && w.part_id_channel ? [w.part_id_channel] : [],
        maxAgeMs: w.max_sample_age_ms,
        periodMs: model.manifest.input.sample_period_ms,
        modelDir: dirname(model.manifestPath),
        ...(w.type === 'cycle' && w.trigger_channel
          ? {
              cut: {
                triggerChannel: w.trigger_channel,
                counter: w.trigger === 'counter',
                ...(w.part_id_channel ? { partIdChannel: w.part_id_channel } : {}),
              },
            }
          : {}),
      };
    },
  };
}

/** The channels to write: --channels, else the configured asset's, else every one stored (text ones held). */
function channelsOf(opts: ExportOptions, asset: StoredAsset, configured: ConfiguredAsset | undefined) {
  const stored = new Map(asset.channels.map((c) => [c.channel, c]));
  const isText = (c: string) => (stored.get(c)?.texts ?? 0) > 0;
  let rows: string[];
  let held: string[];
  if (opts.channels !== undefined) {
    const wanted = opts.channels.split(',').map((c) => c.trim());
    if (wanted.some((c) => c === '')) throw new UsageError(`--channels ${opts.channels}: a channel name is empty`);
    const twice = wanted.find((c, i) => wanted.indexOf(c) !== i);
    if (twice !== undefined) throw new UsageError(`--channels: ${twice} is named twice`);
    held = wanted.filter(isText);
    rows = wanted.filter((c) => !isText(c));
  } else if (configured) {
    rows = [...configured.rows];
    held = [...configured.held];
  } else {
    held = [...stored.keys()].filter(isText);
    rows = [...stored.keys()].filter((c) => !isText(c));
  }
  const unknown = [...rows, ...held].filter((c) => !stored.has(c));
  if (unknown.length > 0)
    throw new UsageError(
      `${opts.channels !== undefined ? '--channels' : `asset ${asset.asset}`}: ${unknown.join(', ')}: not among ${asset.asset}'s channels in the store (${[...stored.keys()].join(', ')})`,
    );
  if (rows.length === 0)
    throw new UsageError(`--channels: ${held.join(', ')} hold text only; a recording needs a channel of numbers`);
  return { rows, held };
}

/**
 * Writes the recording to `out` through a file beside it (`<out>.partial`, made new), renamed at the end: no file where
 * nothing was written.
 */
function writeOut(out: string, flag: string, write: (line: (l: string) => void) => RecordingSummary): RecordingSummary {
  const partial = `${out}.partial`;
  if (statSync(out, { throwIfNoEntry: false }))
    throw new UsageError(`--out ${flag}: the file exists; export does not overwrite it`);
  let fd: number;
  try {
    // Made new ('wx' follows no link): one left there (a crash's, or planted: a link was written through, into the
    // file it named) is removed first, never written through.
    rmSync(partial, { force: true });
    fd = openSync(partial, 'wx');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(
      `--out ${flag}: ${code === 'ENOENT' ? 'no such folder' : `cannot write ${partial} (${code})`}`,
    );
  }
  let pending: string[] = [];
  const flush = () => {
    if (pending.length > 0) writeSync(fd, pending.join(''));
    pending = [];
  };
  try {
    const summary = write((l) => {
      pending.push(`${l}\n`);
      if (pending.length >= 4096) flush();
    });
    flush();
    closeSync(fd);
    if (summary.rows > 0) renameSync(partial, out);
    else rmSync(partial);
    return summary;
  } catch (err) {
    closeSync(fd);
    rmSync(partial, { force: true });
    throw err;
  }
}

export async function exportCommand(opts: ExportOptions): Promise<number> {
  const from = timeFlag('--from', opts.from);
  const to = timeFlag('--to', opts.to);
  if (from !== undefined && to !== undefined && to < from)
    throw new UsageError(`--to ${opts.to}: before --from ${opts.from}`);
  const store = await storeOf(opts);
  let reader: StoreReader;
  try {
    reader = new StoreReader(store.path);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  try {
    // With --asset, only its rows are counted (a store may hold weeks of every asset); else every asset, to list them.
    const named = opts.asset !== undefined ? reader.assets(opts.asset) : [];
    const assets = named.length > 0 ? named : reader.assets();
    if (assets.length === 0)
      throw new UsageError(
        `${store.path}: no raw samples (storage.local.write_raw_samples keeps them; run the gateway with it set)`,
      );
    const name = opts.asset ?? (assets.length === 1 ? assets[0].asset : undefined);
    if (name === undefined)
      throw new UsageError(`--asset: name one of the assets the store holds: ${assetList(assets)}`);
    const asset = assets.find((a) => a.asset === name);
    if (!asset)
      throw new UsageError(`--asset ${name}: the store holds no samples of it; it holds ${assetList(assets)}`);
    const configured = store.asset?.(name);
    const { rows: channels, held } = channelsOf(opts, asset, configured);
    const maxAgeMs =
      opts.maxAgeMs !== undefined
        ? wholeNumber('max-age-ms', opts.maxAgeMs, 1)
        : (configured?.maxAgeMs ?? DEFAULT_MAX_SAMPLE_AGE_MS);
    const units = store.units?.(name) ?? new Map<string, string>();
    for (const c of [...channels, ...held]) {
      const unit = units.get(c);
      if (unit !== undefined && unit !== '' && unitCell(unit) === undefined)
        process.stderr.write(
          `linewatch: ${c}'s unit "${unit.slice(0, 40)}${unit.length > 40 ? '…' : ''}" is not written: a units row ` +
            'holds units of at most 32 characters (csv-files.md)\n',
        );
    }
    const out = resolve(opts.out);
    const reads: FailedReads = { failed: new Map(), bad: new Map() };
    const summary = writeOut(out, opts.out, (line) =>
      writeRecording(
        countingFailedReads(reader.batches(name, from, to), channels, held, reads),
        {
          asset: name,
          channels,
          heldChannels: held,
          maxAgeMs,
          ...(configured ? { periodMs: configured.periodMs } : {}),
          units,
        },
        line,
      ),
    );
    if (summary.rows === 0)
      throw new UsageError(
        `no row of ${name} from ${iso(from ?? asset.from)} to ${iso(to ?? asset.to)}: the store holds ${iso(asset.from)} to ${iso(asset.to)}; nothing written`,
      );
    process.stdout.write(
      `wrote ${out}: ${summary.rows} rows of ${name} from ${iso(summary.from!)} to ${iso(summary.to!)}, ` +
        `channels ${[...channels, ...held].join(', ')}` +
        (summary.incompleteRows > 0
          ? `; ${summary.incompleteRows} rows with an empty cell (a read failed, a reading bad or older than ${maxAgeMs} ms)`
          : '') +
        failedReadsText(reads, maxAgeMs, reader.marksFailedReads) +
        (summary.pauses > 0
          ? `; ${summary.pauses} pause(s) longer than ${pauseAfterMs(configured?.periodMs ?? 0, maxAgeMs)} ms ` +
            '(the gateway stopped, a source down), each ' +
            'marked by a row with no reading, so that no part or window spans it (train learns from the rows on ' +
            'both sides)'
          : '') +
        exportNextStep({
          out: opts.out,
          asset: name,
          written: [...channels, ...held],
          ...(configured ? { configured } : {}),
          judged: reader.judgedAbnormal(name, summary.from!, summary.to!),
          ...(store.pollMs?.(name) !== undefined ? { pollMs: store.pollMs(name) } : {}),
        }),
    );
    return 0;
  } finally {
    reader.close();
  }
}
