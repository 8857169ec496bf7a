/**
 * Reads back the raw samples the local store kept (storage.local with write_raw_samples), for `linewatch export`:
 * which assets and channels it holds, and one asset's samples in time order as the batches the sources delivered
 * (the samples of one source with one time: one Modbus poll). Opens the file read-only, so a running gateway keeps
 * writing; a file that is not a linewatch store is refused, named.
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import type { Quality, Sample } from '../../core/types.js';
import { FAILED_READ_COLUMN } from './store-tables.js';

/** What the store holds of one channel of an asset. */
export interface StoredChannel {
  readonly channel: string;
  readonly samples: number;
  /** Samples that carried text (a string tag: a serial number); the others carry numbers. */
  readonly texts: number;
  readonly from: number;
  readonly to: number;
}

export interface StoredAsset {
  readonly asset: string;
  readonly channels: readonly StoredChannel[];
  readonly samples: number;
  readonly from: number;
  readonly to: number;
}

interface SampleRow {
  ts: number;
  source: string;
  channel: string;
  value: number | null;
  quality: string;
  text: string | null;
  failed: number | null;
}

export class StoreReader {
  private readonly db: Database.Database;

  constructor(readonly path: string) {
    if (!existsSync(path)) throw new Error(`${path}: no such file (the local store, storage.local.path)`);
    let db: Database.Database | undefined;
    try {
      db = new Database(path, { readonly: true, fileMustExist: true });
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
      if (!tables.some((t) => t.name === 'samples'))
        throw new Error('no samples table: not a linewatch local store (storage.local.path)');
    } catch (err) {
      db?.close();
      throw new Error(`${path}: ${(err as Error).message}`);
    }
    this.db = db;
    this.marksFailedReads = (db.pragma('table_info(samples)') as { name: string }[]).some(
      (c) => c.name === FAILED_READ_COLUMN,
    );
  }

  /**
   * Whether the store tells a failed read (a timeout, an exception answer, a connection down) from a bad value the
   * device reported: one written before 2026-12-07 keeps both as bad samples alike, and opened read-only it is not
   * brought up (its failed reads are bad samples here, never held over).
   */
  readonly marksFailedReads: boolean;

  /** Every asset with raw samples (or the one named: only its rows are read), its channels and time span, by name. */
  assets(only?: string): StoredAsset[] {
    const columns =
      'SELECT asset, channel, COUNT(*) AS samples, COUNT(text) AS texts, MIN(ts) AS "from", MAX(ts) AS "to" FROM samples';
    const rows = (
      only === undefined
        ? this.db.prepare(`${columns} GROUP BY asset, channel ORDER BY asset, channel`).all()
        : this.db.prepare(`${columns} WHERE asset = ? GROUP BY asset, channel ORDER BY channel`).all(only)
    ) as (StoredChannel & { asset: string })[];
    const byAsset = new Map<string, StoredChannel[]>();
    for (const { asset, ...channel } of rows) byAsset.set(asset, [...(byAsset.get(asset) ?? []), channel]);
    return [...byAsset].map(([asset, channels]) => ({
      asset,
      channels,
      samples: channels.reduce((s, c) => s + c.samples, 0),
      from: Math.min(...channels.map((c) => c.from)),
      to: Math.max(...channels.map((c) => c.to)),
    }));
  }

  /**
   * One asset's samples from `from` to `to` (ms, inclusive) in the order they were taken, grouped as the source
   * delivered them: consecutive samples of one source with one time, a failed read's marked `failedRead` (where the
   * store marks them). Streams: the store may hold days of polls.
   */
  *batches(asset: string, from = 0, to = Number.MAX_SAFE_INTEGER): Generator<Sample[]> {
    const rows = this.db
      .prepare(
        `SELECT ts, source, channel, value, quality, text, ${this.marksFailedReads ? FAILED_READ_COLUMN : 'NULL'} ` +
          'AS failed FROM samples WHERE asset = ? AND ts >= ? AND ts <= ? ORDER BY ts, rowid',
      )
      .iterate(asset, from, to) as IterableIterator<SampleRow>;
    let batch: Sample[] = [];
    for (const r of rows) {
      if (batch.length > 0 && (batch[0].ts !== r.ts || batch[0].source !== r.source)) {
        yield batch;
        batch = [];
      }
      batch.push({
        source: r.source,
        asset,
        channel: r.channel,
        ts: r.ts,
        value: r.value ?? Number.NaN,
        quality: r.quality as Quality,
        ...(r.text !== null ? { text: r.text } : {}),
        // A failed read is no sample for the rows (RowAssembler): the channel's last good reading holds, as it did.
        ...(r.failed === 1 && r.quality === 'bad' ? { failedRead: true as const } : {}),
      });
    }
    if (batch.length > 0) yield batch;
  }

  /**
   * What the gateway judged abnormal in one asset's stretch from `from` to `to` (ms, inclusive): the alarms it raised
   * (into unack_active out of normal or rtn_unack) and the parts it failed, and the first time either happened. A
   * store without those tables (one that kept raw samples only) judged none.
   */
  judgedAbnormal(asset: string, from: number, to: number): JudgedAbnormal {
    const tables = new Set(
      (this.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map(
        (t) => t.name,
      ),
    );
    const count = (table: string, where: string) =>
      tables.has(table)
        ? (this.db
            .prepare(
              `SELECT COUNT(*) AS n, MIN(ts) AS first FROM ${table} WHERE asset = ? AND ts >= ? AND ts <= ? AND ${where}`,
            )
            .get(asset, from, to) as { n: number; first: number | null })
        : { n: 0, first: null };
    const alarms = count('alarm_journal', "state = 'unack_active' AND previous IN ('normal', 'rtn_unack')");
    const parts = count('parts', "verdict = 'fail'");
    const firsts = [alarms.first, parts.first].filter((t): t is number => t !== null);
    return {
      alarmsRaised: alarms.n,
      partsFailed: parts.n,
      ...(firsts.length > 0 ? { first: Math.min(...firsts) } : {}),
    };
  }

  close(): void {
    this.db.close();
  }
}

/** The alarms raised and parts failed in a stretch of a store (StoreReader.judgedAbnormal). */
export interface JudgedAbnormal {
  readonly alarmsRaised: number;
  readonly partsFailed: number;
  /** When the first of them happened (ms); absent where none did. */
  readonly first?: number;
}
