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
});
