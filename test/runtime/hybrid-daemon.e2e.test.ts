/**
 * The "done when": `linewatch train --arch hybrid` on SKAB's anomaly-free file gives a model
 * folder that `linewatch validate` accepts and the daemon runs. The simulator replays SKAB's rig
 * (anomaly-free.csv) as the pump's Modbus registers; the gateway reads them under SKAB's column
 * names, scores 32-row windows with the hybrid model and stores the scores, none of them an alarm.
 * The replay runs 10× faster than the rig, so a window fills in about 3 s instead of 32: the model is trained on the
 * file's rows re-dated 100 ms apart (a recording's dates give its period; train refuses a --period-ms 10× off them).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { runSimulator } from '../../src/sim/run-simulator.js';
import { BIN, ROOT, runCli } from '../helpers/cli.js';
import { redatedCsv } from '../helpers/redated-csv.js';

const CSV = join(ROOT, 'data/skab/anomaly-free/anomaly-free.csv');
/** The SKAB columns the simulator's pump registers replay (Thermocouple has no register). */
const REGISTERS = [
  "{ channel: 'Accelerometer1RMS', address: 0, type: uint16, scale: 0.0001 }",
  "{ channel: 'Accelerometer2RMS', address: 1, type: int16, scale: 0.0001 }",
  "{ channel: 'Current', address: 2, type: float32, byte_order: ABCD }",
  "{ channel: 'Voltage', address: 4, type: float32, byte_order: CDAB }",
  "{ channel: 'Pressure', address: 6, type: float32, byte_order: BADC }",
  "{ channel: 'Temperature', address: 8, type: int16, scale: 0.01 }",
];
/** "Volume Flow RateRMS" is left out: a config channel name has no spaces. */
const CHANNELS = ['Accelerometer1RMS', 'Accelerometer2RMS', 'Current', 'Voltage', 'Pressure', 'Temperature'];

describe('a hybrid model trained on SKAB runs in the daemon', () => {
  it('train --arch hybrid → validate accepts the config → run scores windows into the store', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-hybrid-daemon-'));
    const model = join(dir, 'skab-hybrid');
    const tenfold = join(dir, 'anomaly-free-100ms.csv');
    await redatedCsv(CSV, tenfold, () => 100);
    const trained = await runCli([
      'train',
      '--csv',
      tenfold,
      '--arch',
      'hybrid',
      '--channels',
      CHANNELS.join(','),
      '--name',
      'skab-hybrid',
      '--out',
      model,
    ]);
    expect(trained.code, trained.stderr).toBe(0);
    const sim = await runSimulator({ modbusPort: 0, seed: 5, speed: 10, replayCsv: CSV });
    try {
      const config = [
        'gateway: { name: hybrid-gw, site: test, line: skab }',
        'log: { level: debug }',
        `data_dir: ${dir}`,
        'http: { host: 127.0.0.1, port: 0 }',
        'sources:',
        `  - { name: rig-plc, type: modbus_tcp, host: 127.0.0.1, port: ${sim.modbusPort}, unit_id: 1, asset: rig, poll_interval_ms: 100, timeout_ms: 1000, registers: [${REGISTERS.join(', ')}] }`,
        'assets:',
        `  - { name: rig, model: ${model}, window: { hop_samples: 1, max_sample_age_ms: 1000 } }`,
        `storage: { local: { path: ${join(dir, 'store.db')}, retention_hours: 1 } }`,
      ].join('\n');
      await writeFile(join(dir, 'gw.yaml'), config);
      const valid = await runCli(['validate', '--config', join(dir, 'gw.yaml')]);
      expect(valid.stderr).toBe('');
      expect(valid.stdout).toMatch(
        /gw\.yaml: OK \(1 source\(s\), 6 tag\(s\), 1 asset\(s\) with models: rig=skab-hybrid@1\.0\.0\)/,
      );

      const child = spawn(process.execPath, [BIN, 'run', '--config', join(dir, 'gw.yaml')]);
      const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
      const levels: number[] = [];
      let scored = 0;
      for await (const line of createInterface({ input: child.stdout })) {
        const entry = JSON.parse(line) as { msg: string; level: number; windows?: number };
        levels.push(entry.level);
        if (entry.msg === 'windows scored') scored += entry.windows ?? 0;
        if (scored >= 20) break;
      }
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(levels.filter((l) => l >= 50)).toEqual([]); // no error logged
      const db = new Database(join(dir, 'store.db'), { readonly: true });
      const rows = db.prepare('SELECT model, score, threshold FROM scores').all() as {
        model: string;
        score: number;
        threshold: number;
      }[];
      db.close();
      expect(rows.length).toBeGreaterThanOrEqual(20);
      expect(new Set(rows.map((r) => r.model))).toEqual(new Set(['skab-hybrid']));
      // Normal operation replayed: scored, and below the calibrated threshold.
      expect(rows.filter((r) => r.score > r.threshold)).toEqual([]);
    } finally {
      await sim.close();
    }
  }, 120_000);
});
