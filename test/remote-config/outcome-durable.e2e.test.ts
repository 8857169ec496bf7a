/**
 * A remote configuration outcome reaches the cloud across a broker outage and a restart (regression: an outcome
 * published while the broker was away was held by the client only, and lost when the gateway restarted before the
 * broker came back; the retained outcome then still said `applied` of a configuration rolled back). A gateway
 * (runWithRemoteConfig, the real startDaemon) reaches a real mosquitto through a TCP proxy (the one fault injected:
 * the link goes down) and polls a real Modbus PLC; the cloud's view is a client on the broker itself.
 */
import type { KeyObject } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load.js';
import { freePort } from '../../src/core/free-port.js';
import { OUTCOME_FILE } from '../../src/remote-config/latest-outcome.js';
import { FLEET_TARGET, signConfigMessage } from '../../src/remote-config/message.js';
import { runWithRemoteConfig, type RemoteConfigRun } from '../../src/remote-config/runner.js';
import { STATE_FOLDER } from '../../src/remote-config/store.js';
import { configTopic } from '../../src/remote-config/topics.js';
import { generateKeys, readPrivateKey } from '../../src/sync/release.js';
import { goodSample, retainedOutcome, watchOutcomes, type OutcomeWatch } from '../helpers/config-outcomes.js';
import { logLines, type LogLines } from '../helpers/log-lines.js';
import { useProbationPlant, writePlantGateway } from '../helpers/remote-config-plant.js';
import { pumpYaml } from '../helpers/remote-config-files.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

const plant = useProbationPlant();

let dir: string;
let key: KeyObject;
let prefix: string;
let link: TcpProxy;
let watcher: OutcomeWatch;
let run: RemoteConfigRun | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lw-remote-outcome-'));
  prefix = `lw${(await freePort()).toString()}`;
  key = await readPrivateKey((await generateKeys(join(dir, 'keys'))).privatePath);
  link = await startTcpProxy(Number(new URL(plant.broker.url).port));
  watcher = await watchOutcomes(plant.broker.url, prefix);
  await writePlantGateway(dir, plant, { prefix, seconds: 2, url: `mqtt://127.0.0.1:${link.port.toString()}` });
});
afterEach(async () => {
  await run?.stop();
  run = undefined;
  await watcher.close();
  await link.close();
});

const start = async (log: LogLines) => {
  run = await runWithRemoteConfig(await loadConfigFile(join(dir, 'gateway.yaml')), { logger: log.logger });
  return run;
};
const kept = async () =>
  JSON.parse(await readFile(join(dir, 'data', STATE_FOLDER, OUTCOME_FILE), 'utf8')) as Record<string, unknown>;

describe('the latest remote configuration outcome', () => {
  it('is published when the broker is back, after a restart, and no older outcome after it', async () => {
    const log = logLines('info');
    const running = await start(log);
    await goodSample(running);
    await watcher.publish(
      configTopic(prefix, 'press-3'),
      signConfigMessage({ sequence: 2, target: 'press-3', yaml: pumpYaml({ port: plant.deadPort }) }, key),
    );
    expect(await watcher.next()).toMatchObject({ outcome: 'applied', sequence: 2 });
    link.setUp(false); // its probation (its source on a dead port) fails while the link is down
    await log.next(
      new RegExp(
        `^remote configuration 2 rolled_back: mqtt ${prefix}/press-3/config \\(sequence 2\\): no good sample within its 2 s probation from plc \\(device plc \\(127\\.0\\.0\\.1:${plant.deadPort.toString()}, unit 1\\): connect: ECONNREFUSED`,
      ),
    );
    await running.stop();
    run = undefined;
    expect(await retainedOutcome(plant.broker.url, prefix)).toMatchObject({ outcome: 'applied', sequence: 2 }); // not sent
    expect(await kept()).toMatchObject({ outcome: { outcome: 'rolled_back', sequence: 2 }, published: false });

    // An older fleet message, retained as well: both come again at each connection.
    await watcher.publish(
      configTopic(prefix, FLEET_TARGET),
      signConfigMessage({ sequence: 1, target: FLEET_TARGET, yaml: pumpYaml({ port: plant.plc.port }) }, key),
    );
    link.setUp(true);
    const after = logLines('info');
    const restarted = await start(after);
    expect(await watcher.next()).toMatchObject({
      gateway: 'press-3',
      outcome: 'rolled_back',
      sequence: 2,
      code: 'probation_failed',
    });
    expect(restarted.status().last).toMatchObject({ outcome: 'rolled_back', sequence: 2 });
    // The retained messages (the rolled-back sequence 2, the fleet's 1) put no refusal over it.
    const over = (sequence: number, topic: string) =>
      new RegExp(
        `^remote configuration ${sequence.toString()} retained on ${topic}: not above the sequence floor: not taken, no outcome published over the latest \\(rolled_back 2, probation_failed\\)$`,
      );
    await after.next(over(2, `${prefix}/press-3/config`));
    await after.next(over(1, `${prefix}/config`));
    await restarted.stop();
    run = undefined;
    expect(await retainedOutcome(plant.broker.url, prefix)).toMatchObject({ outcome: 'rolled_back', sequence: 2 });
    expect(await kept()).toMatchObject({ outcome: { outcome: 'rolled_back', sequence: 2 }, published: true });
  });
});
