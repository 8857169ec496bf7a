/**
 * `linewatch export`: one asset's raw samples from the gateway's local store (storage.local, write_raw_samples) as the
 * CSV that `train --csv` and `eval` read, its rows the rows the gateway formed (training/store-recording.ts). Record
 * normal production with the gateway itself, export it, train on it: no historian needed.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfigFile } from '../config/load.js';
import { StoreReader, type StoredAsset } from '../sinks/local/store-reader.js';
import { writeRecording } from '../training/store-recording.js';
import { wholeNumber } from './detector-flags.js';
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

/** The window's default max_sample_age_ms (windows/schema.ts) where no configuration names the asset's. */
const DEFAULT_MAX_AGE_MS = 5000;

/** A time flag: an ISO 8601 date and time, or Unix ms. */
export function timeFlag(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const t = /^\d+$/.test(value.trim()) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(t))
    throw new UsageError(`${flag} ${value}: expected a date and time (2026-12-05T06:00:00Z) or Unix ms`);
  return t;
}

const iso = (ms: number) => new Date(ms).toISOString();

function assetList(assets: readonly StoredAsset[]): string {
  return assets
    .map((a) => `${a.asset} (${a.channels.map((c) => c.channel).join(', ')}; ${iso(a.from)} to ${iso(a.to)})`)
    .join('; ');
}

/** The store's path and the asset's max_sample_age_ms, from --db or the configuration. */
async function storeOf(opts: ExportOptions): Promise<{ path: string; maxAgeMs?: (asset: string) => number }> {
  if ((opts.config === undefined) === (opts.db === undefined))
    throw new UsageError('give --config (the gateway configuration whose storage.local it reads) or --db (the file)');
  if (opts.db !== undefined) return { path: resolve(opts.db) };
  const { config, file } = await loadConfigFile(opts.config!);
  const local = config.storage?.local;
  if (!local?.path)
    throw new UsageError(`--config ${opts.config}: no storage.local: the gateway keeps no local store to export from`);
  if (local.write_raw_samples === false)
    process.stderr.write(
      `linewatch: ${file}: storage.local.write_raw_samples is false: the store keeps no new raw samples\n`,
    );
  return {
    path: local.path,
    maxAgeMs: (asset) => config.assets.find((a) => a.name === asset)?.window.max_sample_age_ms ?? DEFAULT_MAX_AGE_MS,
  };
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
    const assets = reader.assets();
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
    const stored = new Map(asset.channels.map((c) => [c.channel, c]));
    const wanted = opts.channels
      ?.split(',')
      .map((c) => c.trim())
      .filter(Boolean) ?? [...stored.keys()];
    const unknown = wanted.filter((c) => !stored.has(c));
    if (unknown.length > 0)
      throw new UsageError(
        `--channels: ${unknown.join(', ')}: not among ${name}'s channels in the store (${[...stored.keys()].join(', ')})`,
      );
    // A channel whose samples carried text (a string tag) is written as text; the others as numbers.
    const textChannels = wanted.filter((c) => stored.get(c)!.texts > 0);
    const channels = wanted.filter((c) => !textChannels.includes(c));
    if (channels.length === 0)
      throw new UsageError(`--channels: ${wanted.join(', ')} hold text only; a recording needs a channel of numbers`);
    const maxAgeMs =
      opts.maxAgeMs !== undefined
        ? wholeNumber('max-age-ms', opts.maxAgeMs, 1)
        : (store.maxAgeMs?.(name) ?? DEFAULT_MAX_AGE_MS);
    const out = resolve(opts.out);
    let fd: number;
    try {
      fd = openSync(out, 'wx');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new UsageError(
        `--out ${opts.out}: ${code === 'EEXIST' ? 'the file exists; export does not overwrite it' : code === 'ENOENT' ? 'no such folder' : `cannot write (${code})`}`,
      );
    }
    let summary;
    try {
      let pending: string[] = [];
      const flush = () => {
        if (pending.length > 0) writeSync(fd, pending.join(''));
        pending = [];
      };
      summary = writeRecording(
        reader.batches(name, from, to),
        { asset: name, channels, textChannels, maxAgeMs },
        (l) => {
          pending.push(`${l}\n`);
          if (pending.length >= 4096) flush();
        },
      );
      flush();
    } finally {
      closeSync(fd);
    }
    if (summary.rows === 0)
      process.stderr.write(
        `linewatch: no row of ${name} between ${iso(from ?? asset.from)} and ${iso(to ?? asset.to)}; the store holds ${iso(asset.from)} to ${iso(asset.to)}\n`,
      );
    process.stdout.write(
      `wrote ${out}: ${summary.rows} rows of ${name}` +
        (summary.from !== undefined ? ` from ${iso(summary.from)} to ${iso(summary.to!)}` : '') +
        `, channels ${[...channels, ...textChannels].join(', ')}` +
        (summary.incompleteRows > 0
          ? `; ${summary.incompleteRows} rows with an empty cell (a reading bad or older than ${maxAgeMs} ms)`
          : '') +
        (summary.pauses > 0
          ? `; it pauses ${summary.pauses} time(s) for longer than ${maxAgeMs} ms (the gateway stopped or the source was down): rows either side of a pause may join into a part or a window the gateway never saw; --from and --to pick one stretch`
          : '') +
        `\n  next: linewatch train --csv ${opts.out} --out MODEL_DIR  (a part model: --cycle-channel NAME)\n`,
    );
    return 0;
  } finally {
    reader.close();
  }
}
