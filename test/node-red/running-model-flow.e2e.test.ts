/**
 * A model trained with `train --running-when` in a Node-RED flow (window → score) fed a plant that stops and restarts
 * (sim/restart-plant.ts: its mode word says RUN from a restart's first row while every channel ramps back): the window
 * node takes the model's own running condition (`training.running_when`, with its settle time), so a stop's rows and
 * the restart's ramp are neither windowed nor scored, as the gateway's asset with the same running_when; its status
 * says the stop and the settle in the gateway's terms. Before (nrrun, 2026-12-07) every window over the stop and the
 * ramp was scored: 188 of the 329 windows of this recording spanned a stop's or a settle's rows, 170 of them anomalous
 * (false alarms at every stop), and the mode word itself was refused (`msg.payload.XS-100_Unit_mode: expected a number
 * or boolean, got "RUN"`).
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadManifest } from '../../src/inference/manifest.js';
import { restartPlant, restartPlantCsv, type RestartPlant } from '../../src/sim/restart-plant.js';
import { runCli } from '../helpers/cli.js';
import { collect, helper, nodes, statusTexts } from './helper.js';

afterEach(() => helper.unload());

const MODE = 'XS-100_Unit_mode';
/** A row a second: 600 running, then three stops of 60 rows, each with a ramp of 120 rows and 600 running. */
const TRAINING = restartPlant({
  periodMs: 1000,
  channels: 3,
  leadRows: 600,
  cycles: Array.from({ length: 3 }, () => ({ stopRows: 60, rampRows: 120, runRows: 600 })),
});
/** The line in the flow: 100 rows running, a stop of 40 rows, its restart's ramp of 120 rows, then 100 running. */
const LIVE = restartPlant({
  periodMs: 1000,
  channels: 3,
  leadRows: 100,
  cycles: [{ stopRows: 40, rampRows: 120, runRows: 100 }],
  startMs: Date.UTC(2026, 11, 7, 8),
  seed: 9,
});
const STOP = 100;
const RESTART = LIVE.restarts[0]!;

const flow = (model: string, windowProps: Record<string, unknown> = {}) => [
  { id: 'm', type: 'linewatch-model', path: model, providers: 'cpu' },
  {
    id: 'w',
    type: 'linewatch-window',
    asset: 'hx-1',
    model: 'm',
    hop: '1',
    maxAgeMs: '2500',
    format: 'object',
    ...windowProps,
    wires: [['s'], ['gaps']],
  },
  { id: 's', type: 'linewatch-score', model: 'm', wires: [['out']] },
  { id: 'out', type: 'helper' },
  { id: 'gaps', type: 'helper' },
];

/** Row i as a flow's message: the channels and the mode word, stamped with the row's time. */
function rowMessage(p: RestartPlant, i: number, withMode = true) {
  const C = p.names.length;
  const payload: Record<string, number | string> = Object.fromEntries(p.names.map((n, c) => [n, p.values[i * C + c]]));
  if (withMode) payload[MODE] = p.mode[i]!;
  return { payload, timestamp: p.times[i] };
}

/** The ends of the windows of `length` rows whose rows are all `counted` (hop 1), oldest first. */
function windowEnds(p: RestartPlant, length: number, counted: (i: number) => boolean): number[] {
  const ends: number[] = [];
  let run = 0;
  for (let i = 0; i < p.times.length; i++) {
    run = counted(i) ? run + 1 : 0;
    if (run >= length) ends.push(p.times[i]!);
  }
  return ends;
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.000Z$/, 'Z');

let model: string;
let modelName: string;
let channels: number;
let settleMs: number;
let length: number;
beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lw-nr-running-'));
  const csv = join(dir, 'plant.csv');
  await writeFile(csv, restartPlantCsv(TRAINING));
  model = join(dir, 'model');
  // The settle time estimated from the training rows' restarts, as a user leaves it.
  const run = await runCli(['train', '--csv', csv, '--running-when', `${MODE}=RUN`, '--out', model]);
  expect(run.code, run.stderr).toBe(0);
  const { manifest } = await loadManifest(model);
  settleMs = (manifest.training.running_when as { settle_ms: number }).settle_ms;
  length = manifest.input.window_length;
  modelName = manifest.name;
  channels = manifest.input.channels.length;
  expect(settleMs).toBeGreaterThan(60_000);
}, 120_000);

