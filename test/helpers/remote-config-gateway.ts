/**
 * A gateway with remote configuration for a test, on the probation plant (remote-config-plant.ts): before each test a
 * folder with fresh keys, a topic prefix of its own and a watcher of its outcomes; `start` runs the local file's
 * gateway in this process (runWithRemoteConfig), `publish` signs a configuration and publishes it retained on its
 * topic; after each test the gateway stops and the watcher ends.
 */
import type { KeyObject } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { loadConfigFile } from '../../src/config/load.js';
import { freePort } from '../../src/core/free-port.js';
import { signConfigMessage, type ConfigBody } from '../../src/remote-config/message.js';
import { runWithRemoteConfig, type RemoteConfigRun } from '../../src/remote-config/runner.js';
import { configTopic } from '../../src/remote-config/topics.js';
import { generateKeys, readPrivateKey } from '../../src/sync/release.js';
import { watchOutcomes, type OutcomeWatch } from './config-outcomes.js';
import { logLines, type LogLines } from './log-lines.js';
import type { Pump } from './remote-config-files.js';
import { writePlantGateway, type ProbationPlant } from './remote-config-plant.js';

export interface RemoteConfigGateway {
  /** The test's folder: gateway.yaml, keys/, data/. */
  readonly dir: string;
  /** The topic prefix of its cloud.mqtt (its own: tests do not share retained messages). */
  readonly prefix: string;
  readonly watcher: OutcomeWatch;
  /** Writes the local file (probation `seconds` long; `pumps` as its sources where given) and starts its gateway,
   * logging to `log` where given. */
  start(seconds: number, o?: { readonly log?: LogLines; readonly pumps?: readonly Pump[] }): Promise<RemoteConfigRun>;
  /** Signs `body` with the test's key and publishes it on gateway press-3's topic. */
  publish(body: ConfigBody): Promise<void>;
}

/** Registers the calling file's beforeEach/afterEach; read the parts inside a test. */
export function useRemoteConfigGateway(plant: ProbationPlant, folder: string): RemoteConfigGateway {
  let parts: { dir: string; key: KeyObject; prefix: string; watcher: OutcomeWatch } | undefined;
  let run: RemoteConfigRun | undefined;
  beforeEach(async () => {
    const dir = await mkdtemp(join(tmpdir(), `${folder}-`));
    const prefix = `lw${(await freePort()).toString()}`;
    const key = await readPrivateKey((await generateKeys(join(dir, 'keys'))).privatePath);
    parts = { dir, key, prefix, watcher: await watchOutcomes(plant.broker.url, prefix) };
  });
  afterEach(async () => {
    await run?.stop();
    run = undefined;
    await parts?.watcher.close();
    parts = undefined;
  });
  const now = () => {
    if (!parts) throw new Error('the remote configuration gateway is made in beforeEach: use it in a test');
    return parts;
  };
  return {
    get dir() {
      return now().dir;
    },
    get prefix() {
      return now().prefix;
    },
    get watcher() {
      return now().watcher;
    },
    async start(seconds, { log = logLines('info'), pumps } = {}) {
      const { dir, prefix } = now();
      await writePlantGateway(dir, plant, { prefix, seconds, ...(pumps ? { pumps } : {}) });
      run = await runWithRemoteConfig(await loadConfigFile(join(dir, 'gateway.yaml')), {
        logger: log.logger,
      });
      return run;
    },
    publish: (body) => now().watcher.publish(configTopic(now().prefix, 'press-3'), signConfigMessage(body, now().key)),
  };
}
