/**
 * The cloud's retained status at a gateway's start and stop, as a fleet dashboard subscribed across a restart reads
 * it (a real broker, a real gateway scoring the simulator's pump): the birth names each asset's model from the first
 * status on; the goodbye names what the next start runs.
 */
import { describe, expect } from 'vitest';
import { fleetView, pump } from '../helpers/fleet-status.js';
import { applyRelease, restartGateway, restartWithUpdates, useUpdateGateways } from '../helpers/update-gateway.js';

const it = useUpdateGateways();

const SEED = '1.0.0+seed7';
const running = (version: string) => ({ asset: 'pump-1', model: 'pump-ae', version, drivingVersion: version });

describe('the retained cloud status across a restart', () => {
  it('names the models in the first status of a start (regression: the birth named none)', async ({ gw }) => {
    const fleet = await fleetView(gw);
    try {
      await fleet.next((s) => s.state === 'online' && pump(s) !== undefined); // the first start's, retained
      await restartGateway(gw);
      expect(pump(await fleet.next((s) => s.state === 'offline'))).toEqual(running(SEED)); // the goodbye
      // Before: {state: online} with no models, then the one naming them tens of ms later.
      const birth = await fleet.next((s) => s.state === 'online');
      expect(birth.models?.map((m) => m.asset)).toEqual(['pump-1', 'press-1']);
      expect(pump(birth)).toEqual(running(SEED));
    } finally {
      await fleet.close();
    }
  });

  it('names in its goodbye the model the next start runs, not a live release whose probation the stop ended', async ({
    gw,
  }) => {
    await restartWithUpdates(gw, (u) => {
      u.probation = 'live';
      u.probation_s = 600;
    });
    const fleet = await fleetView(gw);
    try {
      await applyRelease(gw, '1.2.0');
      await fleet.next((s) => pump(s)?.probation?.mode === 'live');
      const again = restartGateway(gw);
      // Before: {version: '1.2.0', drivingVersion: '1.2.0'} and no probation, as if 1.2.0 were confirmed.
      const goodbye = await fleet.next((s) => s.state === 'offline');
      expect(pump(goodbye)).toEqual({ ...running(SEED), interruptedProbation: { version: '1.2.0', mode: 'live' } });
      await again;
      // What the next start runs indeed (then the retained notice puts 1.2.0 on probation anew).
      expect(pump(await fleet.next((s) => s.state === 'online'))).toEqual(running(SEED));
      const anew = pump(await fleet.next((s) => pump(s)?.probation !== undefined));
      expect(anew?.probation).toMatchObject({ version: '1.2.0', mode: 'live', previousVersion: SEED });
    } finally {
      await fleet.close();
    }
  });
});