describe("a model trained with --running-when in a Node-RED flow: the window node takes the model's condition", () => {
  it("scores neither the stop's rows nor the restart's settle; the status and the second output say the stop", async () => {
    await helper.load([nodes.model, nodes.window, nodes.score], flow(model));
    const out = collect(helper.getNode('out')!);
    const gaps = collect(helper.getNode('gaps')!);
    const w = helper.getNode('w')!;
    const statuses = statusTexts(w);
    for (let i = 0; i < LIVE.times.length; i++) w.receive(rowMessage(LIVE, i));
    // The rows the gateway scores with the same running_when: running, and past the settle time of the restart.
    const settled = (i: number) =>
      LIVE.mode[i] === 'RUN' && (i < RESTART || LIVE.times[i]! - LIVE.times[RESTART]! >= settleMs);
    const expected = windowEnds(LIVE, length, settled);
    await expect.poll(() => out.length, { timeout: 30_000 }).toBe(expected.length);
    expect(out.map((m) => m.payload.ts)).toEqual(expected);
    // None spans a stopped or settling row (before: 188 did, 170 of them anomalous).
    const notRunning = LIVE.times.filter((_, i) => !settled(i));
    expect(out.filter((m) => notRunning.some((t) => t <= m.payload.ts && t > m.payload.ts - length * 1000))).toEqual(
      [],
    );
    // One message at the stop's first row: a gap for the alarm node, whose delays then start again.
    expect(gaps.map((m) => m.payload)).toEqual([
      {
        asset: 'hx-1',
        ts: LIVE.times[STOP],
        reason: `the machine does not run: stopped: ${MODE}=RUN does not hold`,
        state: 'stopped',
      },
    ]);
    expect(statuses).toContain(`stopped since ${iso(LIVE.times[STOP]!)} (${MODE}=RUN)`);
    expect(statuses).toContain(`settling until ${iso(LIVE.times[RESTART]! + settleMs)} (${MODE}=RUN)`);
    const stoppedRows = LIVE.times.length - LIVE.mode.filter((_, i) => settled(i)).length;
    expect(statuses.at(-1)).toBe(`${expected.length} windows, 0 incomplete, ${stoppedRows} rows stopped`);
  }, 60_000);

  it('Runs when "always" scores every row, the stop and the ramp too, as a flow did before', async () => {
    await helper.load([nodes.model, nodes.window, nodes.score], flow(model, { running: 'always' }));
    const out = collect(helper.getNode('out')!);
    const w = helper.getNode('w')!;
    for (let i = 0; i < LIVE.times.length; i++) w.receive(rowMessage(LIVE, i, false));
    const every = windowEnds(LIVE, length, () => true);
    await expect.poll(() => out.length, { timeout: 30_000 }).toBe(every.length);
    expect(out.map((m) => m.payload.ts)).toEqual(every);
  }, 60_000);
});

/** The warnings node `id` logs and the statuses it sets, from its deploy on. */
function said(id: string): { warnings: string[]; statuses: string[] } {
  const node = helper.getNode(id)!;
  const warnings: string[] = [];
  node.on('call:warn', (call: { args: unknown[] }) => warnings.push(String(call.args[0])));
  return { warnings, statuses: statusTexts(node) };
}

describe("a window node whose running condition is not the model's: a warning at deploy, once", () => {
  const waiting = () => `${channels} channels × ${length}, waiting`;
  const deploy = async (windowProps: Record<string, unknown>) => {
    await helper.load([nodes.model, nodes.window, nodes.score], flow(model, windowProps));
    const seen = said('w');
    await expect.poll(() => seen.statuses.some((s) => s.startsWith(waiting())), { timeout: 30_000 }).toBe(true);
    return seen;
  };

  it("another Run value: says both conditions, and the status says it is not the model's", async () => {
    const seen = await deploy({ running: 'equals', runningChannel: MODE, runningValue: 'AUTO' });
    expect(seen.warnings).toEqual([
      `window hx-1: Runs when ${MODE}=AUTO, but model ${modelName} learnt the rows where ${MODE}=RUN (training.running_when): the rows scored are not those learnt, unless the two say the same thing under other names`,
    ]);
    expect(seen.statuses).toContain(`${waiting()}; not the model's running condition`);
  }, 60_000);

  it('Runs when always: says that the stops are scored too', async () => {
    const seen = await deploy({ running: 'always' });
    expect(seen.warnings).toEqual([
      `window hx-1: Runs when is always: every row is windowed and scored, its stops too, but model ${modelName} learnt only the rows where ${MODE}=RUN (training.running_when): set Runs when to as the model learnt`,
    ]);
  }, 60_000);

  it("the model's condition with a Settle of 0: says the ramp it never learnt is scored", async () => {
    const seen = await deploy({ settleMs: '0' });
    expect(seen.warnings).toEqual([
      `window hx-1: Settle 0 ms, but model ${modelName} left out the ${settleMs} ms after each restart (training.running_when.settle_ms): the ramp it never learnt is scored; leave Settle empty to take the model's`,
    ]);
  }, 60_000);

  it("the model's condition as it learnt it, or the same typed in the dialog: no warning", async () => {
    const seen = await deploy({});
    expect(seen.statuses).toContain(`${waiting()}, runs when ${MODE}=RUN`);
    await helper.unload();
    const typed = await deploy({
      running: 'equals',
      runningChannel: MODE,
      runningValue: 'RUN',
      settleMs: String(settleMs),
    });
    expect([seen.warnings, typed.warnings]).toEqual([[], []]);
  }, 60_000);
});
