/**
 * The linewatch-window node in a Node-RED runtime meets rows whose samples came late (a server that stalled, then
 * delivered its backlog stamped before the row it had sent already): each goes at the last row's time, as the
 * gateway's rows do, and the node counts them as the gateway's linewatch_rows_late_total does: on its status and on
 * every message it sends (`msg.lateRows`), and says the first once in its log.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { collect, helper, nodes, statusTexts, windowFlow } from './helper.js';

afterEach(async () => {
  vi.useRealTimers();
  await helper.unload();
});

const T = Date.UTC(2026, 11, 7, 8);

/**
 * Rows (ms after T, a) on time, one late (250 after 400: the source has come late), then the stalled source's held
 * values (3 again, stamped 600).
 */
const STALLED: readonly (readonly [number, number])[] = [
  [0, 0],
  [200, 1],
  [400, 2],
  [250, 3],
  [600, 3],
];

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
    // STALLED, then the backlog stamped 450 and 500, then on time.
    for (const [ms, a] of [...STALLED, [450, 4], [500, 5], [700, 6]]) row(ms, a);
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

  /** Lets Node-RED deliver what was sent (its messages go on setImmediate, which the fake clock leaves alone). */
  const delivered = async () => {
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
  };
  /** STALLED's rows, and nothing after them. */
  const stalledThenSilent = (w: ReturnType<typeof helper.getNode>) => {
    for (const [ms, a] of STALLED) w!.receive({ payload: { a, b: -a }, timestamp: T + ms });
  };

  it('lets a row of held values go after Max age where no samples follow (the source stopped)', async () => {
    await helper.load([nodes.window], windowFlow({}));
    const out = collect(helper.getNode('out')!);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    stalledThenSilent(helper.getNode('w'));
    await delivered();
    expect(out.map((m) => m.payload.end - T)).toEqual([400, 400]);
    await vi.advanceTimersByTimeAsync(999);
    await delivered();
    expect(out).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    await delivered();
    // Max age (1000 ms) without samples: the held row goes as it came, not dropped.
    expect(out.map((m) => m.payload.end - T)).toEqual([400, 400, 600]);
    expect(out[2].payload.data).toEqual([2, -2, 3, -3, 3, -3]);
  });

  it('says so where it closes while a row of held values waits', async () => {
    await helper.load([nodes.window], windowFlow({}));
    const out = collect(helper.getNode('out')!);
    // The helper's own spies are gone by the time nodes close (unload restores them first): one on the node itself.
    const log = vi.spyOn(helper.getNode('w')! as unknown as { log: (m: unknown) => void }, 'log');
    stalledThenSilent(helper.getNode('w'));
    await expect.poll(() => out.length).toBe(2);
    await helper.unload();
    expect(log.mock.calls.map((c) => String(c[0]))).toContain(
      'window pump-1: closed while a row of held values waited for the next samples: not windowed',
    );
  });
});
