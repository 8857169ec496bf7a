/**
 * `linewatch export`: the gateway records a line (the demo configuration against the simulator, over Modbus) into its
 * local store, and export writes the press's samples as the CSV that train and eval read. Cut by the same cycle
 * window, the CSV gives the parts the gateway judged, named by the same serial numbers, with the same scores.
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load.js';
import type { PartResult } from '../../src/core/types.js';
import { startDaemon } from '../../src/daemon/daemon.js';
import { loadManifest } from '../../src/inference/manifest.js';
import { runSimulator } from '../../src/sim/run-simulator.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { scoreWindows } from '../../src/training/build-model.js';
import { csvParts } from '../../src/training/csv-parts.js';
import { ROOT, runCli } from '../helpers/cli.js';
import { writeDemoConfig } from '../helpers/demo-config-file.js';
import { nextEvent } from '../helpers/gateway-events.js';

describe('linewatch export', () => {
  it('writes the rows the gateway recorded: cut as the gateway cut them, the parts it judged', async ({
    onTestFinished,
  }) => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-export-'));
    const sim = await runSimulator({ modbusPort: 0, httpPort: 0, seed: 52 });
    onTestFinished(() => sim.close());
    // The demo configuration, its store and data in this test's folder.
    const config = await writeDemoConfig(dir);
    const env = { LINEWATCH_DEMO_MODBUS_PORT: String(sim.modbusPort), LINEWATCH_HTTP_PORT: '0' };
    const daemon = await startDaemon(await loadConfigFile(config, { ...process.env, ...env }), silentLogger());
    let judged = 0;
    await nextEvent(daemon.gateway.events, 'parts', (ps: readonly PartResult[]) => {
      judged += ps.filter((p) => p.verdict !== 'unknown').length;
      return judged >= 2;
    });
    await daemon.stop();

    const csv = join(dir, 'press.csv');
    const res = await runCli(['export', '--config', config, '--asset', 'press-1', '--out', csv], env);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain('rows of press-1');
    // The next step with the cut the asset's window makes, not a placeholder.
    expect(res.stdout).toContain(
      `next: linewatch train --csv ${csv} --cycle-channel cycle_active --part-id-channel serial --out MODEL_DIR\n`,
    );
    const text = await readFile(csv, 'utf8');
    // The configured asset's row channels (its model's, then the cycle's trigger) and its part id, as the gateway
    // reads them.
    expect(text.split('\n')[0]).toBe('timestamp,force,position,cycle_active,serial');

    const loaded = await loadManifest(join(ROOT, 'models/press-ae'));
    const { manifest } = loaded;
    const parts = csvParts(text, csv, {
      cycleChannel: 'cycle_active',
      trigger: 'flag',
      partIdChannel: 'serial',
      channels: manifest.input.channels.map((c) => c.name),
      windowLength: manifest.input.window_length,
      minRows: 10,
      maxRows: 100,
    });
    const db = new Database(join(dir, 'store.db'), { readonly: true });
    const stored = db
      .prepare("SELECT part_id, score FROM parts WHERE asset = 'press-1' AND verdict != 'unknown' ORDER BY ts")
      .all() as { part_id: string; score: number }[];
    db.close();
    expect(stored.length).toBeGreaterThanOrEqual(2);
    // The parts the gateway judged, by their serial numbers (PRS-…), and the part it may have been judging at the stop.
    expect(parts.partIds.slice(0, stored.length)).toEqual(stored.map((p) => p.part_id));
    expect(parts.partIds.length - stored.length).toBeLessThanOrEqual(1);
    expect(stored[0].part_id).toMatch(/^PRS-\d{6}$/);
    const scores = await scoreWindows(manifest, loaded.modelBytes, loaded.modelPath, parts.windows);
    stored.forEach((p, i) => expect(scores[i]).toBeCloseTo(p.score, 5));
  });

  it('refuses what it cannot export, naming it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-export-bad-'));
    const none = await runCli(['export', '--db', join(dir, 'none.db'), '--out', join(dir, 'x.csv')]);
    expect([none.code, none.stderr.trim()]).toEqual([
      2,
      `linewatch: ${join(dir, 'none.db')}: no such file (the local store, storage.local.path)`,
    ]);
    // A configuration that is not there: said as every command says it, by the flag as given.
    const noConfig = await runCli(['export', '--config', 'nope.yaml', '--out', 'x.csv'], {}, undefined, dir);
    expect([noConfig.code, noConfig.stderr.trim()]).toEqual([
      2,
      'linewatch: --config nope.yaml: no such file or folder',
    ]);
    const both = await runCli(['export', '--out', join(dir, 'x.csv')]);
    expect([both.code, both.stderr.trim()]).toEqual([
      2,
      'linewatch: give --config (the gateway configuration whose storage.local it reads) or --db (the file)',
    ]);
    const when = async (flag: string, value: string) =>
      (await runCli(['export', '--db', join(dir, 'none.db'), flag, value, '--out', 'x.csv'])).stderr.trim();
    const expected =
      'expected a date (2026-12-05), a date and time with its zone (2026-12-05T06:00:00Z, 2026-12-05T07:00:00+01:00) or Unix ms';
    expect(await when('--from', 'yesterday')).toBe(`linewatch: --from yesterday: ${expected}`);
    // A time without its zone would be read in the machine's zone; a number that is not Unix ms is refused.
    expect(await when('--to', '2026-12-05T06:00:00')).toBe(`linewatch: --to 2026-12-05T06:00:00: ${expected}`);
    expect(await when('--from', '1.5')).toBe(`linewatch: --from 1.5: ${expected}`);
    expect(await when('--from', '1764914400')).toBe(
      'linewatch: --from 1764914400: Unix ms before 1973; if these are seconds, write 1764914400000, or give a date (2026-12-05T06:00:00Z)',
    );
  });
});

describe('linewatch export of a store', () => {
  it('writes no file where no row falls in the stretch asked for, and refuses a channel named twice', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-export-none-'));
    const db = join(dir, 'store.db');
    const store = new Database(db);
    store.exec(
      'CREATE TABLE samples (ts INTEGER NOT NULL, source TEXT NOT NULL, asset TEXT NOT NULL, channel TEXT NOT NULL, value REAL, quality TEXT NOT NULL, text TEXT)',
    );
    store.prepare("INSERT INTO samples VALUES (1764914400000, 'plc', 'press-1', 'force', 1, 'good', NULL)").run();
    store.close();
    const out = join(dir, 'x.csv');
    const early = await runCli(['export', '--db', db, '--to', '2025-01-01', '--out', out]);
    expect([early.code, early.stderr.trim()]).toEqual([
      2,
      'linewatch: no row of press-1 from 2025-12-05T06:00:00.000Z to 2025-01-01T00:00:00.000Z: the store holds 2025-12-05T06:00:00.000Z to 2025-12-05T06:00:00.000Z; nothing written',
    ]);
    expect(existsSync(out) || existsSync(`${out}.partial`)).toBe(false);
    const twice = await runCli(['export', '--db', db, '--channels', 'force,force', '--out', out]);
    expect([twice.code, twice.stderr.trim()]).toEqual([2, 'linewatch: --channels: force is named twice']);
    const ok = await runCli(['export', '--db', db, '--out', out]);
    expect([ok.code, await readFile(out, 'utf8')]).toEqual([0, 'timestamp,force\n1764914400000,1\n']);
  });
});
