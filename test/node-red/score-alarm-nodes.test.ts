/** linewatch-model, linewatch-score and linewatch-alarm in a Node-RED runtime, with the shipped int8 model. */
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_BY_CHARS, MAX_COMMENT_CHARS } from '../../src/core/operator-fields.js';
import { nodeModelPath } from '../../src/node-red/model-config-node.js';
import { AutoencoderModel } from '../../src/inference/autoencoder-model.js';
import { loadManifest } from '../../src/inference/manifest.js';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, SKAB_RENAME } from '../helpers/cli.js';
import { collect, helper, nextError, nextMessage, nodes } from './helper.js';

const manifest = JSON.parse(readFileSync(`${ROOT}/models/pump-ae/manifest.json`, 'utf8'));
const channels: string[] = manifest.input.channels.map((c: { name: string }) => c.name);
const length: number = manifest.input.window_length;
const golden = { asset: 'pump-1', channels, length, start: 0, end: 1000, data: manifest.golden.input };

afterEach(() => helper.unload());

const scoreFlow = (scoreProps: Record<string, unknown> = {}, modelProps: Record<string, unknown> = {}) => [
  { id: 'm', type: 'linewatch-model', path: `${ROOT}/models/pump-ae`, providers: 'cpu', ...modelProps },
  { id: 's', type: 'linewatch-score', model: 'm', ...scoreProps, wires: [['out']] },
  { id: 'out', type: 'helper' },
];

