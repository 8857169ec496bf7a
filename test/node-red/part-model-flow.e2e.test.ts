/**
 * A part model a user trained (`linewatch train --csv --cycle-channel`) in a Node-RED flow: the window node takes the
 * cut the model learned (its trigger left empty) and the score node judges each part as the gateway does, pass while
 * the press runs normally and fail once a bad press-fit acts; a window that would cut other parts turns the node red.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadManifest } from '../../src/inference/manifest.js';
import { scoreWindows } from '../../src/training/build-model.js';
import { csvParts } from '../../src/training/csv-parts.js';
import { pressRecordingCsv } from '../../src/training/press-dataset.js';
import { runCli } from '../helpers/cli.js';
import { collect, helper, nextError, nodes, partWindowNodes } from './helper.js';

afterEach(() => helper.unload());

/** The window node (cycle, the model's cut) wired to the score node, both on the trained model. */
const partFlow = (model: string, windowProps: Record<string, unknown> = {}) => [
  ...partWindowNodes(model, [['s'], ['unknown']], windowProps),
  { id: 's', type: 'linewatch-score', model: 'm', wires: [['out']] },
  { id: 'out', type: 'helper' },
  { id: 'unknown', type: 'helper' },
];

describe('a trained part model in a Node-RED flow', () => {
  let model: string;
  let recording: string;
  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-nr-part-'));
    const normal = join(dir, 'press-normal.csv');
    await writeFile(normal, pressRecordingCsv(41, 3600).text);
    model = join(dir, 'model');
    const cut = ['--cycle-channel', 'cycle_active', '--part-id-channel', 'part_counter'];
    const res = await runCli(['train', '--csv', normal, ...cut, '--out', model]);
    expect(res.code, res.stderr).toBe(0);
    // Five minutes of normal parts, then a bad press-fit for five minutes.
    recording = pressRecordingCsv(42, 600, { type: 'bad_press_fit', start_s: 300, severity: 0.5, ramp_s: 0 }).text;
  });

  it("takes the model's cut and judges each part as the gateway does: pass while normal, fail with a bad press-fit", async () => {
    await helper.load([nodes.model, nodes.window, nodes.score], partFlow(model));
    const out = collect(helper.getNode('out')!);
    const w = helper.getNode('w')!;
    const [header, ...lines] = recording.trimEnd().split('\n');
    const names = header.split(',');
    for (const line of lines) {
      const cells = line.split(',').map(Number);
      const row = Object.fromEntries(names.map((n, k) => [n, cells[k]]));
      w.receive({
        payload: {
          force: row.force,
          position: row.position,
          cycle_active: row.cycle_active,
          part_counter: row.part_counter,
        },
        timestamp: row.timestamp,
      });
    }
    // The same parts cut from the recording and scored through the gateway's scoring code.
    const loaded = await loadManifest(model);
    const { manifest } = loaded;
    const parts = csvParts(recording, 'press.csv', {
      cycleChannel: 'cycle_active',
      trigger: 'flag',
      partIdChannel: 'part_counter',
      channels: manifest.input.channels.map((c) => c.name),
      windowLength: manifest.input.window_length,
      minRows: 5,
      maxRows: 10_000,
      labels: {},
    });
    const scores = await scoreWindows(manifest, loaded.modelBytes, loaded.modelPath, parts.windows);
    await expect.poll(() => out.length, { timeout: 10_000 }).toBe(parts.windows.length);
    const payloads = out.map((m) => m.payload);
    expect(payloads.map((p) => p.partId)).toEqual(parts.partIds);
    payloads.forEach((p, i) => expect(p.score).toBeCloseTo(scores[i], 5));
    const bad = parts.rowSpans.map(([from, to]) => parts.labels!.subarray(from, to + 1).some((v) => v === 1));
    const verdicts = payloads.map((p) => p.verdict);
    expect(verdicts.filter((v, i) => !bad[i] && v === 'pass').length).toBe(bad.filter((b) => !b).length);
    expect(verdicts.filter((v, i) => bad[i] && v === 'fail').length).toBe(bad.filter(Boolean).length);
    expect(bad.filter(Boolean).length).toBeGreaterThan(40);
  });

  it.each([
    [
      { mode: 'sliding', length: '' },
      "the asset's window needs type: cycle, trigger_channel: cycle_active, trigger: flag",
    ],
    [
      { triggerChannel: 'part_counter', trigger: 'counter' },
      'learned parts cut by cycle_active (flag), not by part_counter (counter): parts cut otherwise are not the parts it knows',
    ],
  ])('turns red on a window that would cut other parts than the model learned: %j', async (props, message) => {
    await helper.load([nodes.model, nodes.window, nodes.score], partFlow(model, props));
    const w = helper.getNode('w')!;
    const error = nextError(w);
    w.receive({ payload: { force: 1, position: 1, cycle_active: 0, part_counter: 1 }, timestamp: 1 });
    const text = await error;
    expect(text).toContain(`window press-1: model csv-parts-dense`);
    expect(text).toContain(message);
  });
});
