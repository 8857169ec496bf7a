/**
 * The local store's samples written back as a recording: the rows the gateway formed (one per batch, each channel's
 * newest value held), a cell empty where the reading was bad or too old, text channels held and quoted, and the
 * samples read back from a store file in the batches the sources delivered.
 */
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Sample } from '../../src/core/types.js';
import { StoreReader } from '../../src/sinks/local/store-reader.js';
import { readingCell, writeRecording } from '../../src/training/store-recording.js';

const sample = (source: string, channel: string, ts: number, value: number, extra: Partial<Sample> = {}): Sample => ({
  source,
  asset: 'press-1',
  channel,
  ts,
  value,
  quality: 'good',
  ...extra,
});

describe('a recording from stored samples', () => {
  it('writes one row per batch, holding each channel, an empty cell where a reading is bad or too old', () => {
    const batches: Sample[][] = [
      [sample('plc', 'force', 1000, 1.5), sample('plc', 'serial', 1000, NaN, { text: 'PRS-1' })],
      [sample('scale', 'weight', 1100, 7)],
      [sample('plc', 'force', 1200, NaN, { quality: 'bad' }), sample('plc', 'serial', 1200, NaN, { text: 'A,"B"' })],
      [sample('plc', 'force', 1400, 2)],
      [sample('other', 'force', 1500, 9, { asset: 'pump-1' })],
    ];
    const lines: string[] = [];
    const summary = writeRecording(
      batches,
      { asset: 'press-1', channels: ['force', 'weight'], heldChannels: ['serial'], maxAgeMs: 250 },
      (l) => lines.push(l),
    );
    expect(lines).toEqual([
      'timestamp,force,weight,serial',
      // weight not read yet: empty.
      '1000,1.5,,PRS-1',
      '1100,1.5,7,PRS-1',
      // force bad; the serial holds a separator and a quote.
      '1200,,7,"A,""B"""',
      // weight read at 1100 is 300 ms old, the serial 200 ms.
      '1400,2,,"A,""B"""',
    ]);
    expect(summary).toEqual({ rows: 4, incompleteRows: 3, pauses: 0, from: 1000, to: 1400 });
  });

  it('marks a pause longer than the age limit with a row with no reading, so that no part or window spans it', () => {
    const lines: string[] = [];
    const batches = [1000, 1200, 9000, 9200].map((ts) => [sample('plc', 'force', ts, ts / 1000)]);
    const summary = writeRecording(
      batches,
      { asset: 'press-1', channels: ['force'], heldChannels: [], maxAgeMs: 1000 },
      (l) => lines.push(l),
    );
    expect(lines).toEqual(['timestamp,force', '1000,1', '1200,1.2', '1201,', '9000,9', '9200,9.2']);
    expect(summary).toMatchObject({ rows: 4, pauses: 1 });
  });

  it("marks a pause by the gateway's rule: a late poll within 1.5x the model's sample period is no pause", () => {
    // Seen: polls 40 ms apart, max_sample_age_ms 200, a model period of 200 ms: the gateway (pause beyond 300 ms)
    // judged the part after a 245 ms gap that export marked as a pause.
    const at = (times: number[], periodMs?: number) => {
      const lines: string[] = [];
      const batches = times.map((ts) => [sample('plc', 'force', ts, 1)]);
      const options = { asset: 'press-1', channels: ['force'], heldChannels: [], maxAgeMs: 200 };
      writeRecording(batches, periodMs === undefined ? options : { ...options, periodMs }, (l) => lines.push(l));
      return lines;
    };
    expect(at([1000, 1040, 1285, 1325], 200)).toEqual(['timestamp,force', '1000,1', '1040,1', '1285,1', '1325,1']);
    expect(at([1000, 1040, 1345, 1385], 200)).toEqual([
      'timestamp,force',
      '1000,1',
      '1040,1',
      '1041,',
      '1345,1',
      '1385,1',
    ]);
    // Without a model (--db): the age limit alone.
    expect(at([1000, 1040, 1285], undefined)).toContain('1041,');
  });

  it('reads a store back in the batches the sources delivered, and refuses a file that is not a store', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lw-store-read-'));
    const path = join(dir, 'store.db');
    const db = new Database(path);
    db.exec(
      'CREATE TABLE samples (ts INTEGER NOT NULL, source TEXT NOT NULL, asset TEXT NOT NULL, channel TEXT NOT NULL, value REAL, quality TEXT NOT NULL, text TEXT)',
    );
    const insert = db.prepare('INSERT INTO samples VALUES (?, ?, ?, ?, ?, ?, ?)');
    for (const [ts, source, asset, channel, value, text] of [
      [2000, 'plc', 'press-1', 'force', 2, null],
      [1000, 'plc', 'press-1', 'force', 1, null],
      [1000, 'plc', 'press-1', 'serial', null, 'PRS-1'],
      [1000, 'scale', 'press-1', 'weight', 5, null],
      [1000, 'plc', 'pump-1', 'flow', 3, null],
    ] as const)
      insert.run(ts, source, asset, channel, value, 'good', text);
    db.close();
    const reader = new StoreReader(path);
    try {
      expect(reader.assets().map((a) => [a.asset, a.channels.map((c) => [c.channel, c.samples, c.texts])])).toEqual([
        [
          'press-1',
          [
            ['force', 2, 0],
            ['serial', 1, 1],
            ['weight', 1, 0],
          ],
        ],
        ['pump-1', [['flow', 1, 0]]],
      ]);
      const batches = [...reader.batches('press-1')].map((b) => b.map((s) => `${s.source}:${s.channel}@${s.ts}`));
      expect(batches).toEqual([['plc:force@1000', 'plc:serial@1000'], ['scale:weight@1000'], ['plc:force@2000']]);
      expect([...reader.batches('press-1', 1500)].length).toBe(1);
    } finally {
      reader.close();
    }
    const other = join(dir, 'other.db');
    new Database(other).exec('CREATE TABLE t (x)');
    expect(() => new StoreReader(other)).toThrow(
      new Error(`${other}: no samples table: not a linewatch local store (storage.local.path)`),
    );
    expect(() => new StoreReader(join(dir, 'none.db'))).toThrow(
      new Error(`${join(dir, 'none.db')}: no such file (the local store, storage.local.path)`),
    );
  });
});

describe('readingCell', () => {
  it('writes each reading as the shortest decimal that reads back as the number stored', () => {
    // -2^53 as an int64 register stores it (regression: 15 significant digits wrote -9007199254740990), the double
    // 0.1 + 0.2 makes, and a number past 2^53.
    const stored = [-9007199254740992, 0.1 + 0.2, 1234.5, -7, 1e-7, 123456789012345680000, 2 ** 53 + 2];
    expect(stored.map(readingCell)).toEqual([
      '-9007199254740992',
      '0.30000000000000004',
      '1234.5',
      '-7',
      '1e-7',
      '123456789012345680000',
      '9007199254740994',
    ]);
    for (const v of stored) expect(Number(readingCell(v))).toBe(v);
  });
});
