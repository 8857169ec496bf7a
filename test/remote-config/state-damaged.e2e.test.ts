/**
 * Regression (review s34): a take that failed otherwise than by a refusal was only logged: no outcome, no metric. A
 * damaged `<data_dir>/remote-config/state.json` made every later configuration fail so. Now it is an outcome,
 * `refused` with code `state_damaged` naming the file, at start and for every message, counted, shown in /api/status;
 * the file is never reset (that would lower the sequence floor and let an older configuration be replayed). Any other
 * failure of a take is `internal_error`. A real gateway (runWithRemoteConfig) on a real Modbus PLC and mosquitto.
 */
import type { KeyObject } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load.js';
import { freePort } from '../../src/core/free-port.js';
import { signConfigMessage } from '../../src/remote-config/message.js';
import { runWithRemoteConfig, type RemoteConfigRun } from '../../src/remote-config/runner.js';
import { STATE_FILE, STATE_FOLDER } from '../../src/remote-config/store.js';
import { configTopic } from '../../src/remote-config/topics.js';
import { generateKeys, readPrivateKey } from '../../src/sync/release.js';
import { watchOutcomes, type OutcomeWatch } from '../helpers/config-outcomes.js';
import { logLines } from '../helpers/log-lines.js';
import { useProbationPlant, writePlantGateway } from '../helpers/remote-config-plant.js';
import { pumpYaml } from '../helpers/remote-config-files.js';

const plant = useProbationPlant();

let dir: string;
let key: KeyObject;
let prefix: string;
let watcher: OutcomeWatch;
let run: RemoteConfigRun | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lw-remote-state-damaged-'));
  prefix = `lw${(await freePort()).toString()}`;
  key = await readPrivateKey((await generateKeys(join(dir, 'keys'))).privatePath);
  watcher = await watchOutcomes(plant.broker.url, prefix);
});
afterEach(async () => {
  await run?.stop();
  run = undefined;
  await watcher.close();
});

const stateFile = () => join(dir, 'data', STATE_FOLDER, STATE_FILE);
const counted = async (r: RemoteConfigRun) =>
  (await (await fetch(`http://127.0.0.1:${r.daemon().http!.port}/metrics`)).text())
    .split('\n')
    .filter((l) => l.startsWith('linewatch_remote_config_total{'))
    .sort();

async function startGateway(): Promise<RemoteConfigRun> {
  await writePlantGateway(dir, plant, { prefix, seconds: 600 });
  run = await runWithRemoteConfig(await loadConfigFile(join(dir, 'gateway.yaml')), { logger: logLines('info').logger });
  return run;
}

describe('a failure of a take that is no refusal', () => {
  it('a damaged state.json refuses every configuration as state_damaged, at start and for each message, counted', async () => {
    await mkdir(join(dir, 'data', STATE_FOLDER), { recursive: true });
    await writeFile(stateFile(), 'garbage');
    const r = await startGateway();
    const why = `remote configuration state ${stateFile()}: not JSON: the sequence floor is unknown, so every configuration is refused`;
    expect(await watcher.next()).toMatchObject({ outcome: 'refused', code: 'state_damaged' });
    expect(r.status()).toMatchObject({ runningSequence: null, last: { outcome: 'refused', code: 'state_damaged' } });
    expect(r.status().last?.reason).toContain(why);

    await watcher.publish(
      configTopic(prefix, 'press-3'),
      signConfigMessage({ sequence: 2, target: 'press-3', yaml: pumpYaml({ port: plant.plc.port }) }, key),
    );
    const refused = await watcher.next();
    expect(refused).toMatchObject({ outcome: 'refused', code: 'state_damaged' });
    expect(refused.reason).toContain(why);
    expect(r.status().runningSequence).toBeNull();
    expect(await counted(r)).toEqual(['linewatch_remote_config_total{outcome="refused",code="state_damaged"} 2']);
    expect(await readFile(stateFile(), 'utf8')).toBe('garbage'); // never reset: the floor stays unknown
  }, 60_000);

  it('any other failure is an outcome, internal_error, with the reason, counted', async () => {
    const r = await startGateway();
    await rm(join(dir, 'gateway.yaml')); // the local file, read again at each take, is gone
    await watcher.publish(
      configTopic(prefix, 'press-3'),
      signConfigMessage({ sequence: 2, target: 'press-3', yaml: pumpYaml({ port: plant.plc.port }) }, key),
    );
    const failed = await watcher.next();
    expect(failed).toMatchObject({ outcome: 'refused', code: 'internal_error' });
    expect(failed.reason).toContain(`mqtt ${configTopic(prefix, 'press-3')}: `);
    expect(failed.reason).toContain(join(dir, 'gateway.yaml'));
    expect(r.status().runningSequence).toBeNull();
    expect(await counted(r)).toEqual(['linewatch_remote_config_total{outcome="refused",code="internal_error"} 1']);
  }, 60_000);
});
