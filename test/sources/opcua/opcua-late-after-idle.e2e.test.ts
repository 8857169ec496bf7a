/**
 * A moulder's first part after an idle spell, over OPC UA, from a server that samples its changes late (rowsback-s36,
 * the walk's first part: its values held at each publish while the machine stood, then the part's first changes
 * stamped 82 ms before the last held ones). Before, that change made a row older than the row before it, and the part
 * was unknown ("its start was not seen: samples out of order"). Now the late row goes at the last row's time: the part
 * is judged, and the late row is told (its source, how late). Every step is taken once the source delivered the one
 * before (no timers, no sleeps): the lateness is the test's own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AssetWindowOutcome } from '../../../src/windows/asset-windows.js';
import { pressCycleWindows } from '../../helpers/press-cycle-windows.js';
import {
  moulderSource,
  startSteppedMoulderServer,
  type SteppedMoulderServer,
} from '../../helpers/stepped-moulder-opcua-server.js';

const PERIOD_MS = 50;
/** How long before the last held value the part's first change is stamped: more than a period (a pause's step back). */
const LATE_MS = 200;
/** Batches of held values only (the machine idle) before the part starts. */
const IDLE_BATCHES = 4;
/** The part's steps: curve k, the flag set in steps 1–8, cleared at 9. */
const LAST_STEP = 10;

let server: SteppedMoulderServer;
beforeAll(async () => {
  server = await startSteppedMoulderServer(PERIOD_MS);
});
afterAll(async () => {
  await server?.close();
});

describe('an OPC UA moulder whose first part after an idle spell comes late', () => {
  it('judges the part: its late first row goes at the last row’s time, never before it, and is told', async () => {
    const late: [string, number][] = [];
    const source = moulderSource(server, PERIOD_MS);
    const windows = pressCycleWindows('imm', ['curve'], {
      windowLength: 4,
      maxSamples: 1000,
      maxSampleAgeMs: 1000,
      periodMs: PERIOD_MS,
      onLateRow: (name, ms) => late.push([name, ms]),
    });
    const outcomes: AssetWindowOutcome[] = [];
    let idle = 0;
    let k = 0;
    let stamp = 0;
    let done: () => void = () => {};
    const finished = new Promise<void>((resolve) => (done = resolve));
    const step = () => {
      k++;
      if (k > LAST_STEP) return done();
      server.step({ curve: k, cycle_active: k < 9, part_counter: 1 }, new Date(stamp));
    };
    await source.start((batch) => {
      outcomes.push(...windows.push(batch));
      const flag = batch.find((s) => s.channel === 'cycle_active');
      if (k === 0) {
        // The machine stands: its values are held at each publish. Then the part's first change, stamped late.
        if (flag !== undefined && ++idle === IDLE_BATCHES) {
          stamp = flag.ts - LATE_MS;
          step();
        }
      } else if (batch.some((s) => s.channel === 'curve' && s.value === k)) {
        stamp += PERIOD_MS;
        step();
      }
    });
    try {
      await finished;
      const parts = outcomes.filter((o) => o.kind === 'window' || o.kind === 'incomplete');
      // actual, before: "its start was not seen: samples out of order (a row stamped 200 ms before the one before it)"
      expect(parts.map((o) => (o.kind === 'window' ? `part ${o.window.partId}` : o.reason))).toEqual(['part 1']);
      // Told with its source, late by what its stamp said (the held values' stamps may differ by a ms or two).
      expect(late[0]?.[0]).toBe('imm');
      expect(Math.abs((late[0]?.[1] ?? 0) - LATE_MS)).toBeLessThanOrEqual(5);
    } finally {
      await source.stop();
    }
  }, 60_000);
});
