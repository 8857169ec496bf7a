/**
 * The demo's pump model (models/pump-hybrid, the hybrid detector the README measures, trained on the simulator's
 * normal operation) catches every pump fault the simulator can inject, weak ones included, and stays quiet on an
 * hour of normal operation from another seed: scored by `linewatch eval --model`, the daemon's path, on recordings
 * decoded through the Modbus register map as the gateway reads them.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FAULT_TYPES, isPumpFault, type FaultSpec } from '../../src/sim/faults.js';
import { recordPumpFromSimulator, type Recording } from '../../src/training/sim-recording.js';
import { ROOT, runCli } from '../helpers/cli.js';

const PERIOD_MS = 200;
/** The fault's span in seconds of the recording. */
const FAULT = { from: 300, to: 420 };

/** A recording as a SKAB-format CSV, rows labelled anomalous inside `span`. */
function csvOf(rec: Recording, span?: { from: number; to: number }): string {
  const c = rec.channels.length;
  const lines = [['datetime', ...rec.channels, 'anomaly', 'changepoint'].join(';')];
  for (let t = 0; t < rec.rowCount; t++) {
    const s = (t * PERIOD_MS) / 1000;
    const label = span && s >= span.from && s < span.to ? 1 : 0;
    const time = new Date(Date.UTC(2024, 0, 1) + t * PERIOD_MS).toISOString().replace('T', ' ').replace('Z', '');
    lines.push([time, ...Array.from(rec.rows.subarray(t * c, (t + 1) * c), (v) => v.toFixed(5)), label, 0].join(';'));
  }
  return `${lines.join('\n')}\n`;
}

interface FileFigures {
  file: string;
  delay_s: number | null;
  detected_spans: string;
  false_alarms: number;
}

async function evalShipped(dir: string): Promise<{ perFile: FileFigures[] }> {
  const res = await runCli(['eval', '--model', join(ROOT, 'models/pump-hybrid'), '--data', dir, '--json'], {}, 120_000);
  expect(res.code, res.stderr).toBe(0);
  return JSON.parse(res.stdout);
}

describe('the shipped pump-hybrid model', () => {
  it('detects each pump fault of the simulator at a weak severity (0.3), within 15 s, with no false alarm', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-pump-faults-'));
    const faults = FAULT_TYPES.filter(isPumpFault);
    for (const type of faults) {
      const spec: FaultSpec = {
        type,
        start_s: FAULT.from,
        duration_s: FAULT.to - FAULT.from,
        severity: 0.3,
        ramp_s: 5,
        ...(type === 'sensor_drift' || type === 'stuck_sensor' ? { channel: 'pressure' } : {}),
      };
      await writeFile(join(dir, `${type}.csv`), csvOf(recordPumpFromSimulator(101, 600, PERIOD_MS, [spec]), FAULT));
    }
    const report = await evalShipped(dir);
    expect(report.perFile.map((f) => f.file).sort()).toEqual(faults.map((f) => `${f}.csv`).sort());
    for (const f of report.perFile) {
      expect([f.file, f.detected_spans, f.false_alarms]).toEqual([f.file, '1/1', 0]);
      expect(f.delay_s, f.file).toBeLessThan(15);
    }
  }, 180_000);

  it('raises no alarm on an hour of normal operation from a seed it was not trained on', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-pump-normal-'));
    await writeFile(join(dir, 'normal.csv'), csvOf(recordPumpFromSimulator(303, 3600, PERIOD_MS)));
    const [file] = (await evalShipped(dir)).perFile;
    expect([file.detected_spans, file.false_alarms]).toEqual(['0/0', 0]);
  }, 180_000);
});