describe('linewatch-score', () => {
  it('scores a window like the daemon does: the golden window gives the manifest score, with top channels', async () => {
    await helper.load([nodes.model, nodes.score], scoreFlow());
    const received = nextMessage(helper.getNode('out')!);
    helper.getNode('s')!.receive({ payload: golden });
    const { payload, topic } = await received;
    expect(topic).toBe('pump-1');
    expect(Math.abs(payload.score - manifest.golden.score)).toBeLessThanOrEqual(manifest.golden.tolerance);
    expect(payload).toMatchObject({
      asset: 'pump-1',
      threshold: manifest.score.threshold,
      anomalous: false,
      verdict: 'normal',
      model: manifest.name,
    });
    expect(payload.top).toHaveLength(3);
    expect(channels).toContain(payload.top[0].channel);
    expect(payload.top[0]).not.toHaveProperty('kind'); // an autoencoder alone has one kind of term
  });

  // Adversarial review s33: a window scored on readings held over failed reads carried no mark; the window node's
  // `held` now reaches the score message, and one that is no count is refused naming where.
  it("passes a window's held rows on with its score, and refuses held counts that cannot be", async () => {
    await helper.load([nodes.model, nodes.score], scoreFlow());
    const s = helper.getNode('s')!;
    const received = nextMessage(helper.getNode('out')!);
    const held = { rows: 3, of: length, channels: { [channels[1]]: 3 } };
    s.receive({ payload: { ...golden, held } });
    expect((await received).payload.held).toEqual(held);
    const error = nextError(s);
    s.receive({ payload: { ...golden, held: { ...held, channels: { nozzle: 3 } } } });
    expect(await error).toBe(
      `msg.payload.held.channels: "nozzle" is not one of the model's channels (${channels.join(', ')})`,
    );
  });

  it("with the hybrid detector (the example flows' model): the daemon's score, top channels and each one's kind of term", async () => {
    const dir = `${ROOT}/models/pump-hybrid`;
    const loaded = await loadManifest(dir);
    const m = loaded.manifest;
    const ae = m.input.channels.map((c) => c.name);
    // A window the daemon calls anomalous: the golden window with vibration_2 pushed far off its normal level.
    const data = Float32Array.from(m.golden!.input);
    for (let t = 0; t < m.input.window_length; t++) data[t * ae.length + 1] += 0.5;
    const window = { asset: 'pump-1', channels: ae, length: m.input.window_length, start: 0, end: 1000, data };
    const daemonModel = await AutoencoderModel.load(loaded, { asset: 'pump-1' });
    const [expected] = await daemonModel.score([window]);
    await daemonModel.close();
    expect(expected.anomalous).toBe(true);
    await helper.load(
      [nodes.model, nodes.score],
      [
        { id: 'm', type: 'linewatch-model', path: dir, providers: 'cpu' },
        { id: 's', type: 'linewatch-score', model: 'm', wires: [['out']] },
        { id: 'out', type: 'helper' },
      ],
    );
    const received = nextMessage(helper.getNode('out')!);
    helper.getNode('s')!.receive({ payload: { ...window, data: Array.from(data) } });
    const { payload } = await received;
    expect(payload).toMatchObject({
      score: expected.score,
      anomalous: true,
      verdict: 'anomalous',
      model: 'pump-hybrid',
    });
    expect(payload.top).toEqual(
      expected.contributions.slice(0, 3).map((c) => ({ channel: c.channel, share: c.share, kind: c.kind })),
    );
    // vibration_2 moved alone: what the other channels predict for it is furthest off.
    expect(payload.top[0]).toMatchObject({ channel: 'vibration_2', kind: 'residual' });
  });

  it('falls back to the next execution provider when one is missing, and says so', async () => {
    await helper.load([nodes.model, nodes.score], scoreFlow({}, { providers: 'tensorrt, cpu' }));
    const warned = new Promise<string>((resolve) =>
      helper.getNode('m')!.once('call:warn', (call: { args: unknown[] }) => resolve(String(call.args[0]))),
    );
    const received = nextMessage(helper.getNode('out')!);
    helper.getNode('s')!.receive({ payload: golden });
    expect(await warned).toMatch(/execution provider tensorrt unavailable, trying the next/);
    expect((await received).payload.verdict).toBe('normal');
  });

  it('names the providers tried and the fix when none of them is available (no cpu in the list)', async () => {
    // tensorrt: this machine has no TensorRT libraries (as the fallback test above needs too).
    await helper.load([nodes.model, nodes.score], scoreFlow({}, { providers: 'tensorrt' }));
    const failed = nextError(helper.getNode('s')!);
    helper.getNode('s')!.receive({ payload: golden });
    const message = await failed;
    expect(message).toContain('onnxruntime cannot load it: no execution provider of tensorrt is available (tensorrt: ');
    expect(message).toContain('end the list with cpu, which is always available');
  });

  it('gives a part its pass/fail verdict with the part id, against an overridden threshold', async () => {
    await helper.load([nodes.model, nodes.score], scoreFlow({ threshold: '1e-9', topK: '1' }));
    const received = nextMessage(helper.getNode('out')!);
    helper.getNode('s')!.receive({ payload: { ...golden, partId: 'P-17' } });
    const { payload } = await received;
    expect(payload).toMatchObject({ partId: 'P-17', verdict: 'fail', anomalous: true, threshold: 1e-9 });
    expect(payload.top).toHaveLength(1);
  });

  it("sends a part's cycle time (the window node's durationMs) with its score, for the alarm to count after a gap", async () => {
    await helper.load([nodes.model, nodes.score], scoreFlow());
    const received = nextMessage(helper.getNode('out')!);
    helper.getNode('s')!.receive({ payload: { ...golden, partId: 'P-18', durationMs: 4200 } });
    const { payload } = await received;
    // Before: dropped, so the alarm node counted none of a part's cycle after a gap.
    expect(payload).toMatchObject({ partId: 'P-18', durationMs: 4200 });
    expect(payload.windowSpanMs).toBeUndefined();
  });

  it('scores a burst of windows, each answered in order', async () => {
    await helper.load([nodes.model, nodes.score], scoreFlow());
    const out = collect(helper.getNode('out')!);
    const s = helper.getNode('s')!;
    for (let i = 0; i < 20; i++) s.receive({ payload: { ...golden, end: i } });
    await expect.poll(() => out.length).toBe(20);
    expect(out.map((m) => m.payload.ts)).toEqual([...Array(20).keys()]);
  });

  it('refuses a window the model cannot take, naming what is wrong, and keeps scoring', async () => {
    await helper.load([nodes.model, nodes.score], scoreFlow());
    const s = helper.getNode('s')!;
    const statuses: { fill?: string; text?: string }[] = [];
    s.on('call:status', (call: { args: { fill?: string; text?: string }[] }) => statuses.push(call.args[0]));
    let error = nextError(s);
    s.receive({ payload: { ...golden, channels: ['flow'] } });
    expect(await error).toMatch(/the model takes \[vibration_1, .*\], the window has \[flow\]/);
    // The node shows it too, not only a Catch node.
    await expect
      .poll(() => statuses.at(-1))
      .toMatchObject({ fill: 'red', text: expect.stringMatching(/^msg\.payload\.channels: the model takes/) });
    error = nextError(s);
    const data = [...golden.data];
    data[3] = Number.NaN;
    s.receive({ payload: { ...golden, data } });
    expect(await error).toMatch(/msg\.payload\.data\[3\] \(.+ at sample 0\): not a finite number/);
    const received = nextMessage(helper.getNode('out')!);
    s.receive({ payload: golden });
    expect((await received).payload.verdict).toBe('normal');
  });

  it('finds a shipped model by its relative name when the user directory has none', async () => {
    expect(nodeModelPath('models/pump-ae', tmpdir())).toBe(join(ROOT, 'models/pump-ae'));
    expect(nodeModelPath('models/mine', tmpdir())).toBe(join(tmpdir(), 'models/mine'));
  });

  it('says which model file is wrong when the model cannot load', async () => {
    await helper.load([nodes.model, nodes.score], scoreFlow({}, { path: `${ROOT}/models/does-not-exist` }));
    const s = helper.getNode('s')!;
    const error = nextError(s);
    s.receive({ payload: golden });
    expect(await error).toMatch(/models\/does-not-exist: no such file or directory/);
  });

  it('refuses an unknown execution provider in the model settings', async () => {
    await helper.load([nodes.model, nodes.score], scoreFlow({}, { providers: 'tpu' }));
    const s = helper.getNode('s')!;
    const error = nextError(s);
    s.receive({ payload: golden });
    expect(await error).toMatch(/unknown execution provider\(s\) tpu; use tensorrt, cuda, cpu/);
  });
});

