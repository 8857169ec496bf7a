/**
 * The linewatch-window node in a Node-RED runtime meets rows whose samples came late (a server that stalled, then
 * delivered its backlog stamped before the row it had sent already): each goes at the last row's time, as the
 * gateway's rows do, and the node counts them as the gateway's linewatch_rows_late_total does: on its status and on
 * every message it sends (`msg.lateRows`), and says the first once in its log.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { collect, helper, nodes, statusTexts, windowFlow } from './helper.js';

afterEach(() => helper.unload());

const T = Date.UTC(2026, 11, 7, 8);

/** Every warning node `id` logs, oldest first. */
function warnings(id: string): string[] {
  const out: string[] = [];
  helper.getNode(id)!.on('call:warn', (call: { args: unknown[] }) => out.push(String(call.args[0])));
  return out;
}

describe('linewatch-window: rows whose samples came late', () => {
  it('counts them on its status and messages, and says the first once, with how late it came', async () => {
    await helper.load([nodes.window], windowFlow({}));
    const out = collect(helper.getNode('out')!);
    const bad = collect(helper.getNode('bad')!);
    const status = statusTexts(helper.getNode('w')!);
    const warned = warnings('w');
    const w = helper.getNode('w')!;
    const row = (ms: number, a: number) => w.receive({ payload: { a, b: -a }, timestamp: T + ms });
    // Three polls on time; then a stalled server's backlog, two changes stamped 150 and 100 ms before the newest
    // row; then on time again.
    row(0, 0);
    row(200, 1);
    row(400, 2);
    await expect.poll(() => out.length).toBe(1);
    expect(out[0].lateRows).toBe(0);
    row(250, 3);
    row(300, 4);
    row(600, 5);
    await expect.poll(() => out.length).toBe(4);
    // Each late row at the newest row's time (400), its values as they came.
    expect(out.map((m) => [m.payload.end - T, m.lateRows])).toEqual([
      [400, 0],
      [400, 1],
      [400, 2],
      [600, 2],
    ]);
    expect(out[2].payload.data).toEqual([2, -2, 3, -3, 4, -4]);
    expect(bad).toEqual([]);
    expect(status.at(-1)).toBe('4 windows, 0 incomplete, 2 late rows');
    expect(warned).toEqual([
      "window pump-1: samples came stamped 150 ms before a row made already (the device or server reports changes late): each such row goes at the last row's time with its values as they came, so rows never step back; counted in the status and msg.lateRows, said once",
    ]);
  });

  it("drops a row of held values its source's backlog overtook, once the source came late, and says so", async () => {
    await helper.load([nodes.window], windowFlow({}));
    const out = collect(helper.getNode('out')!);
    const status = statusTexts(helper.getNode('w')!);
    const warned = warnings('w');
    const w = helper.getNode('w')!;
    const row = (ms: number, a: number) => w.receive({ payload: { a, b: -a }, timestamp: T + ms });
    // One late row (250 after 400): the source has come late. Then it stalls: its held values (3) stamped 600, then
    // the backlog stamped 450 and 500, then on time.
    for (const [ms, a] of [
      [0, 0],
      [200, 1],
      [400, 2],
      [250, 3],
      [600, 3],
      [450, 4],
      [500, 5],
      [700, 6],
    ])
      row(ms, a);
    await expect.poll(() => out.length).toBe(5);
    // The backlog at its own stamps, after the late row's 400: no window takes the held values at 600.
    expect(out.map((m) => m.payload.end - T)).toEqual([400, 400, 450, 500, 700]);
    expect(out[4].payload.data).toEqual([4, -4, 5, -5, 6, -6]);
    expect(status.at(-1)).toBe('5 windows, 0 incomplete, 1 late row, 1 held row dropped');
    expect(warned[1]).toBe(
      'window pump-1: samples came stamped before a row of held values (a server that stalled, then sent its ' +
        'backlog): such a row of a source that came late recently waits for the next samples and is dropped where ' +
        'they come stamped before it; counted in the status, said once',
    );
  });
});
