/**
 * A part whose first polls were missed (its rising edge read more than a poll and a half after the last idle row) is
 * sent by the linewatch-window node as the gateway's cycle window cuts it: widened at its start, its points before its
 * first row named in msg.payload.unreadPoints from point 0, so that the score node leaves them out of its score. A part
 * whose last polls were missed is widened at its end by the same rule (midway into the stretch not read).
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { collect, helper, nodes, partWindowNodes } from './helper.js';

afterEach(() => helper.unload());

const T = Date.UTC(2026, 11, 8);

const flow = [
  ...partWindowNodes(join(ROOT, 'models/press-ae'), [['out'], ['bad']]),
  { id: 'out', type: 'helper' },
  { id: 'bad', type: 'helper' },
];

/**
 * The payload the window node sends for one part (press-ae polls every 200 ms): idle at 0 and 200 ms, the part read
 * from `fromMs` to `toMs` (ms from T), idle again at 2600 ms; nothing on the node's second output.
 */
async function partSent(fromMs: number, toMs: number) {
  await helper.load([nodes.model, nodes.window], flow);
  const w = helper.getNode('w')!;
  const out = collect(helper.getNode('out')!);
  const bad = collect(helper.getNode('bad')!);
  const send = (ms: number, active: number, force: number) =>
    w.receive({ payload: { cycle_active: active, part_counter: 5, force, position: force / 2 }, timestamp: T + ms });
  send(0, 0, 0);
  send(200, 0, 0);
  for (let ms = fromMs; ms <= toMs; ms += 200) send(ms, 1, 10 + ms / 100);
  send(2600, 0, 0);
  await expect.poll(() => out.length).toBe(1);
  expect(bad).toEqual([]);
  return out[0].payload;
}

describe('linewatch-window: a part whose first polls were missed', () => {
  it('is widened at its start as the gateway widens it, its points before its first row sent as not read', async () => {
    // The polls at 400 to 800 missed; the part read from 1000 to 2400 ms.
    const payload = await partSent(1000, 2400);
    // The first poll that would have seen it lies anywhere from 400 to 1000 ms: its 32 points span 700 to 2400 ms
    // (54.8 ms apart), the six before 1000 ms not read.
    expect(payload.unreadPoints).toEqual([0, 1, 2, 3, 4, 5]);
    expect(payload).not.toHaveProperty('readPoints');
    expect([payload.start, payload.end]).toEqual([T + 1000, T + 2400]);
  });

  it('is widened at its end by the same rule, midway into the stretch not read, as the gateway widens it', async () => {
    // The part read from 400 to 1800 ms; the polls at 2000 to 2400 missed.
    const payload = await partSent(400, 1800);
    // The last poll that would have seen it lies anywhere from 1800 to 2400 ms: its 32 points span 400 to 2100 ms, the
    // six past 1800 not read, as many as the late start above. Until 2026-12-08 (endmid) its span ran to 2400, the
    // latest possible end: points 22 to 31.
    expect(payload.unreadPoints).toEqual([26, 27, 28, 29, 30, 31]);
    expect([payload.start, payload.end]).toEqual([T + 400, T + 1800]);
  });
});
