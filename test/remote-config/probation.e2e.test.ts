/**
 * A remote configuration's probation on its sources, end to end: a gateway (runWithRemoteConfig, the real startDaemon)
 * polls a real Modbus TCP PLC (register-plc) and takes signed configurations on a real mosquitto. One that points the
 * source at a port where nothing listens starts, and is rolled back once its probation (probation_s: 2) passes without
 * a good sample from it; one that keeps the source on the PLC is confirmed. Outcomes are read where the cloud reads
 * them, on <prefix>/<gateway>/config/outcome, and counted on /metrics (linewatch_remote_config_total).
 */
import type { KeyObject } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load.js';
import { freePort } from '../../src/core/free-port.js';
import { signConfigMessage, type ConfigBody } from '../../src/remote-config/message.js';
import { runWithRemoteConfig, type RemoteConfigRun } from '../../src/remote-config/runner.js';
import { PROBATION_FILE } from '../../src/remote-config/probation-mark.js';
import { PREVIOUS_FILE, RUNNING_FILE, STATE_FOLDER } from '../../src/remote-config/store.js';
import { configTopic } from '../../src/remote-config/topics.js';
import { generateKeys, readPrivateKey } from '../../src/sync/release.js';
import { lintExposition } from '../helpers/promlint.js';
import { useProbationPlant, writePlantGateway } from '../helpers/remote-config-plant.js';
import { PUMP_MODEL, pumpYaml } from '../helpers/remote-config-files.js';
import { logLines } from '../helpers/log-lines.js';
import { goodSample, watchOutcomes, type OutcomeWatch } from '../helpers/config-outcomes.js';

const plant = useProbationPlant();

let dir: string;
let key: KeyObject;
let run: RemoteConfigRun | undefined;
let prefix: string;
let watcher: OutcomeWatch | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lw-remote-probation-'));
  prefix = `lw${(await freePort()).toString()}`;
  const keys = await generateKeys(join(dir, 'keys'));
  key = await readPrivateKey(keys.privatePath);
});

/** Writes the local file (its source on the PLC, the probation `seconds` long). */
const writeLocal = (seconds: number) => writePlantGateway(dir, plant, { prefix, seconds });

afterEach(async () => {
  await run?.stop();
  run = undefined;
  await watcher?.close();
  watcher = undefined;
});

/** Reads the outcomes the gateway publishes from now on, each in turn (next). */
async function outcomes(): Promise<OutcomeWatch> {
  watcher = await watchOutcomes(plant.broker.url, prefix);
  return watcher;
}

const publish = async (body: ConfigBody) => {
  await watcher!.publish(configTopic(prefix, 'press-3'), signConfigMessage(body, key));
};

/** Starts the gateway of a local file with a probation `seconds` long; resolves once its source gave a good sample. */
async function startGateway(seconds: number): Promise<RemoteConfigRun> {
  await writeLocal(seconds);
  const started = await runWithRemoteConfig(await loadConfigFile(join(dir, 'gateway.yaml')), {
    logger: logLines('info').logger,
  });
  await goodSample(started);
  return started;
}

const sourceStatus = (r: RemoteConfigRun) => r.daemon().gateway.status().sources;

describe('a remote configuration on probation on its sources', () => {
  it('rolls back one whose source gives no good sample within its probation, naming the source and its error', async () => {
    const seen = await outcomes();
    run = await startGateway(2);
    await publish({ sequence: 2, target: 'press-3', yaml: pumpYaml({ port: plant.deadPort }) });
    expect(await seen.next()).toMatchObject({ outcome: 'applied', sequence: 2 });
    const rolledBack = await seen.next();
    expect(rolledBack).toMatchObject({ outcome: 'rolled_back', sequence: 2, code: 'probation_failed' });
    expect(rolledBack.reason).toContain(
      `(sequence 2): no good sample within its 2 s probation from plc (device plc (127.0.0.1:${plant.deadPort.toString()}, unit 1): connect: ECONNREFUSED`,
    );
    expect(rolledBack.reason).toContain('which gave good samples under the configuration before');
    expect(run.status()).toMatchObject({ runningSequence: null, last: { code: 'probation_failed' } });
    // The local file runs again: its source gives good samples from the PLC.
    await goodSample(run);
    await expect(readFile(join(dir, 'data', STATE_FOLDER, RUNNING_FILE))).rejects.toThrow(/ENOENT/);
    // Counted across the restarts: the gateway running now is the third this process started.
    const metrics = await (await fetch(`http://127.0.0.1:${run.daemon().http!.port}/metrics`)).text();
    const counted = metrics.split('\n').filter((l) => l.startsWith('linewatch_remote_config_total{'));
    expect(counted.sort()).toEqual([
      'linewatch_remote_config_total{outcome="applied",code=""} 1',
      'linewatch_remote_config_total{outcome="rolled_back",code="probation_failed"} 1',
    ]);
    const problems = lintExposition(metrics); // the three nodejs_active_* gauges aside (docs/metrics.md)
    expect(problems.filter((p) => !p.startsWith('nodejs_active_'))).toEqual([]);
  });

  it('confirms one whose sources give good samples, and keeps it', async () => {
    const seen = await outcomes();
    run = await startGateway(60); // confirmed at the first good sample, long before
    await publish({
      sequence: 2,
      target: 'press-3',
      yaml: pumpYaml({ port: plant.plc.port, extra: 'gateway: { site: b }' }),
    });
    expect(await seen.next()).toMatchObject({ outcome: 'applied', sequence: 2 });
    expect(await seen.next()).toMatchObject({ outcome: 'confirmed', sequence: 2, reason: 'plc gave good samples' });
    expect(run.status().runningSequence).toBe(2);
    expect(sourceStatus(run)).toMatchObject([{ name: 'plc', connected: true }]);
    expect(await readFile(join(dir, 'data', STATE_FOLDER, RUNNING_FILE), 'utf8')).toContain('site: b');
  });

  it('does not judge a source the configuration before never reached: confirmed on the ones it did', async () => {
    const seen = await outcomes();
    run = await startGateway(60); // confirmed at plc's first good sample, long before
    // plc kept on the PLC; plc-new, added on a port where nothing listens, is not judged.
    const added = pumpYaml({ source: 'plc-new', port: plant.deadPort })
      .split('assets:')[0]
      .replace('sources:\n', '')
      .replace('asset: pump-1', 'asset: pump-2');
    const yaml =
      pumpYaml({ port: plant.plc.port }).replace('assets:', `${added}assets:`) +
      `  - name: pump-2\n    model: ${PUMP_MODEL}\n`;
    await publish({ sequence: 2, target: 'press-3', yaml });
    expect(await seen.next()).toMatchObject({ outcome: 'applied', sequence: 2 });
    expect(await seen.next()).toMatchObject({ outcome: 'confirmed', sequence: 2, reason: 'plc gave good samples' });
    expect(run.status().runningSequence).toBe(2);
    expect(sourceStatus(run).map((s) => s.name)).toEqual(['plc', 'plc-new']);
  });
});

