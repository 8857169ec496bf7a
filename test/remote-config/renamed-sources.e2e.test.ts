/**
 * Regression (review s34): sources were judged by name only, so a configuration that renamed every source and moved
 * its address was confirmed at once ("none judged"). Now, where sources gave good samples before and the new
 * configuration keeps none of them by name, one of its own sources at least must give a good sample within the
 * probation. A real gateway (runWithRemoteConfig) on a real Modbus TCP PLC (register-plc) and mosquitto.
 */
import type { KeyObject } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load.js';
import { freePort } from '../../src/core/free-port.js';
import { signConfigMessage } from '../../src/remote-config/message.js';
import { runWithRemoteConfig, type RemoteConfigRun } from '../../src/remote-config/runner.js';
import { configTopic } from '../../src/remote-config/topics.js';
import { generateKeys, readPrivateKey } from '../../src/sync/release.js';
import { goodSample, watchOutcomes, type OutcomeWatch } from '../helpers/config-outcomes.js';
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
  dir = await mkdtemp(join(tmpdir(), 'lw-remote-renamed-'));
  prefix = `lw${(await freePort()).toString()}`;
  key = await readPrivateKey((await generateKeys(join(dir, 'keys'))).privatePath);
  watcher = await watchOutcomes(plant.broker.url, prefix);
});
afterEach(async () => {
  await run?.stop();
  run = undefined;
  await watcher.close();
});

/** The gateway of the local file (source `plc` on the PLC), probation 2 s, once `plc` gave a good sample. */
async function startGateway(): Promise<RemoteConfigRun> {
  await writePlantGateway(dir, plant, { prefix, seconds: 2 });
  run = await runWithRemoteConfig(await loadConfigFile(join(dir, 'gateway.yaml')), { logger: logLines('info').logger });
  await goodSample(run);
  return run;
}

const publishRenamed = (port: number) =>
  watcher.publish(
    configTopic(prefix, 'press-3'),
    signConfigMessage({ sequence: 2, target: 'press-3', yaml: pumpYaml({ source: 'plc-renamed', port }) }, key),
  );

describe('a configuration that renames every source', () => {
  it('moved to a dead port: rolled back when none of its sources gives a good sample', async () => {
    const r = await startGateway();
    await publishRenamed(plant.deadPort);
    expect(await watcher.next()).toMatchObject({ outcome: 'applied', sequence: 2 });
    const rolledBack = await watcher.next();
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
    expect(await watcher.next()).toMatchObject({ outcome: 'applied', sequence: 2 });
    expect(await watcher.next()).toMatchObject({
      outcome: 'confirmed',
      sequence: 2,
      reason:
        'plc-renamed gave good samples (judged as a whole: one of plc-renamed at least (none of the sources that gave good samples before is in it by name))',
    });
    expect(r.status().runningSequence).toBe(2);
  }, 60_000);
});
