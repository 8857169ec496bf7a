/**
 * A sliding model's failed reads, scored by the gateway and by `eval --model` on the export of the same run: the same
 * windows, the same scores (the detector measured is the detector deployed; issue 12). Through the real path: a
 * Modbus TCP server (register-plc.ts) refusing the pump's registers at chosen polls (exception 2: every channel's read
 * fails, as at a timeout or a connection down), the gateway's Modbus source polling it (its stamps from an injected
 * clock, 200 ms a poll, the model's period), the asset's pipeline scoring the shipped pump-ae model; the same batches
 * in the gateway's local store, `linewatch export`, and eval's streaming of the export through the same model.
 *
 * The gateway holds each channel's last good reading over failed reads for up to max_sample_age_ms (5 s, 25 polls),
 * and scores the windows that end there. Export writes a failed read as an empty cell. Eval held a gap of empty cells
 * no longer than that hold, and left a longer one NaN whole (until 2026-12-08): of a 40-poll outage it scored none of
 * the 25 windows the gateway scored at its start (122 windows against the gateway's 147).
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Sample, ScoreResult } from '../../src/core/types.js';
import { readLabelledCsv } from '../../src/eval/labelled-csv.js';
import { streamSeries } from '../../src/eval/stream-series.js';
import { loadManifest } from '../../src/inference/manifest.js';
import { ModbusSource } from '../../src/sources/modbus/modbus-source.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { GatewayMetrics } from '../../src/telemetry/metrics.js';
import { runCli } from '../helpers/cli.js';
import { localModbusTcp } from '../helpers/local-modbus-source.js';
import { PUMP_AE, pumpAePipeline } from '../helpers/pump-ae-pipeline.js';
import { startRegisterPlc } from '../helpers/register-plc.js';
import { steppedPolls } from '../helpers/stepped-polls.js';
import { writeStoredSamples } from '../helpers/stored-samples.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const T0 = Date.UTC(2026, 11, 8, 6);
const PERIOD_MS = 200;
const POLLS = 200;
/** The pump's channels, each a register (0..6, read in one request) scaled to its normal level. */
const REGISTERS = [
  { channel: 'vibration_1', raw: 300, scale: 0.0001 },
  { channel: 'vibration_2', raw: 444, scale: 0.0001 },
  { channel: 'motor_current', raw: 173, scale: 0.01 },
  { channel: 'voltage', raw: 2300, scale: 0.1 },
  { channel: 'pressure', raw: 224, scale: 0.01 },
  { channel: 'temperature', raw: 664, scale: 0.1 },
  { channel: 'flow', raw: 324, scale: 0.1 },
];
/** Polls whose read fails: a 2 s outage (10 polls, within the 5 s hold) and an 8 s one (40 polls, longer). */
const FAILED = new Set([
  ...Array.from({ length: 10 }, (_, k) => 60 + k),
  ...Array.from({ length: 40 }, (_, k) => 110 + k),
]);

/** The registers at poll k (none readable at a failed poll: register 3 refused fails the one request). */
function setRegisters(holding: Map<number, number>, k: number): void {
  REGISTERS.forEach((r, a) => holding.set(a, r.raw + Math.round(3 * Math.sin(k / 3 + a))));
  if (FAILED.has(k)) holding.delete(3);
}

/** Polls the pump through the gateway's Modbus source into its asset pipeline (pump-ae); the batches and scores. */
async function gatewayRun(): Promise<{ batches: Sample[][]; scores: ScoreResult[] }> {
  const holding = new Map<number, number>();
  setRegisters(holding, 0);
  const plc = await startRegisterPlc(holding);
  cleanups.push(() => plc.close());
  const metrics = new GatewayMetrics();
  const { pipeline, scores, close } = await pumpAePipeline(metrics);
  cleanups.push(close);
  let clock = T0;
  const source = new ModbusSource(
    localModbusTcp(plc.port, {
      asset: 'pump-1',
      poll_interval_ms: 5,
      timeout_ms: 2000,
      registers: REGISTERS.map((r, a) => ({ channel: r.channel, address: a, type: 'uint16', scale: r.scale })),
    }),
    { logger: silentLogger(), metrics, now: () => clock },
  );
  const batches: Sample[][] = [];
  await steppedPolls(
    source,
    POLLS,
    (batch, k) => {
      batches.push([...batch]);
      pipeline.push(batch);
      clock += PERIOD_MS;
      setRegisters(holding, k + 1);
    },
    cleanups,
  );
  await pipeline.idle();
  return { batches, scores };
}

