/**
 * A fast cycle curve over OPC UA from a server that falls behind (walknr-s35: a moulder's 50 ms curves on a loaded
 * machine, 72 of 200 parts unknown): the server's changes come later and later after the time they carry, while the
 * cycle flag stands still and is held. A held flag must not be stamped past a change the server reports late: before,
 * it was stamped at the publish less a sampling interval, the rise of the next part (stamped 300 ms before it came)
 * stepped the rows back, and the part was unknown ("samples out of order"). Every step is taken only once the source
 * delivered the one before (no timers, no sleeps), so no sample is lost and the lag is the test's own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sample } from '../../../src/core/types.js';
import type { AssetWindowOutcome } from '../../../src/windows/asset-windows.js';
import { pressCycleWindows } from '../../helpers/press-cycle-windows.js';
import {
  moulderSource,
  startSteppedMoulderServer,
  type MoulderStep,
  type SteppedMoulderServer,
} from '../../helpers/stepped-moulder-opcua-server.js';

const PERIOD_MS = 50;
const LAG_MS = 300;

let server: SteppedMoulderServer;
beforeAll(async () => {
  server = await startSteppedMoulderServer(PERIOD_MS);
});
afterAll(async () => {
  await server?.close();
});

/** Step k: part 1 in steps 5–14 while the server keeps up, the lag grows to LAG_MS in steps 16–21, part 2 in 28–37. */
function stepAt(k: number): MoulderStep {
  const part = k >= 5 && k < 15 ? 1 : k >= 28 && k < 38 ? 2 : 0;
  return { curve: k + 1, cycle_active: part > 0, part_counter: k >= 28 ? 2 : k >= 5 ? 1 : 0 };
}
const lagAt = (k: number) => Math.min(LAG_MS, Math.max(0, k - 15) * (LAG_MS / 6));
const LAST_STEP = 40;

describe('an OPC UA server that reports its changes late', () => {
  it('cuts every part of a fast curve complete: a held flag is never stamped past a late change', async () => {
    const source = moulderSource(server, PERIOD_MS);
    const windows = pressCycleWindows('imm', ['curve'], { windowLength: 4, maxSamples: 1000, maxSampleAgeMs: 1000 });
    const outcomes: AssetWindowOutcome[] = [];
    const delivered: Sample[] = [];
    let k = -1;
    let stamp = 0;
    let done: () => void = () => {};
    const finished = new Promise<void>((resolve) => (done = resolve));
    /** The next step, once the source delivered the curve's value of this one (the first: any batch). */
    const next = () => {
      k++;
      if (k > LAST_STEP) return done();
      // The server's stamps run on (never back), LAG_MS behind the step at most.
      stamp = Math.max(stamp + 1, Date.now() - lagAt(k));
      server.step(stepAt(k), new Date(stamp));
    };
    await source.start((batch) => {
      delivered.push(...batch);
      outcomes.push(...windows.push(batch));
      if (k < 0 || batch.some((s) => s.channel === 'curve' && s.value === stepAt(k).curve)) next();
    });
    try {
      await finished;
      const parts = outcomes.filter((o) => o.kind === 'window' || o.kind === 'incomplete');
      // actual, held flags stamped at the publish less 50 ms: part 2 incomplete, "samples out of order"
      expect(parts.map((o) => (o.kind === 'window' ? `part ${o.window.partId}` : o.reason))).toEqual([
        'part 1',
        'part 2',
      ]);
      // The flag as the rows take it: never back in time, its value the newest change's.
      const flags = delivered.filter((s) => s.channel === 'cycle_active');
      const steps = flags.slice(1).map((s, i) => s.ts - flags[i].ts);
      expect(steps.filter((d) => d < 0)).toEqual([]);
      // No sample of the curve lost: every step's value came, in order.
      const curve = delivered.filter((s) => s.channel === 'curve').map((s) => s.value);
      expect([...new Set(curve)]).toEqual(Array.from({ length: LAST_STEP + 2 }, (_, i) => i));
    } finally {
      await source.stop();
    }
  }, 60_000);
});
