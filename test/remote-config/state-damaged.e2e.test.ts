/**
 * Regression (review s34): a take that failed otherwise than by a refusal was only logged: no outcome, no metric. A
 * damaged `<data_dir>/remote-config/state.json` made every later configuration fail so. Now it is an outcome,
 * `refused` with code `state_damaged` naming the file, at start and for every message, counted, shown in /api/status;
 * the file is never reset (that would lower the sequence floor and let an older configuration be replayed). Any other
 * failure of a take is `internal_error`, and a message the state folder cannot keep `not_kept` (the gateway running
 * goes on). A real gateway (runWithRemoteConfig) on a real Modbus PLC and mosquitto.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RemoteConfigRun } from '../../src/remote-config/runner.js';
import { PREVIOUS_FILE, RUNNING_FILE, STATE_FILE, STATE_FOLDER } from '../../src/remote-config/store.js';
import { PROBATION_FILE } from '../../src/remote-config/probation-mark.js';
import { configTopic } from '../../src/remote-config/topics.js';
import { goodSample } from '../helpers/config-outcomes.js';
import { useProbationPlant } from '../helpers/remote-config-plant.js';
import { pumpYaml } from '../helpers/remote-config-files.js';
import { useRemoteConfigGateway } from '../helpers/remote-config-gateway.js';

const plant = useProbationPlant();
const gateway = useRemoteConfigGateway(plant, 'lw-remote-state-damaged');

const stateFile = () => join(gateway.dir, 'data', STATE_FOLDER, STATE_FILE);
const counted = async (r: RemoteConfigRun) =>
  (await (await fetch(`http://127.0.0.1:${r.daemon().http!.port}/metrics`)).text())
    .split('\n')
    .filter((l) => l.startsWith('linewatch_remote_config_total{'))
    .sort();

const startGateway = () => gateway.start(600);

describe('a failure of a take that is no refusal', () => {
  it('a damaged state.json refuses every configuration as state_damaged, at start and for each message, counted', async () => {
    await mkdir(join(gateway.dir, 'data', STATE_FOLDER), { recursive: true });
    await writeFile(stateFile(), 'garbage');
    const r = await startGateway();
    const why = `remote configuration state ${stateFile()}: not JSON: the sequence floor is unknown, so every configuration is refused`;
    expect(await gateway.watcher.next()).toMatchObject({ outcome: 'refused', code: 'state_damaged' });
    expect(r.status()).toMatchObject({ runningSequence: null, last: { outcome: 'refused', code: 'state_damaged' } });
    expect(r.status().last?.reason).toContain(why);

    await gateway.publish({ sequence: 2, target: 'press-3', yaml: pumpYaml({ port: plant.plc.port }) });
    const refused = await gateway.watcher.next();
    expect(refused).toMatchObject({ outcome: 'refused', code: 'state_damaged' });
    expect(refused.reason).toContain(why);
    expect(r.status().runningSequence).toBeNull();
    expect(await counted(r)).toEqual(['linewatch_remote_config_total{outcome="refused",code="state_damaged"} 2']);
    expect(await readFile(stateFile(), 'utf8')).toBe('garbage'); // never reset: the floor stays unknown
  }, 60_000);

  it('any other failure is an outcome, internal_error, with the reason, counted', async () => {
    const r = await startGateway();
    await rm(join(gateway.dir, 'gateway.yaml')); // the local file, read again at each take, is gone
    await gateway.publish({ sequence: 2, target: 'press-3', yaml: pumpYaml({ port: plant.plc.port }) });
    const failed = await gateway.watcher.next();
    expect(failed).toMatchObject({ outcome: 'refused', code: 'internal_error' });
    expect(failed.reason).toContain(`mqtt ${configTopic(gateway.prefix, 'press-3')}: `);
    expect(failed.reason).toContain(join(gateway.dir, 'gateway.yaml'));
    expect(r.status().runningSequence).toBeNull();
    expect(await counted(r)).toEqual(['linewatch_remote_config_total{outcome="refused",code="internal_error"} 1']);
  }, 60_000);

  it('a message that cannot be kept is not_kept: the gateway running goes on, its probation mark left as it was', async () => {
    const r = await startGateway();
    const folder = join(gateway.dir, 'data', STATE_FOLDER);
    await mkdir(join(folder, PREVIOUS_FILE), { recursive: true }); // a folder where the keep writes a file
    await gateway.publish({ sequence: 2, target: 'press-3', yaml: pumpYaml({ port: plant.plc.port }) });
    const failed = await gateway.watcher.next();
    expect(failed).toMatchObject({ outcome: 'refused', sequence: 2, code: 'not_kept' });
    expect(failed.reason).toContain(
      `(sequence 2): cannot be kept in ${folder} (cannot write ${join(folder, PREVIOUS_FILE)}: `,
    );
    expect(failed.reason).toContain(
      '; the floor is 2 already: send it again with a higher sequence): not applied, the configuration running goes on',
    );
    expect(r.status().runningSequence).toBeNull();
    await goodSample(r); // the local file's gateway, never stopped
    expect(existsSync(join(folder, PROBATION_FILE))).toBe(false);
    expect(existsSync(join(folder, RUNNING_FILE))).toBe(false);
    expect(await counted(r)).toEqual(['linewatch_remote_config_total{outcome="refused",code="not_kept"} 1']);
  }, 60_000);
});