const alarmFlow = (props: Record<string, unknown> = {}) => [
  {
    id: 'a',
    type: 'linewatch-alarm',
    asset: 'pump-1',
    onDelayMs: '0',
    offDelayMs: '0',
    clearRatio: '0.8',
    ...props,
    wires: [['events'], ['lamp']],
  },
  { id: 'events', type: 'helper' },
  { id: 'lamp', type: 'helper' },
];
const score = (value: number, ts: number) => ({
  payload: { asset: 'pump-1', ts, score: value, threshold: 1, top: [{ channel: 'flow', share: 0.7 }] },
});

describe('linewatch-alarm', () => {
  it('raises, is acknowledged by message, and returns: transitions and the lamp', async () => {
    await helper.load([nodes.alarm], alarmFlow());
    const events = collect(helper.getNode('events')!);
    const lamp = collect(helper.getNode('lamp')!);
    const a = helper.getNode('a')!;
    a.receive(score(0.2, 1000));
    a.receive(score(1.5, 1100));
    await expect.poll(() => events.length).toBe(1);
    expect(events[0].payload).toMatchObject({
      asset: 'pump-1',
      alarm: 'anomaly',
      state: 'unack_active',
      previous: 'normal',
      cause: 'condition',
      topChannels: ['flow'],
    });
    expect(events[0].payload.message).toMatch(/anomaly score 1\.500 above threshold 1\.000.*flow 70%/);
    a.receive({ command: 'ack', by: 'operator-7', comment: 'checking the valve' });
    await expect.poll(() => events.length).toBe(2);
    expect(events[1].payload).toMatchObject({
      state: 'ack_active',
      cause: 'operator',
      by: 'operator-7',
      comment: 'checking the valve',
    });
    a.receive(score(0.1, 1300));
    await expect.poll(() => events.length).toBe(3);
    expect(events[2].payload.state).toBe('normal');
    // The first score says the lamp is off (a lamp an earlier deploy left on goes out), then raise and return.
    expect(lamp.map((m) => m.payload)).toEqual([false, true, false]);
    expect(lamp[0].topic).toBe('pump-1/anomaly/lamp');
  });

  it("carries each top channel's kind into the event, and only the kinds the detectors report", async () => {
    await helper.load([nodes.alarm], alarmFlow());
    const events = collect(helper.getNode('events')!);
    const a = helper.getNode('a')!;
    const top = [
      { channel: 'flow', share: 0.6, kind: 'residual' },
      { channel: 'pressure', share: 0.3, kind: 'level' },
    ];
    a.receive({ payload: { asset: 'pump-1', ts: 1000, score: 2, threshold: 1, top } });
    await expect.poll(() => events.length).toBe(1);
    expect(events[0].payload).toMatchObject({ topChannels: ['flow', 'pressure'], topKinds: ['residual', 'level'] });
    // A flow's own message with a kind no detector reports (or none) gives channels without kinds, never the bogus one.
    a.receive({ command: 'ack', by: 'operator-7' });
    a.receive({ payload: { asset: 'pump-1', ts: 2000, score: 0.1, threshold: 1, top } });
    await expect.poll(() => events.length).toBe(3);
    const bogus = [
      { channel: 'flow', share: 0.9, kind: '<img src=x>' },
      { channel: 7, share: 0.1 },
    ];
    a.receive({ payload: { asset: 'pump-1', ts: 3000, score: 3, threshold: 1, top: bogus } });
    await expect.poll(() => events.length).toBe(4);
    expect(events[3].payload.topChannels).toEqual(['flow']);
    expect(events[3].payload).not.toHaveProperty('topKinds');
    expect(events[3].payload.message).toContain('top contributors: flow 90%');
  });

  it('after a (re)deploy, the first score sets the lamp once; a first score that raises sends it on, not off then on', async () => {
    await helper.load([nodes.alarm], alarmFlow());
    const lamp = collect(helper.getNode('lamp')!);
    const events = collect(helper.getNode('events')!);
    const a = helper.getNode('a')!;
    a.receive(score(1.5, 1000));
    await expect.poll(() => events.length).toBe(1);
    a.receive(score(1.6, 1100));
    a.receive(score(1.7, 1200));
    await expect.poll(() => lamp.length).toBe(1);
    expect(lamp.map((m) => m.payload)).toEqual([true]);
  });

  it('waits for the on delay and holds through hysteresis (no chatter)', async () => {
    await helper.load([nodes.alarm], alarmFlow({ onDelayMs: '500', offDelayMs: '0' }));
    const events = collect(helper.getNode('events')!);
    const a = helper.getNode('a')!;
    // Above for 200 ms, a dip below the threshold resets the on delay; then above for 600 ms.
    [
      [1.5, 1000],
      [1.5, 1200],
      [0.9, 1400],
      [1.2, 1600],
      [1.3, 2000],
      [1.4, 2200],
    ].forEach(([v, t]) => a.receive(score(v, t)));
    await expect.poll(() => events.length).toBe(1);
    expect(events[0].payload.ts).toBe(2200);
    // Between clear_ratio × threshold and the threshold the alarm holds; below it, it returns.
    [
      [0.9, 2400],
      [1.1, 2600],
      [0.85, 2800],
      [0.5, 3000],
    ].forEach(([v, t]) => a.receive(score(v, t)));
    await expect.poll(() => events.length).toBe(2);
    expect(events[1].payload.ts).toBe(3000);
    expect(events.map((e) => e.payload.state)).toEqual(['unack_active', 'rtn_unack']);
  });

  it("counts the on delay again after an incomplete window (the window node's second output), as the daemon does", async () => {
    await helper.load([nodes.alarm], alarmFlow({ onDelayMs: '500', offDelayMs: '0' }));
    const events = collect(helper.getNode('events')!);
    const a = helper.getNode('a')!;
    a.receive(score(1.5, 1000));
    a.receive({ payload: { asset: 'pump-1', ts: 1100, reason: 'a sample in the window was missing, stale or bad' } });
    a.receive(score(1.5, 60_000));
    a.receive(score(1.5, 60_400));
    a.receive(score(1.5, 60_500));
    await expect.poll(() => events.length).toBe(1);
    // Raised 500 ms after the first high score after the gap, not at 60,000 (59 s after the one before it).
    expect(events[0].payload.ts).toBe(60_500);
  });

  it('takes a score that is no number (NaN, Infinity) as a gap, as the daemon a window its model failed on', async () => {
    await helper.load([nodes.alarm], alarmFlow({ onDelayMs: '500', offDelayMs: '0' }));
    const events = collect(helper.getNode('events')!);
    const a = helper.getNode('a')!;
    const warnings: string[] = [];
    const statuses: { fill?: string; text?: string }[] = [];
    a.on('call:warn', (call: { args: unknown[] }) => warnings.push(String(call.args[0])));
    a.on('call:status', (call: { args: { fill?: string; text?: string }[] }) => statuses.push(call.args[0]));
    a.receive(score(1.5, 1000));
    a.receive(score(Number.NaN, 1100));
    await expect.poll(() => warnings.length).toBe(1);
    expect(warnings[0]).toBe(
      'pump-1/anomaly: msg.payload.score NaN at 1970-01-01T00:00:01.100Z is no score: taken as a gap (a window that could not be scored), as the daemon takes a window its model failed on',
    );
    expect(statuses.at(-1)).toEqual({ fill: 'yellow', shape: 'ring', text: 'normal; gap: score NaN' });
    // The on delay counts again from the first score after it: raised at 1900, not at 1500.
    [1400, 1500, 1900].forEach((t) => a.receive(score(1.5, t)));
    await expect.poll(() => events.length).toBe(1);
    expect(events[0].payload.ts).toBe(1900);
    expect(statuses.at(-1)).toEqual({ fill: 'red', shape: 'dot', text: 'unack_active' });
    a.receive(score(Number.POSITIVE_INFINITY, 2000));
    await expect.poll(() => warnings.length).toBe(2);
    expect(warnings[1]).toContain('msg.payload.score Infinity at 1970-01-01T00:00:02.000Z is no score');
    expect(statuses.at(-1)).toEqual({ fill: 'yellow', shape: 'ring', text: 'unack_active; gap: score Infinity' });
    a.receive(score(1.5, 2100)); // a score again: the state shows again
    await expect.poll(() => statuses.at(-1)).toEqual({ fill: 'red', shape: 'dot', text: 'unack_active' });
  });

  it('shows a message it refuses in its status, red, until a score comes (a window wired in where a score belongs)', async () => {
    await helper.load([nodes.alarm], alarmFlow());
    const a = helper.getNode('a')!;
    const statuses: { fill?: string; text?: string }[] = [];
    a.on('call:status', (call: { args: { fill?: string; text?: string }[] }) => statuses.push(call.args[0]));
    const error = nextError(a);
    a.receive({ payload: { asset: 'pump-1', channels: ['flow'], length: 1, start: 0, end: 0, data: [1] } });
    expect(await error).toMatch(/^msg\.payload\.score: expected a number \(wire a linewatch-score node in/);
    // Before, it stayed green "normal" while refusing every message.
    expect(statuses.at(-1)).toEqual({
      fill: 'red',
      shape: 'ring',
      text: 'normal; msg.payload.score: expected a number (wire a linewa…', // cut, marked (status-text.ts)
    });
    a.receive(score(0.2, 1000));
    await expect.poll(() => statuses.at(-1)).toEqual({ fill: 'green', shape: 'ring', text: 'normal' });
  });

  it("clears parts' alarm after its off delay when every other cycle is incomplete, counting each part's cycle", async () => {
    await helper.load([nodes.alarm], alarmFlow({ offDelayMs: '1000' }));
    const events = collect(helper.getNode('events')!);
    const a = helper.getNode('a')!;
    const part = (value: number, ts: number) => ({
      payload: {
        ...score(value, ts).payload,
        partId: `P-${ts}`,
        verdict: value > 1 ? 'fail' : 'pass',
        durationMs: 400,
      },
    });
    a.receive(part(1.5, 0));
    await expect.poll(() => events.length).toBe(1);
    // Then a good part (cycle 400 ms) after each incomplete cycle: 400 ms seen below the clear level each time.
    for (let t = 1000; t <= 4000; t += 1000) {
      a.receive({ payload: { asset: 'pump-1', ts: t - 500, reason: 'a sample in the cycle was missing' } });
      a.receive(part(0.1, t));
    }
    // Before: a score after a gap counted none of it (parts carry no window span), so the alarm stayed active for good.
    await expect.poll(() => events.length).toBe(2);
    // 0 at 1000 (the first counts no time before it), 400 at 2000, 800 at 3000, 1200 at 4000.
    expect(events[1].payload).toMatchObject({ state: 'rtn_unack', ts: 4000 });
  });

  it('with a sustain time, a score between the clear level and the threshold for that long raises it', async () => {
    await helper.load([nodes.alarm], alarmFlow({ sustainMs: '1000' }));
    const events = collect(helper.getNode('events')!);
    const a = helper.getNode('a')!;
    // 0.9: above 0.8 × threshold, below the threshold, from 1000 ms on; a dip at 1400 starts the time again.
    [
      [0.9, 1000],
      [0.9, 1200],
      [0.5, 1400],
      [0.9, 1600],
      [0.9, 2400],
      [0.9, 2600],
    ].forEach(([v, t]) => a.receive(score(v, t)));
    await expect.poll(() => events.length).toBe(1);
    expect(events[0].payload).toMatchObject({ state: 'unack_active', ts: 2600 });
    // Without one (the default), the same scores never raise it.
    await helper.unload();
    await helper.load([nodes.alarm], alarmFlow());
    const quiet = collect(helper.getNode('events')!);
    const b = helper.getNode('a')!;
    [0, 1000, 5000, 60_000].forEach((t) => b.receive(score(0.9, t)));
    b.receive(score(1.5, 60_100));
    await expect.poll(() => quiet.length).toBe(1);
    expect(quiet[0].payload.ts).toBe(60_100);
  });

  it('refuses commands it cannot carry out, through done(err)', async () => {
    await helper.load([nodes.alarm], alarmFlow());
    const a = helper.getNode('a')!;
    let error = nextError(a);
    a.receive({ command: 'ack', by: 'op' });
    expect(await error).toMatch(/pump-1\/anomaly: ack refused/);
    error = nextError(a);
    a.receive({ command: 'shelve', by: 'op' });
    expect(await error).toMatch(/msg.duration_s: shelve needs a positive number of seconds/);
    error = nextError(a);
    a.receive({ command: 'silence', by: 'op' });
    expect(await error).toMatch(/"silence" is not one of ack, shelve/);
    error = nextError(a);
    a.receive({ command: 'ack', by: 'op', comment: 42 });
    expect(await error).toBe('msg.comment: expected text, got number');
    error = nextError(a);
    a.receive({ command: 'ack', by: '  ' });
    expect(await error).toBe('msg.by: who is doing "ack" (a name or badge) is required');
    error = nextError(a);
    a.receive({ payload: { value: 3 } });
    expect(await error).toMatch(/msg.payload.score: expected a number/);
  });

  // Regression: the alarm node took a name and a comment of any length (a 10 MB msg.by went into the alarm's event),
  // where the gateway refuses more than MAX_BY_CHARS and MAX_COMMENT_CHARS.
  it("refuses a name or comment longer than the gateway's bound, naming the field", async () => {
    await helper.load([nodes.alarm], alarmFlow());
    const a = helper.getNode('a')!;
    let error = nextError(a);
    a.receive({ command: 'ack', by: 'b'.repeat(MAX_BY_CHARS + 1) });
    expect(await error).toBe(`msg.by: at most ${MAX_BY_CHARS} characters, who is doing "ack" (a name or badge)`);
    error = nextError(a);
    a.receive({ command: 'ack', payload: { by: 'op', comment: 'c'.repeat(MAX_COMMENT_CHARS + 1) } });
    expect(await error).toBe(`msg.comment: at most ${MAX_COMMENT_CHARS} characters`);
    error = nextError(a);
    a.receive({ command: 'shelve', by: 'op', duration_s: Infinity });
    expect(await error).toBe('msg.duration_s: shelve needs a positive number of seconds, got Infinity');
  });

  // Walk nrwalk (2026-12-07): an inject node's duration_s left at its default type (a string) was refused with
  // "got 60", as if 60 seconds were the fault; a shelve with no duration said "got undefined".
  it('names a duration given as text, and one not given, in a refused shelve', async () => {
    await helper.load([nodes.alarm], alarmFlow());
    const a = helper.getNode('a')!;
    const refusal = (duration: Record<string, unknown>) => {
      const error = nextError(a);
      a.receive({ command: 'shelve', by: 'op', ...duration });
      return error;
    };
    const why = 'msg.duration_s: shelve needs a positive number of seconds, got';
    expect(await refusal({ duration_s: '60' })).toBe(
      `${why} the text "60": set it as a number (an inject or change node's type 0-9), not a string`,
    );
    expect(await refusal({ duration_s: '9'.repeat(100) })).toContain(`got the text "${'9'.repeat(40)}…": set it`);
    expect(await refusal({})).toBe(`${why} none`);
  });

  // Regression: a control character in who or why went into the alarm's event message (a forged line, a bidi override).
  it('refuses a control character in msg.by, and in msg.comment but for line breaks and tabs', async () => {
    await helper.load([nodes.alarm], alarmFlow());
    const a = helper.getNode('a')!;
    let error = nextError(a);
    a.receive({ command: 'ack', by: 'op\r\nanomaly: reset by admin' });
    expect(await error).toBe('msg.by: a control character (\\r) at character 3: printable text only');
    error = nextError(a);
    a.receive({ command: 'ack', payload: { by: 'op', comment: 'seen\n\u009b31m' } });
    expect(await error).toBe('msg.comment: a control character (\\u009b) at character 6: printable text only');
    error = nextError(a);
    a.receive({ command: 'ack', by: 'op', comment: 'seen\n\tcalled maintenance' });
    expect(await error).toMatch(/ack refused: nothing to acknowledge/);
  });

  it('refuses bad settings with the setting named', async () => {
    await helper.load([nodes.alarm], alarmFlow({ clearRatio: '1.5' }));
    const a = helper.getNode('a')!;
    const error = nextError(a);
    a.receive(score(2, 1));
    // The field and its range as the dialog says them (field-rules.ts: one rule; it said "clear_ratio" alone, then
    // zod's "Too big: expected number to be <=1").
    expect(await error).toBe('Clear ratio: a number above 0 to 1, or empty for the default');
  });

  it('names a field that is not a number as the dialog does', async () => {
    await helper.load([nodes.alarm], alarmFlow({ onDelayMs: '1s' }));
    const a = helper.getNode('a')!;
    const error = nextError(a);
    a.receive(score(2, 1));
    // It said 'onDelayMs: "1s" is not a number', then 'On delay: "1s" is not a number' where the dialog said this.
    expect(await error).toBe('On delay: a whole number from 0, or empty for the default');
  });
});

describe('linewatch-score and linewatch-alarm with a calibrated model: the alarm eval measures and the daemon raises', () => {
  // A hybrid model fitted as `linewatch train` fits it: calibrated on and off thresholds, 32-row windows at 1 s.
  let dir: string;
  let fitted: {
    score: { threshold: number; off_threshold: number };
    input: { window_length: number; sample_period_ms: number; channels: { name: string }[] };
    golden: { input: number[] };
  };
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lw-nr-hybrid-'));
    const res = await runCli([
      'train',
      '--csv',
      join(ROOT, 'data/skab/anomaly-free/anomaly-free.csv'),
      '--train-rows',
      '400',
      ...SKAB_RENAME,
      '--out',
      dir,
    ]);
    expect(res.code).toBe(0);
    fitted = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  });
  const window = (extra: Record<string, unknown> = {}) => ({
    payload: {
      asset: 'pump-1',
      channels: fitted.input.channels.map((c) => c.name),
      length: fitted.input.window_length,
      start: 0,
      end: 1000,
      data: fitted.golden.input,
      ...extra,
    },
  });

  it("sends the model's clear level and, for a sliding window, its span", async () => {
    await helper.load(
      [nodes.model, nodes.score],
      [
        { id: 'm', type: 'linewatch-model', path: dir, providers: 'cpu' },
        { id: 's', type: 'linewatch-score', model: 'm', wires: [['out']] },
        { id: 'out', type: 'helper' },
      ],
    );
    const s = helper.getNode('s')!;
    let received = nextMessage(helper.getNode('out')!);
    s.receive(window());
    const { payload } = await received;
    expect(payload.threshold).toBe(fitted.score.threshold);
    expect(payload.offThreshold).toBe(fitted.score.off_threshold);
    expect(payload.offThreshold).toBeLessThan(payload.threshold);
    expect(payload.windowSpanMs).toBe(fitted.input.window_length * fitted.input.sample_period_ms);
    received = nextMessage(helper.getNode('out')!);
    s.receive(window({ partId: 'P-1' }));
    const part = (await received).payload;
    expect(part.offThreshold).toBe(fitted.score.off_threshold);
    expect(part).not.toHaveProperty('windowSpanMs'); // a part is judged alone
  });

  it('scales the clear level with a threshold set on the score node', async () => {
    await helper.load(
      [nodes.model, nodes.score],
      [
        { id: 'm', type: 'linewatch-model', path: dir, providers: 'cpu' },
        { id: 's', type: 'linewatch-score', model: 'm', threshold: '100', wires: [['out']] },
        { id: 'out', type: 'helper' },
      ],
    );
    const received = nextMessage(helper.getNode('out')!);
    helper.getNode('s')!.receive(window());
    const { payload } = await received;
    expect(payload.threshold).toBe(100);
    expect(payload.offThreshold).toBeCloseTo((fitted.score.off_threshold / fitted.score.threshold) * 100, 9);
  });
});

