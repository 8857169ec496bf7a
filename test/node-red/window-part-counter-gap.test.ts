/**
 * The linewatch-window node sends a part its part counter skipped (made while its readings were lost: a PLC that did
 * not answer for a whole part) on its second output, as the gateway records it unknown; a counter that goes back (a
 * PLC restarted) is a warning, no part. Regression (qiwalk-s39): the gateway's counter went from 650 to 652 and part
 * 651 had no record; the window node shares the gateway's rule (src/runtime/part-counter-gaps.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { collect, helper, nodes, windowFlow } from './helper.js';

afterEach(() => helper.unload());

/** Message times as a PLC stamps them: epoch milliseconds of a day in 2026. */
const T = Date.UTC(2026, 11, 8);

/** Parts [counter, second]: each idle, three rows pressing, idle (100 ms a row) from its second on. */
function press(w: { receive(msg: object): void }, parts: readonly (readonly [number, number])[]) {
  for (const [counter, s] of parts)
    [0, 1, 1, 1, 0].forEach((active, i) =>
      w.receive({ payload: { active, force: active * (5 + i), counter }, timestamp: T + 1000 * s + 100 * i }),
    );
}

async function load() {
  const settings = { mode: 'cycle', channels: 'force', length: '4', triggerChannel: 'active', minSamples: '2' };
  await helper.load([nodes.window], windowFlow({ ...settings, partIdChannel: 'counter' }));
  const w = helper.getNode('w')!;
  const warnings: string[] = [];
  w.on('call:warn', (call: { args: string[] }) => warnings.push(call.args[0]));
  return { w, out: collect(helper.getNode('out')!), bad: collect(helper.getNode('bad')!), warnings };
}

describe('linewatch-window: parts a part counter skipped', () => {
  it('sends each skipped part on the second output, with its id and why, between the parts around it', async () => {
    const { w, out, bad } = await load();
    // Parts 10 and 11 were pressed at seconds 3 and 4, while nothing was read.
    press(w, [
      [7, 0],
      [8, 1],
      [9, 2],
      [12, 5],
      [13, 6],
    ]);
    await expect.poll(() => out.length).toBe(5);
    const reason = 'made while its readings were lost (the part counter went from 9 to 12)';
    expect(bad.map((m) => m.payload)).toEqual([
      { asset: 'pump-1', partId: '10', ts: T + 3300, reason, missed: true },
      { asset: 'pump-1', partId: '11', ts: T + 4300, reason, missed: true },
    ]);
    // The parts read are windowed as before.
    expect(out.map((m) => m.payload.partId)).toEqual(['7', '8', '9', '12', '13']);
  });

  it('sends no part for a counter that went back (a PLC restarted): says so once, as a warning', async () => {
    const { w, out, bad, warnings } = await load();
    press(w, [
      [7, 0],
      [8, 1],
      [9, 2],
      [0, 6],
      [1, 7],
      [2, 8],
    ]);
    await expect.poll(() => out.length).toBe(6);
    expect(bad).toEqual([]);
    expect(warnings.filter((m) => m.includes('part counter'))).toEqual([
      'asset pump-1: the part counter went from 9 to 0: a PLC restart or the counter wrapped (it went back); no part records made for it',
    ]);
  });
});
