/**
 * A part already being made when the linewatch-window node reads its trigger first is sent unknown on the second
 * output, saying that the window node started then (its flow deployed, or Node-RED started), not the gateway.
 * Regression (qiwalk-s39): in a flow the first part's reason said "the gateway started or restarted mid-cycle".
 */
import { afterEach, describe, expect, it } from 'vitest';
import { collect, helper, nodes, windowFlow } from './helper.js';

afterEach(() => helper.unload());

/** Message times as a PLC stamps them: epoch milliseconds of a day in 2026. */
const T = Date.UTC(2026, 11, 8);

describe('linewatch-window: a part running when the node started', () => {
  it('is sent unknown, its reason naming the window node and its flow, then parts are windowed as usual', async () => {
    const settings = { mode: 'cycle', channels: 'force', length: '4', triggerChannel: 'active', minSamples: '2' };
    await helper.load([nodes.window], windowFlow({ ...settings, partIdChannel: 'counter' }));
    const w = helper.getNode('w')!;
    const out = collect(helper.getNode('out')!);
    const bad = collect(helper.getNode('bad')!);
    // Part 7 is mid-stroke at the first message; part 8 is pressed whole.
    const rows = [
      [1, 7],
      [1, 7],
      [0, 7],
      [1, 8],
      [1, 8],
      [1, 8],
      [0, 8],
    ];
    rows.forEach(([active, counter], i) =>
      w.receive({ payload: { active, force: active * (5 + i), counter }, timestamp: T + 100 * i }),
    );
    await expect.poll(() => out.length).toBe(1);
    expect(bad.map((m) => m.payload)).toEqual([
      {
        asset: 'pump-1',
        partId: '7',
        ts: T + 200,
        reason:
          'its start was not seen: the cycle was already running when its trigger was first read (the window node ' +
          'started mid-cycle: its flow was deployed or Node-RED started)',
      },
    ]);
    expect(out[0].payload.partId).toBe('8');
  });
});
