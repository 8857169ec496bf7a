/**
 * The cloud's retained status as a fleet dashboard reads it (a real broker, a real gateway scoring the simulator's
 * pump, releases signed and served as a publisher does): which model drives each asset's alarms, which release is on
 * probation, until when and in which mode, before, during and after probation (confirmed, rolled back).
 */
import { describe, expect } from 'vitest';
import { fleetView, pump } from '../helpers/fleet-status.js';
import {
  applyRelease,
  nextModelEvent,
  requestRollback,
  restartWithUpdates,
  useUpdateGateways,
} from '../helpers/update-gateway.js';

const it = useUpdateGateways();

const SEED = '1.0.0+seed7';
const running = (version: string) => ({ asset: 'pump-1', model: 'pump-ae', version, drivingVersion: version });

describe('the retained cloud status during probation', () => {
  it('names the release on probation beside the model driving the alarms (shadow), then the release once confirmed', async ({
    gw,
  }) => {
    const fleet = await fleetView(gw);
    try {
      expect(pump(await fleet.next((s) => pump(s) !== undefined))).toEqual(running(SEED));
      await applyRelease(gw, '1.1.0');
      const confirmed = nextModelEvent(gw); // 4 s later
      // Before: {version: '1.1.0'} alone, as if 1.1.0 were confirmed, while 1.0.0+seed7 still drove the alarms.
      const during = pump(await fleet.next((s) => pump(s)?.probation !== undefined))!;
      expect(during).toEqual({
        ...running('1.1.0'),
        drivingVersion: SEED,
        probation: {
          version: '1.1.0',
          mode: 'shadow',
          since: expect.any(String),
          until: expect.any(String),
          previousVersion: SEED,
          minWindows: 4,
        },
      });
      expect(Date.parse(during.probation.until) - Date.parse(during.probation.since)).toBe(4000);
      expect(await confirmed).toMatchObject({ outcome: 'confirmed', version: '1.1.0' });
      // Before: no status at a confirmation (nothing had changed in it).
      const after = await fleet.next((s) => pump(s)?.probation === undefined);
      expect(pump(after)).toEqual(running('1.1.0'));
      expect(await fleet.retained()).toEqual(after);
    } finally {
      await fleet.close();
    }
  });

  // The republish of a probation waiting for windows (ProbationWatch -> statusChanged -> the gateway's announce) had
  // unit tests only: here a real gateway's retained status on a real broker.
  it('says a probation over with fewer than min_windows judged waits for windows, published again and retained', async ({
    gw,
  }) => {
    // Windows of the demo pump come about one a second: probation_s (4 s) ends with far fewer than 10,000 judged.
    await restartWithUpdates(gw, (u) => (u.min_windows = 10_000));
    const fleet = await fleetView(gw);
    try {
      expect(pump(await fleet.next((s) => pump(s) !== undefined))).toEqual(running(SEED));
      await applyRelease(gw, '1.3.0');
      const during = pump(await fleet.next((s) => pump(s)?.probation !== undefined))!;
      expect(during.probation).toEqual({
        version: '1.3.0',
        mode: 'shadow',
        since: expect.any(String),
        until: expect.any(String),
        previousVersion: SEED,
        minWindows: 10_000,
      });
      const waiting = await fleet.next((s) => pump(s)?.probation?.waitingForWindows !== undefined);
      expect(pump(waiting)).toEqual({
        ...running('1.3.0'),
        drivingVersion: SEED,
        probation: { ...during.probation, waitingForWindows: true },
      });
      expect(Date.parse(waiting.ts)).toBeGreaterThanOrEqual(Date.parse(during.probation.until));
      expect(await fleet.retained()).toEqual(waiting); // a dashboard joining now sees it wait
      expect(gw.cloud.map((c) => c.msg.outcome)).toEqual(['applied']); // not confirmed unjudged
    } finally {
      await fleet.close();
    }
  });

  it('names a live release as driving the alarms, and the model put back after a rollback', async ({ gw }) => {
    await restartWithUpdates(gw, (u) => (u.probation = 'live'));
    const fleet = await fleetView(gw);
    try {
      expect(pump(await fleet.next((s) => pump(s) !== undefined))).toEqual(running(SEED));
      await applyRelease(gw, '1.2.0');
      const during = pump(await fleet.next((s) => pump(s)?.probation !== undefined))!;
      expect(during).toMatchObject({
        ...running('1.2.0'),
        probation: { version: '1.2.0', mode: 'live', previousVersion: SEED },
      });
      expect((await requestRollback(gw, { by: 'j.doe' })).status).toBe(200);
      const after = await fleet.next((s) => pump(s)?.probation === undefined);
      expect(pump(after)).toEqual(running(SEED));
      expect(await fleet.retained()).toEqual(after);
    } finally {
      await fleet.close();
    }
  });
});