describe('a probation across a restart of the gateway', () => {
  const stateFile = (name: string) => join(dir, 'data', STATE_FOLDER, name);
  /** Starts the gateway of the local file again in this process (the probation `seconds` long). */
  async function restart(seconds: number, log = logLines('info')): Promise<RemoteConfigRun> {
    await writeLocal(seconds);
    run = await runWithRemoteConfig(await loadConfigFile(join(dir, 'gateway.yaml')), { logger: log.logger });
    return run;
  }

  it('resumes the probation of a configuration the gateway stopped during, the stop not counted', async () => {
    const seen = await outcomes();
    run = await startGateway(600);
    await publish({ sequence: 2, target: 'press-3', yaml: pumpYaml({ port: plant.deadPort }) });
    expect(await seen.next()).toMatchObject({ outcome: 'applied', sequence: 2 });
    await run.stop();
    expect(JSON.parse(await readFile(stateFile(PROBATION_FILE), 'utf8'))).toEqual({
      sequence: 2,
      judged: ['plc'],
      previous: null,
      interrupted: 0,
      stopped: true,
    });
    const log = logLines('info');
    await restart(2, log);
    await log.next(
      /^remote configuration 2: the gateway stopped during its probation: it starts again, judged on plc; rolled back if the gateway ends so 2 times in a row \(0 now\)$/,
    );
    expect(await seen.next((o) => o.outcome === 'rolled_back')).toMatchObject({
      sequence: 2,
      code: 'probation_failed',
      reason: expect.stringContaining('(sequence 2): no good sample within its 2 s probation from plc') as unknown,
    });
  });

  it.each([
    ['missing', () => rm(stateFile(PREVIOUS_FILE)), 'sequence 2 was to be put back, and DIR/previous.msg is missing'],
    [
      'refused (its signature)',
      async () => {
        const bytes = await readFile(stateFile(PREVIOUS_FILE));
        bytes[bytes.length - 3] ^= 1; // a disk fault in the signed body
        await writeFile(stateFile(PREVIOUS_FILE), bytes);
      },
      'sequence 2, put back, is refused: DIR/running.msg: the signature does not verify',
    ],
  ])(
    'rolls back to the local file where the configuration to put back is %s, saying so',
    async (_name, damage, says) => {
      const seen = await outcomes();
      run = await startGateway(600);
      await publish({
        sequence: 2,
        target: 'press-3',
        yaml: pumpYaml({ port: plant.plc.port, extra: 'gateway: { site: b }' }),
      });
      expect(await seen.next((o) => o.outcome === 'confirmed')).toMatchObject({ sequence: 2 });
      await publish({ sequence: 3, target: 'press-3', yaml: pumpYaml({ port: plant.deadPort }) });
      expect(await seen.next((o) => o.sequence === 3)).toMatchObject({ outcome: 'applied' });
      await run.stop();
      // Injected: one end counted already (a kill after a resumed start), and the configuration before damaged.
      await writeFile(
        stateFile(PROBATION_FILE),
        JSON.stringify({ sequence: 3, judged: ['plc'], previous: 2, interrupted: 1 }),
      );
      await damage();
      const restarted = await restart(600);
      const rolledBack = await seen.next((o) => o.outcome === 'rolled_back');
      expect(rolledBack).toMatchObject({ sequence: 3, code: 'probation_interrupted' });
      expect(rolledBack.reason).toContain(
        `during the probation of sequence 3, 2 times in a row: rolled back to the local file (${says.replace('DIR', join(dir, 'data', STATE_FOLDER))}`,
      );
      expect(restarted.status().runningSequence).toBeNull();
      await goodSample(restarted);
    },
  );
});
