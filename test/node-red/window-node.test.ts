/** The linewatch-window node in a Node-RED runtime (node-red-node-test-helper). */
import { afterEach, describe, expect, it } from 'vitest';
import { encodeRegisters } from '../../src/sources/modbus/encoding.js';
import { parseRegisterFields, samplesFromMessage } from '../../src/node-red/message-samples.js';
import { windowSettings } from '../../src/node-red/window-node.js';
import { TimestampBatches } from '../../src/windows/timestamp-batches.js';
import { ROOT } from '../helpers/cli.js';
import { collect, helper, nextError, nodes, windowFlow } from './helper.js';

afterEach(() => helper.unload());

const flow = windowFlow;

/** One good sample of `channel` at `ts`, as the window node makes them. */
const sampleAt = (channel: string, ts: number) => ({
  source: 'x',
  asset: 'a',
  channel,
  ts,
  value: 1,
  quality: 'good' as const,
});

/** Message times as a PLC or OPC UA server stamps them: epoch milliseconds of a day in 2026. */
const T = Date.UTC(2026, 11, 6);

describe('linewatch-window', () => {
  it('emits sliding windows, time-major, from {channel: value} payloads', async () => {
    await helper.load([nodes.window], flow({}));
    const out = collect(helper.getNode('out')!);
    const w = helper.getNode('w')!;
    for (let i = 0; i < 4; i++) w.receive({ payload: { a: i, b: 10 * i }, timestamp: T + 1000 + 100 * i });
    await expect.poll(() => out.length).toBe(2);
    expect(out[0].payload).toEqual({
      asset: 'pump-1',
      channels: ['a', 'b'],
      length: 3,
      start: T + 1000,
      end: T + 1200,
      data: [0, 0, 1, 10, 2, 20],
    });
    expect(out[1].payload.data).toEqual([1, 10, 2, 20, 3, 30]);
  });

  it('makes one row per source timestamp from one-tag-per-message input; a bad-quality sample makes its window incomplete', async () => {
    await helper.load([nodes.window], flow({ format: 'topic', length: '1' }));
    const out = collect(helper.getNode('out')!);
    const bad = collect(helper.getNode('bad')!);
    const w = helper.getNode('w')!;
    w.receive({ topic: 'a', payload: 1, timestamp: T + 1000 });
    w.receive({ topic: 'b', payload: 2, timestamp: T + 1000 });
    w.receive({
      topic: 'a',
      payload: null,
      statusCode: { name: 'BadSensorFailure', value: 0x808b0000 },
      timestamp: T + 1100,
    });
    w.receive({ topic: 'b', payload: 3, timestamp: T + 1200 });
    await expect.poll(() => bad.length).toBe(1);
    expect(out).toHaveLength(1);
    expect(out[0].payload).toMatchObject({ start: T + 1000, end: T + 1000, data: [1, 2] });
    expect(bad[0].payload).toMatchObject({
      asset: 'pump-1',
      ts: T + 1100,
      reason: expect.stringMatching(/missing, stale or bad/),
    });
  });

  it("cuts the model's windows from its manifest, even where the runtime cannot load the model (providers)", async () => {
    // pump-ae: 7 channels, 20 rows. tensorrt alone is not available here: the scorer fails, the windows still come.
    const model = { id: 'm', type: 'linewatch-model', path: `${ROOT}/models/pump-ae`, providers: 'tensorrt' };
    await helper.load(
      [nodes.model, nodes.window],
      [model, ...flow({ model: 'm', channels: '', length: '', hop: '20' })],
    );
    const out = collect(helper.getNode('out')!);
    const channels = ['vibration_1', 'vibration_2', 'motor_current', 'voltage', 'pressure', 'temperature', 'flow'];
    const w = helper.getNode('w')!;
    for (let i = 0; i < 20; i++)
      w.receive({ payload: Object.fromEntries(channels.map((c, j) => [c, i + j])), timestamp: T + 200 * i });
    await expect.poll(() => out.length).toBe(1);
    expect(out[0].payload).toMatchObject({ asset: 'pump-1', channels, length: 20, start: T, end: T + 19 * 200 });
  });

  it('decodes node-red-contrib-modbus register arrays with the register list (word orders, scale)', async () => {
    const registers = 'flow 0 uint32 CDAB 0.001\npressure 2 float32 BADC\nrunning 4 bit.1';
    await helper.load(
      [nodes.window],
      flow({ format: 'registers', registers, channels: 'flow,pressure,running', length: '1' }),
    );
    const out = collect(helper.getNode('out')!);
    const words = [...encodeRegisters(12345, 'uint32', 'CDAB'), ...encodeRegisters(3.5, 'float32', 'BADC'), 0b10];
    helper.getNode('w')!.receive({ payload: words, timestamp: T + 5000 });
    await expect.poll(() => out.length).toBe(1);
    expect(out[0].payload.data).toEqual([Math.fround(12.345), 3.5, 1]);
  });

  it("scales a register as the gateway's Modbus source does: a decimal scale reads as written", () => {
    const registers = parseRegisterFields('level 0 uint16 0.0001\ntemp 1 int16 0.1');
    const samples = samplesFromMessage(
      { payload: [293, 3], timestamp: T },
      { format: 'registers', asset: 'p', registers },
      T,
    );
    expect(samples.map((x) => x.value)).toEqual([0.0293, 0.3]);
  });

  it('cuts one window per part on a cycle flag, carrying the part id', async () => {
    await helper.load(
      [nodes.window],
      flow({
        mode: 'cycle',
        channels: 'force',
        length: '4',
        triggerChannel: 'active',
        partIdChannel: 'counter',
        minSamples: '2',
      }),
    );
    const out = collect(helper.getNode('out')!);
    const w = helper.getNode('w')!;
    const rows = [
      [0, 0, 7],
      [1, 5, 8],
      [1, 6, 8],
      [1, 7, 8],
      [0, 0, 8],
    ];
    rows.forEach(([active, force, counter], i) =>
      w.receive({ payload: { active, force, counter }, timestamp: T + 1000 + i * 100 }),
    );
    await expect.poll(() => out.length).toBe(1);
    expect(out[0].payload).toMatchObject({ asset: 'pump-1', partId: '8', length: 4, start: T + 1100, end: T + 1300 });
  });

  it('reports a payload it cannot read through done(err), naming the field, and keeps running', async () => {
    await helper.load([nodes.window], flow({ length: '1' }));
    const w = helper.getNode('w')!;
    const out = collect(helper.getNode('out')!);
    const error = nextError(w);
    w.receive({ payload: { a: 'high', b: 1 } });
    expect(await error).toMatch(/msg\.payload\.a: expected a number or boolean, got a string \("high"\)/);
    w.receive({ payload: { a: 1, b: 1 } });
    await expect.poll(() => out.length).toBe(1);
  });

  it('refuses bad settings with the setting named', async () => {
    await helper.load([nodes.window], flow({ mode: 'cycle' }));
    const w = helper.getNode('w')!;
    const error = nextError(w);
    w.receive({ payload: { a: 1, b: 1 } });
    expect(await error).toMatch(/cycle windows need a trigger channel/);
  });

  it('refuses a register list without a line for one of its channels at deploy, naming the channel', async () => {
    // Before, it deployed and every window came out incomplete ("running missing"), seconds later.
    const registers = 'flow 0 uint32 CDAB 0.001\npressure 2 float32 BADC';
    await helper.load(
      [nodes.window],
      flow({ format: 'registers', registers, channels: 'flow,pressure,running', length: '1' }),
    );
    const w = helper.getNode('w')!;
    const error = nextError(w);
    w.receive({ payload: [0, 0, 0, 0, 0] });
    expect(await error).toMatch(
      /register list: no line for running \(the window takes flow, pressure, running\): without one every window/,
    );
  });

  it.each([
    [
      'its part id',
      'cycle_active 0 bit.0\nforce 3 float32 CDAB',
      'register list: no line for serial, the part id: without one the parts are numbered 1, 2, … instead of named by ' +
        'it; a register list reads numbers, not text (a serial number): list a part counter and set Part id to it, ' +
        'or send the part id in object messages',
    ],
    [
      'its trigger',
      'force 3 float32 CDAB\npart_counter 1 uint32',
      "register list: no line for cycle_active, the parts' trigger: without one no part is cut",
    ],
  ])('refuses a part window whose register list has no line for %s at deploy', async (_, registers, message) => {
    // Regression (qiwalk-s39): a part model with the serial as its part id, read from registers, named its parts
    // 1, 2, 3.
    const part = { mode: 'cycle', triggerChannel: 'cycle_active', partIdChannel: 'serial' };
    const cycle = { ...part, format: 'registers', registers, channels: 'force', length: '4' };
    await helper.load([nodes.window], flow(cycle));
    const w = helper.getNode('w')!;
    const error = nextError(w);
    w.receive({ payload: [1, 0, 7, 0, 0, 0, 0] });
    expect(await error).toBe(message);
  });

  it('reports a node that is not set up once, not with every message (a Modbus read every 200 ms)', async () => {
    await helper.load([nodes.window], flow({ hop: '0' }));
    const w = helper.getNode('w')! as ReturnType<typeof helper.getNode> & {
      _complete(msg: unknown, err?: Error): void;
    };
    // Every message ends in done(), with an error or without: count both.
    const ended: (Error | undefined)[] = [];
    const complete = w._complete.bind(w);
    w._complete = (msg, err) => {
      ended.push(err);
      complete(msg, err);
    };
    for (let i = 0; i < 5; i++) w.receive({ payload: { a: i, b: i } });
    await expect.poll(() => ended.length).toBe(5);
    // Before: five errors, one a message, in the debug sidebar and the log.
    expect(ended.map((e) => e?.message)).toEqual([
      'window pump-1 is not set up: Hop: a whole number from 1, or empty for the default',
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('a time grid needs a model (its sample period), and says so', async () => {
    await helper.load([nodes.window], flow({ align: 'linear' }));
    const w = helper.getNode('w')!;
    const error = nextError(w);
    w.receive({ payload: { a: 1, b: 1 } });
    expect(await error).toMatch(/align linear puts samples on the model's time grid: choose a model/);
  });
});

describe('window settings on a part model (pure)', () => {
  const node = (props: Record<string, string>) => ({ id: 'w', type: 'linewatch-window', ...props });
  const cut = {
    cycleChannel: 'cycle_active',
    trigger: 'counter',
    partIdChannel: 'serial',
    minRows: 40,
    maxRows: 200,
  } as const;

  it('takes the cut the model learned where the node leaves trigger and bounds empty, as the editor saves them', () => {
    const { window } = windowSettings(node({ mode: 'cycle', triggerChannel: '', minSamples: '', maxSamples: '' }), cut);
    expect(window).toMatchObject({
      type: 'cycle',
      trigger_channel: 'cycle_active',
      trigger: 'counter',
      part_id_channel: 'serial',
      min_samples: 40,
      max_samples: 200,
    });
  });

  it('keeps what the node sets; a sliding window takes nothing from the cut', () => {
    const set = windowSettings(
      node({ mode: 'cycle', triggerChannel: 'active', trigger: 'flag', minSamples: '10', maxSamples: '' }),
      cut,
    ).window;
    expect(set).toMatchObject({ trigger_channel: 'active', trigger: 'flag', min_samples: 10, max_samples: 200 });
    expect(set).not.toHaveProperty('part_id_channel');
    const sliding = windowSettings(node({ mode: 'sliding', minSamples: '', maxSamples: '' }), cut).window;
    expect(sliding).toMatchObject({ type: 'sliding', min_samples: 5, max_samples: 10_000 });
    expect(sliding).not.toHaveProperty('trigger_channel');
  });
});

describe('message → samples (pure)', () => {
  it('unwraps the DataValue payloads of contrib-opcua "multiple" subscriptions', () => {
    const ts = new Date('2026-01-01T00:00:01Z');
    const [s] = samplesFromMessage(
      {
        topic: 'ns=1;s=Pump1.flow',
        payload: { value: { dataType: 'Double', value: 7.5 }, statusCode: { value: 0 }, sourceTimestamp: ts },
      },
      { format: 'topic', asset: 'p', topics: new Map([['ns=1;s=Pump1.flow', 'flow']]) },
      5,
    );
    expect(s).toMatchObject({ channel: 'flow', value: 7.5, ts: ts.getTime(), quality: 'good' });
  });

  it('groups one-tag messages into rows by source timestamp', () => {
    const b = new TimestampBatches();
    const s = sampleAt;
    expect(b.push([s('a', 1), s('b', 1)])).toEqual([]);
    expect(b.push([s('a', 2)])).toEqual([[s('a', 1), s('b', 1)]]);
    // A late sample of an older tick joins the open row rather than going back in time.
    expect(b.push([s('b', 1), s('b', 3)])).toEqual([[s('a', 2), s('b', 1)]]);
  });

  it('a stamp far ahead does not hold back the rows after it: an open row holds one sample per channel', () => {
    const b = new TimestampBatches();
    const s = sampleAt;
    b.push([s('a', T + 365 * 86_400_000)]); // a device clock a year ahead, once
    const rows = [];
    for (let i = 1; i <= 1000; i++) rows.push(...b.push([s('a', T + i * 100), s('b', T + i * 100)]));
    // Before: every later sample joined the open batch (nothing emitted, the batch growing without bound).
    expect(rows).toHaveLength(1000);
    expect(rows.slice(1).every((row) => row.length === 2 && row[0].ts === row[1].ts)).toBe(true);
  });

  it('takes the same sample delivered twice (an MQTT QoS 1 duplicate) once, in its own row', () => {
    const b = new TimestampBatches();
    const s = sampleAt;
    const rows = [
      ...b.push([s('a', T + 100), s('b', T + 100)]),
      ...b.push([s('a', T + 200), s('a', T + 200), s('b', T + 200)]),
      ...b.push([s('a', T + 300)]),
    ];
    // Before: the duplicate closed the row: a@200 alone, then a@200 with b@200 (a row twice).
    expect(rows.map((row) => row.map((x) => `${x.channel}@${x.ts - T}`))).toEqual([
      ['a@100', 'b@100'],
      ['a@200', 'b@200'],
    ]);
  });

  it.each([
    ['March 7', 'expected epoch milliseconds or an ISO 8601 time with a zone, got a string ("March 7")'],
    [1.7e9, 'expected epoch milliseconds, got 1700000000 (epoch seconds?)'],
    [-8.64e15, 'expected epoch milliseconds, got -8640000000000000'],
    [
      '2026-12-06 08:00',
      'expected epoch milliseconds or an ISO 8601 time with a zone, got a string ("2026-12-06 08:00")',
    ],
  ])('refuses msg.timestamp %j by name, instead of putting the sample decades off', (timestamp, problem) => {
    expect(() => samplesFromMessage({ payload: { a: 1 }, timestamp }, { format: 'object', asset: 'x' }, T)).toThrow(
      `msg.timestamp: ${problem}`,
    );
  });

  it('takes an OPC UA sourceTimestamp of MinDateTime (1601, none) as no stamp: the server clock, else arrival', () => {
    const topics = new Map([['ns=1;s=Flow', 'flow']]);
    const minDate = new Date(Date.UTC(1601, 0, 1));
    const message = { topic: 'ns=1;s=Flow', payload: 3, sourceTimestamp: minDate };
    expect(samplesFromMessage(message, { format: 'topic', asset: 'p', topics }, T)[0].ts).toBe(T);
    const server = new Date(T - 50);
    const [s] = samplesFromMessage({ ...message, serverTimestamp: server }, { format: 'topic', asset: 'p', topics }, T);
    expect(s.ts).toBe(T - 50);
  });

  it('quotes no more than the start of a hostile text value in its error', () => {
    const huge = 'x'.repeat(5_000_000);
    expect(() => samplesFromMessage({ payload: { a: huge } }, { format: 'object', asset: 'x' }, T)).toThrow(
      'msg.payload.a: expected a number or boolean, got a string ("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…")',
    );
  });

  it('names the register list line that is wrong', () => {
    expect(() => parseRegisterFields('flow 0 uint32\npressure x float32')).toThrow(
      /line 2 \("pressure x float32"\): offset "x"/,
    );
    expect(() => parseRegisterFields('flow 0 real32')).toThrow(/type "real32" is not one of/);
    expect(() => parseRegisterFields('flow 0 uint16 ABDC')).toThrow(/"ABDC" is neither a byte order/);
  });

  it('refuses a register array too short for the list, naming the channel', () => {
    const registers = parseRegisterFields('flow 0 uint16\npressure 1 float32');
    expect(() => samplesFromMessage({ payload: [1, 2] }, { format: 'registers', asset: 'x', registers }, 0)).toThrow(
      /pressure at offset 1 needs 2 register\(s\), msg.payload has 2/,
    );
    expect(() =>
      samplesFromMessage({ payload: [1, 70000, 3] }, { format: 'registers', asset: 'x', registers }, 0),
    ).toThrow(/msg.payload\[1\]: expected a 16-bit register value/);
  });

  it('takes the source timestamp and OPC UA status of node-red-contrib-opcua messages', () => {
    const ts = new Date('2026-01-01T00:00:00Z');
    const [s] = samplesFromMessage(
      { topic: 'ns=1;s=Flow', payload: 3, sourceTimestamp: ts, statusCode: { name: 'UncertainLastUsableValue' } },
      { format: 'topic', asset: 'p', topics: new Map([['ns=1;s=Flow', 'flow']]) },
      99,
    );
    expect(s).toMatchObject({ channel: 'flow', value: 3, ts: ts.getTime(), received: 99, quality: 'uncertain' });
  });
});