describe("linewatch-alarm left at its defaults takes the scores' clear level and window span", () => {
  const calibrated = (value: number, ts: number, extra: Record<string, unknown> = {}) => ({
    payload: { asset: 'pump-1', ts, score: value, threshold: 1, offThreshold: 0.4, windowSpanMs: 1000, ...extra },
  });
  const defaults = (props: Record<string, unknown> = {}) => alarmFlow({ clearRatio: '', onDelayMs: '0', ...props });

  it('raises on a score above the clear level for the window span, and clears only below the clear level', async () => {
    await helper.load([nodes.alarm], defaults());
    const events = collect(helper.getNode('events')!);
    const a = helper.getNode('a')!;
    // 0.5: above the model's clear level 0.4 (below 0.8 × threshold), for 1000 ms: raised by the sustain rule.
    [0, 500, 1000].forEach((t) => a.receive(calibrated(0.5, t)));
    await expect.poll(() => events.length).toBe(1);
    expect(events[0].payload).toMatchObject({ state: 'unack_active', ts: 1000 });
    // 0.6 is below 0.8 × threshold but above 0.4: it holds; 0.3 clears.
    a.receive(calibrated(0.6, 2000));
    a.receive(calibrated(0.3, 3000));
    await expect.poll(() => events.length).toBe(2);
    expect(events[1].payload).toMatchObject({ state: 'rtn_unack', ts: 3000 });
  });

  /** The node at its defaults, raised at 0 by scores whose largest normal score (0.2) lies below the clear level. */
  async function raisedWithHold() {
    await helper.load([nodes.alarm], defaults());
    const events = collect(helper.getNode('events')!);
    const a = helper.getNode('a')!;
    const held = (value: number, ts: number) => calibrated(value, ts, { clearThreshold: 0.2 });
    a.receive(held(1.5, 0));
    await expect.poll(() => events.length).toBe(1);
    return { a, events, held };
  }

  it("holds a raised alarm at the scores' largest normal score for at most the window span, as the daemon", async () => {
    const { a, events, held } = await raisedWithHold();
    // 0.3: below the clear level 0.4, above the largest normal score 0.2: held for the window span (1000 ms) only.
    [500, 1000, 1499].forEach((t) => a.receive(held(0.3, t)));
    a.receive(held(1.5, 1600)); // back above the threshold: the hold starts again
    [1700, 2000, 2699].forEach((t) => a.receive(held(0.3, t)));
    a.receive(held(0.3, 2700));
    await expect.poll(() => events.length).toBe(2);
    expect(events[1].payload).toMatchObject({ state: 'rtn_unack', ts: 2700 });
    expect(events[1].payload.message).toBe(
      'pump-1: anomaly score at or below its clear level 0.400 for 1000 ms, not back below the largest normal score 0.200: settled, no longer held (unack_active → rtn_unack)',
    );
  });

  it('pauses the hold across a score that is no number, counting the window of the score after it', async () => {
    const { a, events, held } = await raisedWithHold();
    a.receive(held(0.3, 500)); // held: below the clear level 0.4, above the largest normal score 0.2
    a.receive(held(Number.NaN, 600));
    // A minute later: not a minute seen at 0.3, the score's own window (1000 ms, the sustain time): settled.
    a.receive(held(0.3, 60_000));
    await expect.poll(() => events.length).toBe(2);
    expect(events[1].payload).toMatchObject({ state: 'rtn_unack', ts: 60_000 });
    expect(events[1].payload.message).toContain('at or below its clear level 0.400 for 1000 ms');
  });

  it('a sustain time of 0 switches it off, and a clear ratio sets the clear level', async () => {
    await helper.load([nodes.alarm], defaults({ sustainMs: '0', clearRatio: '0.8' }));
    const events = collect(helper.getNode('events')!);
    const a = helper.getNode('a')!;
    [0, 1000, 5000].forEach((t) => a.receive(calibrated(0.9, t)));
    a.receive(calibrated(1.5, 6000));
    await expect.poll(() => events.length).toBe(1);
    expect(events[0].payload.ts).toBe(6000);
    a.receive(calibrated(0.7, 7000)); // below 0.8 × threshold: clears, though above the scores' 0.4
    await expect.poll(() => events.length).toBe(2);
    expect(events[1].payload).toMatchObject({ state: 'rtn_unack', ts: 7000 });
  });

  it("scales the scores' clear level with a threshold set on the alarm node", async () => {
    // The node's threshold 10 against the score's 1: the clear level 0.4 becomes 4; 5 holds the alarm, 3 clears it.
    await helper.load([nodes.alarm], defaults({ threshold: '10' }));
    const events = collect(helper.getNode('events')!);
    const a = helper.getNode('a')!;
    a.receive(calibrated(11, 0));
    await expect.poll(() => events.length).toBe(1);
    a.receive(calibrated(5, 1000));
    a.receive(calibrated(3, 2000));
    await expect.poll(() => events.length).toBe(2);
    expect(events[1].payload).toMatchObject({ state: 'rtn_unack', ts: 2000 });
    // A clear level without the threshold it was calibrated with cannot be scaled: refused.
    const error = nextError(a);
    a.receive({ payload: { score: 0.5, offThreshold: 0.4 } });
    expect(await error).toMatch(/msg\.payload\.offThreshold: needs msg\.payload\.threshold/);
  });

  it('never raises sooner than its on delay, whatever span a message claims, and says a sustained raise is one', async () => {
    await helper.load([nodes.alarm], defaults({ onDelayMs: '10000' }));
    const events = collect(helper.getNode('events')!);
    const a = helper.getNode('a')!;
    [0, 1, 5000, 9999].forEach((t) => a.receive(calibrated(0.5, t, { windowSpanMs: 1 })));
    a.receive(calibrated(0.5, 10_000, { windowSpanMs: 1 }));
    await expect.poll(() => events.length).toBe(1);
    expect(events[0].payload.ts).toBe(10_000);
    expect(events[0].payload.message).toBe(
      'pump-1: anomaly score 0.500 above its clear level 0.400 for 10000 ms, below the threshold 1.000: a sustained deviation; top contributors: ',
    );
  });

  it('refuses a malformed clear level, span or time, naming it', async () => {
    await helper.load([nodes.alarm], defaults());
    const a = helper.getNode('a')!;
    let error = nextError(a);
    a.receive(calibrated(0.5, 0, { offThreshold: 1.2 }));
    expect(await error).toMatch(/msg\.payload\.offThreshold: 1\.2 must be below msg\.payload\.threshold \(1\)/);
    error = nextError(a);
    a.receive(calibrated(0.5, 0, { windowSpanMs: 'long' }));
    expect(await error).toMatch(/msg\.payload\.windowSpanMs: expected a positive number or nothing, got "long"/);
    error = nextError(a);
    a.receive(calibrated(0.5, 0, { offThreshold: Number.NaN }));
    expect(await error).toMatch(/msg\.payload\.offThreshold: expected a positive number or nothing, got NaN/);
    error = nextError(a);
    a.receive(calibrated(0.5, Number.NaN));
    expect(await error).toMatch(/msg\.payload\.ts: expected a time in ms since the epoch or nothing, got NaN/);
  });
});
