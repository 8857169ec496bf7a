/**
 * Regression (review s34): sources were judged by name only, so a configuration that renamed every source and moved
 * its address was confirmed at once ("none judged"). Now, where sources gave good samples before and the new
 * configuration keeps none of them by name, one of its own sources at least must give a good sample within the
 * probation. A real gateway (runWithRemoteConfig) on a real Modbus TCP PLC (register-plc) and mosquitto.
 */
import { describe, expect, it } from 'vitest';
import type { RemoteConfigRun } from '../../src/remote-config/runner.js';
import { goodSample } from '../helpers/config-outcomes.js';
import { useProbationPlant } from '../helpers/remote-config-plant.js';
import { pumpYaml } from '../helpers/remote-config-files.js';
import { useRemoteConfigGateway } from '../helpers/remote-config-gateway.js';

const plant = useProbationPlant();
const gateway = useRemoteConfigGateway(plant, 'lw-remote-renamed');

/** The gateway of the local file (source `plc` on the PLC), probation 2 s, once `plc` gave a good sample. */
async function startGateway(): Promise<RemoteConfigRun> {
  const run = await gateway.start(2);
  await goodSample(run);
  return run;
}

const publishRenamed = (port: number) =>
  gateway.publish({ sequence: 2, target: 'press-3', yaml: pumpYaml({ source: 'plc-renamed', port }) });

describe('a configuration that renames every source', () => {
  it('moved to a dead port: rolled back when none of its sources gives a good sample', async () => {
    const r = await startGateway();
    await publishRenamed(plant.deadPort);
    expect(await gateway.watcher.next()).toMatchObject({ outcome: 'applied', sequence: 2 });
    const rolledBack = await gateway.watcher.next();
    expect(rolledBack).toMatchObject({ outcome: 'rolled_back', sequence: 2, code: 'probation_failed' });
    expect(rolledBack.reason).toContain(
      `(sequence 2): no good sample within its 2 s probation from any of its sources, plc-renamed (device plc-renamed (127.0.0.1:${plant.deadPort.toString()}, unit 1): connect: ECONNREFUSED`,
    );
    expect(r.status().runningSequence).toBeNull();
    await goodSample(r, 'plc'); // the local file runs again
  }, 60_000);

  it('on the same PLC: confirmed once its source gives a good sample', async () => {
    const r = await startGateway();
    await publishRenamed(plant.plc.port);
    expect(await gateway.watcher.next()).toMatchObject({ outcome: 'applied', sequence: 2 });
    expect(await gateway.watcher.next()).toMatchObject({
      outcome: 'confirmed',
      sequence: 2,
      reason:
        'plc-renamed gave good samples (judged as a whole: one of plc-renamed at least (none of the sources that gave good samples before is in it by name))',
    });
    expect(r.status().runningSequence).toBe(2);
  }, 60_000);
});
