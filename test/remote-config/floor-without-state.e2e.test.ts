/**
 * Regression (s34's open defect): a gateway whose state.json was deleted took an older signed configuration replayed
 * on the broker (the floor fell to 0). A real gateway (runWithRemoteConfig) on a real Modbus PLC and mosquitto takes
 * sequence 2, stops; state.json is deleted and sequence 1 published on its topic; started again, it does not take
 * sequence 1 (the floor 2 from the kept running.msg), and still takes sequence 3.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { STATE_FILE, STATE_FOLDER } from '../../src/remote-config/store.js';
import { goodSample } from '../helpers/config-outcomes.js';
import { logLines } from '../helpers/log-lines.js';
import { useProbationPlant } from '../helpers/remote-config-plant.js';
import { pumpYaml } from '../helpers/remote-config-files.js';
import { useRemoteConfigGateway } from '../helpers/remote-config-gateway.js';

const plant = useProbationPlant();
const gateway = useRemoteConfigGateway(plant, 'lw-remote-floor-lost');

const publish = (sequence: number) =>
  gateway.publish({ sequence, target: 'press-3', yaml: pumpYaml({ port: plant.plc.port }) });

describe('a gateway whose state.json was deleted', () => {
  it('does not take an older configuration replayed (the floor from running.msg), and takes a newer one', async () => {
    const first = await gateway.start(2);
    await goodSample(first);
    await publish(2);
    expect(await gateway.watcher.next()).toMatchObject({ outcome: 'applied', sequence: 2 });
    expect(await gateway.watcher.next()).toMatchObject({ outcome: 'confirmed', sequence: 2 });
    await first.stop();
    await rm(join(gateway.dir, 'data', STATE_FOLDER, STATE_FILE));
    await publish(1); // replayed by anyone who can publish on the topic, while the gateway is off

    const log = logLines('info');
    const again = await gateway.start(2, { log });
    expect(again.status().runningSequence).toBe(2);
    await log.next(
      /^remote configuration: the sequence floor is 2, the signed sequence of .*running\.msg, above none in a missing .*state\.json/,
    );
    // Delivered as the topic's retained message at the connection: not taken (before, applied as sequence 1).
    const notTaken =
      /^remote configuration 1 retained on lw\d+\/press-3\/config: not above the sequence floor: not taken/;
    expect(
      await Promise.race([
        log.next(notTaken).then(() => 'not taken'),
        gateway.watcher.next((o) => o.sequence === 1).then((o) => o.outcome),
      ]),
    ).toBe('not taken');
    expect(again.status().runningSequence).toBe(2);
    await publish(3);
    expect(await gateway.watcher.next()).toMatchObject({ outcome: 'applied', sequence: 3 });
  }, 60_000);
});
