/**
 * A failed read in an export (a timeout, an exception answer, a connection down: the Modbus source's samples with
 * `failedRead`): the gateway holds the channel's last good reading over it up to max_sample_age_ms, and its local store
 * kept it as a bad sample like any other, so `linewatch export` left its cell empty, no different from a bad value the
 * device reported or a channel not read yet. The store now marks a failed read (failed_read); export counts it per
 * channel and writes its cell empty (since 2026-12-08; from 2026-12-07 it wrote the held reading, which train and eval
 * took for one the plant gave), and a store written before leaves its cells empty too, said so. A real store
 * (SqliteStore) written with the samples the Modbus source makes; the failed reads are the fault injected.
 */
import Database from 'better-sqlite3';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Sample } from '../../src/core/types.js';
import { runCli } from '../helpers/cli.js';
import { loggedStore } from '../helpers/logged-store.js';

const T0 = Date.UTC(2026, 11, 7, 6);

/** Poll k of channels a and b (one source, one time); b's read failed (`failed`) or b reported bad (`bad`). */
function poll(k: number, b: number, o: { failed?: boolean; bad?: boolean } = {}): Sample[] {
  const at = { source: 'plc', asset: 'press-1', ts: T0 + k * 1000 };
  return [
    { ...at, channel: 'a', value: Math.sin(k / 5), quality: 'good' },
    o.failed
      ? { ...at, channel: 'b', value: Number.NaN, quality: 'bad', failedRead: true, reason: 'timeout after 2000 ms' }
      : { ...at, channel: 'b', value: o.bad ? Number.NaN : b, quality: o.bad ? 'bad' : 'good' },
  ];
}

/** Polls 0..5: b's reads at 2 and 3 failed, the device reported b bad at 5. */
const POLLS = [
  poll(0, 10),
  poll(1, 11),
  poll(2, 0, { failed: true }),
  poll(3, 0, { failed: true }),
  poll(4, 14),
  poll(5, 0, { bad: true }),
];

/** A store as a gateway before 2026-12-07 made it: its samples table without failed_read. */
function storeBeforeFailedReads(db: string): Database.Database {
  const old = new Database(db);
  old.exec(
    'CREATE TABLE samples (ts INTEGER NOT NULL, source TEXT NOT NULL, asset TEXT NOT NULL, channel TEXT NOT NULL, ' +
      'value REAL, quality TEXT NOT NULL, text TEXT)',
  );
  return old;
}

/** The cells of column b in an export, row by row. */
async function cellsOfB(csv: string): Promise<string[]> {
  const rows = (await readFile(csv, 'utf8')).trim().split('\n').slice(1);
  return rows.map((l) => l.split(',')[2]);
}

async function storeOf(dir: string, batches: readonly Sample[][]): Promise<string> {
  const path = join(dir, 'store.db');
  const { store } = loggedStore(path);
  await store.start();
  for (const samples of batches) store.write({ samples, scores: [], alarms: [] });
  await store.flush();
  await store.close();
  return path;
}

describe('linewatch export of failed reads', () => {
  it('writes a failed read as an empty cell, not the reading the gateway held over it, and counts them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-export-failed-'));
    const db = await storeOf(dir, POLLS);
    const out = join(dir, 'press.csv');
    const res = await runCli(['export', '--db', db, '--max-age-ms', '1500', '--out', out]);
    expect(res.code, res.stderr).toBe(0);
    expect(await readFile(out, 'utf8')).toBe(
      [
        'timestamp,a,b',
        `${T0},0,10`,
        `${T0 + 1000},${Math.sin(1 / 5)},11`,
        `${T0 + 2000},${Math.sin(2 / 5)},`,
        `${T0 + 3000},${Math.sin(3 / 5)},`,
        `${T0 + 4000},${Math.sin(4 / 5)},14`,
        `${T0 + 5000},${Math.sin(5 / 5)},`,
        '',
      ].join('\n'),
    );
    expect(res.stdout).toContain(
      '; 3 rows with an empty cell (a read failed, a reading bad or older than 1500 ms); 2 failed read(s) (b 2) ' +
        'written as empty cells, not as the last good reading the gateway held over them for up to 1500 ms: train ' +
        'and eval hold a short gap at the last reading as the gateway did (--max-sample-age-ms), and leave out a ' +
        'part with one',
    );
  });

  it('from a store written before failed reads were marked: their cells empty, said so', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-export-failed-old-'));
    const db = join(dir, 'store.db');
    const old = storeBeforeFailedReads(db);
    const insert = old.prepare('INSERT INTO samples VALUES (?, ?, ?, ?, ?, ?, NULL)');
    for (const s of POLLS.flat())
      insert.run(s.ts, s.source, s.asset, s.channel, Number.isFinite(s.value) ? s.value : null, s.quality);
    old.close();
    const out = join(dir, 'press.csv');
    const res = await runCli(['export', '--db', db, '--max-age-ms', '1500', '--out', out]);
    expect(res.code, res.stderr).toBe(0);
    expect(await cellsOfB(out)).toEqual(['10', '11', '', '', '14', '']);
    expect(res.stdout).toContain(
      '; 3 rows with an empty cell (a read failed, a reading bad or older than 1500 ms); 3 bad reading(s) (b 3) left empty: the ' +
        'store, written before 2026-12-07, does not tell a failed read (which the gateway held over) from a bad value',
    );
  });

  it('marks the failed reads a gateway writes after its upgrade into a store written before', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-export-failed-upgrade-'));
    const db = join(dir, 'store.db');
    storeBeforeFailedReads(db).close();
    await storeOf(dir, POLLS);
    const out = join(dir, 'press.csv');
    const res = await runCli(['export', '--db', db, '--max-age-ms', '1500', '--out', out]);
    expect(res.code, res.stderr).toBe(0);
    expect(await cellsOfB(out)).toEqual(['10', '11', '', '', '14', '']);
    // Told from the bad value at 5: counted as failed reads, not as a store that cannot tell them.
    expect(res.stdout).toContain('; 2 failed read(s) (b 2) written as empty cells');
  });

  it('writes a recording train fits on, its failed reads read as missing readings held at the last reading', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-export-failed-train-'));
    // 600 polls a second apart, b's read failing every 7th.
    const polls = Array.from({ length: 600 }, (_, k) => poll(k, 10 + Math.cos(k / 7), { failed: k % 7 === 3 }));
    const db = await storeOf(dir, polls);
    const out = join(dir, 'press.csv');
    const exported = await runCli(['export', '--db', db, '--out', out]);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toContain(
      '; 86 rows with an empty cell (a read failed, a reading bad or older than 5000 ms); 86 failed read(s) (b 86)',
    );
    const trained = await runCli(['train', '--csv', out, '--arch', 'dense', '--epochs', '2', '--out', join(dir, 'm')]);
    expect(trained.code, trained.stderr).toBe(0);
    expect(trained.stderr).toContain('b 86 missing (first on line 5): 86 held at the last reading');
  }, 60_000);
});
