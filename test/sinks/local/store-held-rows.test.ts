/**
 * The local store keeps a score's and a part's held rows (readings held over failed reads: Window.held), as InfluxDB's
 * held_rows does: before, its scores and parts tables had no column for them, so a verdict looked up there read as if
 * every channel had been read. On a real SQLite file; a store made before the columns gets them at open.
 */
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PartResult, ScoreResult } from '../../../src/core/types.js';
import { loggedStore } from '../../helpers/logged-store.js';

const HELD = { rows: 2, of: 40, channels: { force: 2, stroke: 1 } };
const TS = Date.now();

const score = (partId: string, held?: typeof HELD): ScoreResult => ({
  asset: 'press-1',
  model: 'press-ae',
  modelVersion: '3',
  ts: TS,
  score: 0.2,
  threshold: 0.5,
  anomalous: false,
  contributions: [],
  partId,
  ...(held !== undefined ? { held } : {}),
});
const part = (partId: string, held?: typeof HELD): PartResult => ({
  asset: 'press-1',
  partId,
  ts: TS,
  verdict: 'pass',
  topChannels: [],
  model: 'press-ae',
  ...(held !== undefined ? { held } : {}),
});

/** Writes P1 (held) and P2 (none) as scores and parts into the store at `path`; the two tables' held columns. */
async function writeAndRead(path: string) {
  const { store } = loggedStore(path);
  await store.start();
  store.write({
    samples: [],
    scores: [score('P1', HELD), score('P2')],
    parts: [part('P1', HELD), part('P2')],
    alarms: [],
  });
  await store.close();
  const db = new Database(path, { readonly: true });
  const rows = (table: string) =>
    db.prepare(`SELECT part_id, held_rows, held_channels FROM ${table} ORDER BY part_id`).all();
  const got = { scores: rows('scores'), parts: rows('parts') };
  db.close();
  return got;
}

const expected = [
  { part_id: 'P1', held_rows: 2, held_channels: '{"force":2,"stroke":1}' },
  { part_id: 'P2', held_rows: null, held_channels: null },
];

describe('local store: held rows of scores and parts', () => {
  it('keeps held_rows and held_channels where some row held a reading, NULL where none did', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'lw-store-held-')), 'linewatch.db');
    expect(await writeAndRead(path)).toEqual({ scores: expected, parts: expected });
  });

  it('a store made before the columns gets them at open; its rows stay', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'lw-store-held-old-')), 'linewatch.db');
    const old = new Database(path);
    old.exec(
      'CREATE TABLE scores (ts INTEGER NOT NULL, asset TEXT NOT NULL, model TEXT NOT NULL, model_version TEXT NOT ' +
        'NULL, score REAL NOT NULL, threshold REAL NOT NULL, anomalous INTEGER NOT NULL, contributions TEXT NOT ' +
        'NULL, part_id TEXT);' +
        'CREATE TABLE parts (ts INTEGER NOT NULL, asset TEXT NOT NULL, part_id TEXT NOT NULL, verdict TEXT NOT NULL, ' +
        'score REAL, threshold REAL, top_channels TEXT NOT NULL, cycle_ms REAL, reason TEXT, model TEXT NOT NULL);',
    );
    old.prepare(`INSERT INTO parts VALUES (${TS}, 'press-1', 'P0', 'fail', 0.9, 0.5, 'force', NULL, NULL, 'm')`).run();
    old.close();
    const got = await writeAndRead(path);
    expect(got.scores).toEqual(expected);
    expect(got.parts).toEqual([{ part_id: 'P0', held_rows: null, held_channels: null }, ...expected]);
  });
});
