/**
 * Regression (review s34): sources were judged by name only, so a configuration that renamed every source and moved
 * its address was confirmed at once ("none judged"); one that kept one good source's name was judged on that one alone.
 * Now, where sources gave good samples before and the new configuration no longer names them, its other sources stand
 * in: as many of them as it no longer names must give a good sample within the probation. A real gateway
 * (runWithRemoteConfig) on a real Modbus TCP PLC (register-plc) and mosquitto.
 */
import { describe, expect, it } from 'vitest';
import type { RemoteConfigRun } from '../../src/remote-config/runner.js';
import { goodSample } from '../helpers/config-outcomes.js';
import { useProbationPlant } from '../helpers/remote-config-plant.js';
import { pumpsYaml, type Pump } from '../helpers/remote-config-files.js';
import { useRemoteConfigGateway } from '../helpers/remote-config-gateway.js';

const plant = useProbationPlant();
const gateway = useRemoteConfigGateway(plant, 'lw-remote-renamed');

const IN_PLACE_OF = (source: string) =>
  `in place of ${source} it does not name, which gave good samples under the configuration before (renamed, moved or removed: sources are judged by name)`;

const ONE: Pump[] = [{ source: 'plc', port: 0, asset: 'pump-1' }];
const TWO: Pump[] = [...ONE, { source: 'plc-b', port: 0, asset: 'pump-2' }];

/**
 * Each case: the local file's sources (on the PLC) and sequence 2's, where `renamed` (at the port a test gives) stands
 * for `instead`; `confirmed`, the reason once it is confirmed. Regression (s34's open defect) for the second: one that
 * kept a good source's name (plc) and renamed another (plc-b to plc-c, moved to a dead port) was judged on plc alone,
 * and confirmed while pump-2's machine went unwatched.
 */
const CASES = [
  {
    what: 'renames every source',
    local: ONE,
    next: [{ source: 'plc-renamed', asset: 'pump-1' }],
    renamed: 'plc-renamed',
    instead: 'plc',
    confirmed: `plc-renamed gave good samples (judged on 1 of plc-renamed at least, ${IN_PLACE_OF('plc')})`,
  },
  {
    what: 'renames one source and keeps another good one by name',
    local: TWO,
    next: [
      { source: 'plc', asset: 'pump-1', kept: true },
      { source: 'plc-c', asset: 'pump-2' },
    ],
    renamed: 'plc-c',
    instead: 'plc-b',
    confirmed: `plc, plc-c gave good samples (judged on plc, each, and 1 of plc-c at least, ${IN_PLACE_OF('plc-b')})`,
  },
];

describe.each(CASES)('a configuration that $what', ({ local, next, renamed, instead, confirmed }) => {
  /** The local file's gateway on the PLC, probation 2 s, once each of its sources gave a good sample. */
  async function startGateway(): Promise<RemoteConfigRun> {
    const run = await gateway.start(2, { pumps: local.map((p) => ({ ...p, port: plant.plc.port })) });
    await Promise.all(local.map((p) => goodSample(run, p.source)));
    return run;
  }
  /** Publishes sequence 2: its renamed source at `port`, a source it kept on the PLC. */
  const publish = (port: number) =>
    gateway.publish({
      sequence: 2,
      target: 'press-3',
      yaml: pumpsYaml(next.map((p) => ({ ...p, port: 'kept' in p ? plant.plc.port : port }))),
    });

  it('moved to a dead port: rolled back, whatever answers', async () => {
    const r = await startGateway();
    await publish(plant.deadPort);
    expect(await gateway.watcher.next()).toMatchObject({ outcome: 'applied', sequence: 2 });
    const rolledBack = await gateway.watcher.next();
    expect(rolledBack).toMatchObject({ outcome: 'rolled_back', sequence: 2, code: 'probation_failed' });
    expect(rolledBack.reason).toContain(
      `(sequence 2): within its 2 s probation, 0 of ${renamed} gave good samples where 1 must, ${IN_PLACE_OF(instead)}: no good sample from ${renamed} (device ${renamed} (127.0.0.1:${plant.deadPort.toString()}, unit 1): connect: ECONNREFUSED`,
    );
    expect(r.status().runningSequence).toBeNull();
    await goodSample(r, instead); // the local file runs again
  }, 60_000);

  it('on the PLC: confirmed once its sources give good samples', async () => {
    const r = await startGateway();
    await publish(plant.plc.port);
    expect(await gateway.watcher.next()).toMatchObject({ outcome: 'applied', sequence: 2 });
    expect(await gateway.watcher.next()).toMatchObject({ outcome: 'confirmed', sequence: 2, reason: confirmed });
    expect(r.status().runningSequence).toBe(2);
  }, 60_000);
});
