/**
 * The score node judges a part read at too few of its points unknown, as the gateway does (core/points-read.ts): a
 * part model trained since 2026-12-08 records its floor (score.min_read_points, found on its held-out good parts);
 * a part under it is sent with the verdict unknown and the reason, and no score, which an alarm node takes as a gap.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { writeModelFolder } from '../../src/training/model-folder.js';
import { helper, nextMessage, nodes } from './helper.js';
import { fitPressParts } from '../helpers/press-part-model.js';

afterEach(() => helper.unload());

const W = 32;

describe('linewatch-score on a part read at too few of its points', () => {
  let dir: string;
  let floor: number;
  let window: Record<string, unknown>;
  beforeAll(async () => {
    const { fitted, parts } = await fitPressParts();
    floor = fitted.manifest.score.min_read_points!;
    dir = join(await mkdtemp(join(tmpdir(), 'lw-nr-floor-')), 'model');
    await writeModelFolder(dir, fitted);
    window = {
      asset: 'press-1',
      channels: parts.channels,
      length: W,
      start: 0,
      end: 1000,
      data: Array.from(parts.windows[parts.windows.length - 1]),
      partId: '7',
    };
  });

  const flow = () => [
    { id: 'm', type: 'linewatch-model', path: dir, providers: 'cpu' },
    { id: 's', type: 'linewatch-score', model: 'm', wires: [['out']] },
    { id: 'out', type: 'helper' },
  ];
  /** The payload the score node sends for the part with `unread` points not read. */
  const sent = async (unread: number[]) => {
    const received = nextMessage(helper.getNode('out')!);
    helper.getNode('s')!.receive({ payload: { ...window, unreadPoints: unread, durationMs: 1300 } });
    return (await received).payload;
  };

  it('sends unknown with the reason, and no score, under the floor; a part with a small gap is judged', async () => {
    expect(floor).toBeGreaterThan(6);
    await helper.load([nodes.model, nodes.score], flow());
    // The review's stall: 26 of the 32 points unread.
    const stalled = await sent(Array.from({ length: 26 }, (_, k) => 6 + k));
    expect(stalled).toEqual({
      asset: 'press-1',
      ts: 1000,
      partId: '7',
      verdict: 'unknown',
      reason:
        'only 6 of its 32 points read (its rows did not reach the others: a missed poll, a stall or a lost end); ' +
        `the model judges a part on ${floor} at least (score.min_read_points)`,
      durationMs: 1300,
      model: 'press',
      modelVersion: '1.0.0+seed7',
    });
    const gap = await sent([10, 11, 12, 13]);
    expect(gap).toMatchObject({ partId: '7', verdict: 'pass' });
    expect(gap.score).toBeLessThan(gap.threshold);
  });
});