/** Of eval --json's perFile: the rows measured and those with no score, and each channel's missing readings. */
interface FileJson {
  readonly unscored_rows?: number;
  readonly measured_rows?: number;
  readonly missing_readings: readonly { readonly channel: string }[];
}

/** Each scored window as its end's poll (from T0) and its score. */
const byPoll = (ts: number) => Math.round((ts - T0) / PERIOD_MS);

describe('eval --model on an export of failed reads scores the windows the gateway scored (issue 12)', () => {
  it('a 40-poll outage: the windows at its start the gateway scored over held readings, eval scores too', async () => {
    const { batches, scores } = await gatewayRun();
    // The fault as injected: every channel's read failed at the chosen polls, and only there.
    const failedPolls = batches.flatMap((b, k) => (b.every((s) => s.failedRead === true) ? [k] : []));
    expect(failedPolls).toEqual([...FAILED]);
    expect(batches.filter((b) => b.some((s) => s.failedRead === true)).length).toBe(FAILED.size);

    const dir = await mkdtemp(join(tmpdir(), 'lw-eval-failed-gaps-'));
    const db = join(dir, 'store.db');
    writeStoredSamples(db, batches.flat());
    const csv = join(dir, 'pump.csv');
    const exported = await runCli(['export', '--db', db, '--out', csv]);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toContain(`; 50 rows with an empty cell`);

    // eval --model's path: the export read as eval reads it (no label column: every row normal, as --anomaly gives
    // none), streamed through the same model folder.
    const loaded = await loadManifest(PUMP_AE);
    const channels = loaded.manifest.input.channels.map((c) => c.name);
    const series = readLabelledCsv(csv, undefined, undefined, PERIOD_MS, undefined, channels, undefined, []);
    const result = await streamSeries(series, loaded, 0);
    const evalScored = Array.from(result.scores).flatMap((s, i) =>
      Number.isNaN(s) ? [] : [{ poll: byPoll(series.times[i]), score: s }],
    );
    const gatewayScored = scores.map((s) => ({ poll: byPoll(s.ts), score: s.score }));

    // The gateway: windows of 20 rows from poll 19, through the short outage and the first 25 polls of the long one
    // (110..134, readings held up to 5 s), none with a stale row (135..149) in it, again from 169.
    const runs = (polls: readonly number[]) =>
      polls.reduce<[number, number][]>((acc, p) => {
        const last = acc[acc.length - 1];
        if (last && last[1] === p - 1) last[1] = p;
        else acc.push([p, p]);
        return acc;
      }, []);
    expect(runs(gatewayScored.map((s) => s.poll))).toEqual([
      [19, 134],
      [169, 199],
    ]);
    expect(evalScored.map((s) => s.poll)).toEqual(gatewayScored.map((s) => s.poll));
    evalScored.forEach((s, i) => expect(s.score).toBeCloseTo(gatewayScored[i].score, 6));

    // The command says as much: the rows with no window (before the first full one, and those over the stale rows),
    // and each channel's 35 missing readings held (the short outage's 10, the long one's first 25), 15 not (line 137
    // on: the header, then row 135).
    const span = `${T0 + 190 * PERIOD_MS}/${T0 + 199 * PERIOD_MS}`;
    const cli = await runCli(['eval', '--model', PUMP_AE, '--data', csv, '--anomaly', span, '--json']);
    expect(cli.code, cli.stderr).toBe(0);
    const file = (JSON.parse(cli.stdout) as { perFile: FileJson[] }).perFile[0];
    expect([file.unscored_rows, file.measured_rows]).toEqual([POLLS - gatewayScored.length, POLLS]);
    expect(file.missing_readings.find((m) => m.channel === 'flow')).toEqual({
      channel: 'flow',
      cells: 50,
      first_line: 62,
      held: 35,
      gaps_not_scored: [{ line: 137, rows: 15 }],
    });
  }, 60_000);
});
