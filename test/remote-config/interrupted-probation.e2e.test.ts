/**
 * A remote configuration's probation survives the gateway's end (regression: a kill or a power cut during the
 * probation kept a configuration unjudged at the next start, and one that crashes the gateway made a crash loop).
 * `linewatch run` runs in a child process on a real Modbus PLC (register-plc) and a real mosquitto, takes a signed
 * configuration that points its source at a port where nothing listens, and is killed with SIGKILL during the
 * probation. The next start resumes the probation and rolls the configuration back; killed so twice in a row, the
 * configuration is rolled back at the start that follows, and its retained message is not taken again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { KeyObject } from 'node:crypto';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load.js';
import { freePort } from '../../src/core/free-port.js';
import { signConfigMessage } from '../../src/remote-config/message.js';
import { PROBATION_FILE } from '../../src/remote-config/probation-mark.js';
import { runWithRemoteConfig, type RemoteConfigRun } from '../../src/remote-config/runner.js';
import { RUNNING_FILE, STATE_FOLDER } from '../../src/remote-config/store.js';
import { configTopic } from '../../src/remote-config/topics.js';
import { generateKeys, readPrivateKey } from '../../src/sync/release.js';
import { BIN } from '../helpers/cli.js';
import { goodSample, watchOutcomes, type OutcomeWatch } from '../helpers/config-outcomes.js';
import { openEventStream } from '../helpers/event-stream-client.js';
import { logLines } from '../helpers/log-lines.js';
import { useProbationPlant, writePlantGateway } from '../helpers/remote-config-plant.js';
import { pumpYaml } from '../helpers/remote-config-files.js';

const plant = useProbationPlant();

let dir: string;
let key: KeyObject;
let prefix: string;
let watcher: OutcomeWatch;
let children: ChildProcess[];
let run: RemoteConfigRun | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lw-remote-interrupted-'));
  prefix = `lw${(await freePort()).toString()}`;
  key = await readPrivateKey((await generateKeys(join(dir, 'keys'))).privatePath);
  watcher = await watchOutcomes(plant.broker.url, prefix);
  children = [];
});
afterEach(async () => {
  for (const child of children) child.kill('SIGKILL');
  await run?.stop();
  run = undefined;
  await watcher.close();
});

const stateFile = (name: string) => join(dir, 'data', STATE_FOLDER, name);
const readMark = async () => JSON.parse(await readFile(stateFile(PROBATION_FILE), 'utf8')) as Record<string, unknown>;

/** Writes the local file: its source on the PLC, the probation `seconds` long. */
const writeLocal = (seconds: number) => writePlantGateway(dir, plant, { prefix, seconds });

type Entry = { readonly msg: string; readonly url?: string };

/** `linewatch run` on the local file in a child process; `next` resolves at its first log line that `matches`. */
function runChild(): { next: (matches: (e: Entry) => boolean) => Promise<Entry>; kill: () => Promise<unknown> } {
  const child = spawn(process.execPath, [BIN, 'run', '--config', join(dir, 'gateway.yaml')], { env: process.env });
  children.push(child);
  const exited = once(child, 'exit');
  const lines: Entry[] = [];
  const waiting: { matches: (e: Entry) => boolean; resolve: (e: Entry) => void }[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const entry = JSON.parse(line) as Entry;
    lines.push(entry);
    const at = waiting.findIndex((w) => w.matches(entry));
    if (at >= 0) waiting.splice(at, 1)[0].resolve(entry);
  });
  return {
    next: (matches) => {
      const found = lines.find(matches);
      return found ? Promise.resolve(found) : new Promise((resolve) => waiting.push({ matches, resolve }));
    },
    kill: async () => {
      child.kill('SIGKILL');
      return (await exited)[1];
    },
  };
}

const RESUMED =
  /^remote configuration 2: the gateway ended without stopping \(a crash, a kill, power lost\) during its probation: it starts again, judged on plc; rolled back if the gateway ends so 2 times in a row \(1 now\)$/;

/** A child gateway whose source gave a score (good samples) takes sequence 2 (its source on a dead port) and is killed
 * with SIGKILL once it says it applied it: on probation, for 600 s. */
async function killedOnProbation(): Promise<void> {
  await writeLocal(600);
  const child = runChild();
  const { url } = await child.next((e) => e.url !== undefined);
  const scores = await openEventStream(`${url!}/api/events?types=score`, 'score');
  await scores.first; // plc gave good samples under the local file
  await watcher.publish(
    configTopic(prefix, 'press-3'),
    signConfigMessage({ sequence: 2, target: 'press-3', yaml: pumpYaml({ port: plant.deadPort }) }, key),
  );
  await child.next((e) => e.msg === 'remote configuration 2 applied');
  expect(await child.kill()).toBe('SIGKILL');
}

/** Starts the gateway of the local file in this process (its probation `seconds` long). */
async function startHere(seconds: number, log = logLines('info')): Promise<RemoteConfigRun> {
  await writeLocal(seconds);
  run = await runWithRemoteConfig(await loadConfigFile(join(dir, 'gateway.yaml')), { logger: log.logger });
  return run;
}

describe('a remote configuration on probation when the gateway is killed', () => {
  it('is judged again at the next start, and rolled back where its source stays silent', async () => {
    await killedOnProbation();
    // Marked before it started: what it is judged on, and what it replaced (the local file).
    expect(await readMark()).toEqual({ sequence: 2, judged: ['plc'], previous: null, interrupted: 0 });
    const log = logLines('info');
    const restarted = await startHere(2, log);
    expect((await log.next(RESUMED)).level).toBe(40);
    expect(await watcher.next((o) => o.outcome === 'rolled_back')).toMatchObject({
      gateway: 'press-3',
      sequence: 2,
      code: 'probation_failed',
      reason: expect.stringContaining(
        `${join(dir, 'data', STATE_FOLDER, RUNNING_FILE)} (sequence 2): no good sample within its 2 s probation from plc (device plc (127.0.0.1:${plant.deadPort.toString()}, unit 1): connect: ECONNREFUSED`,
      ) as unknown,
    });
    expect(restarted.status().runningSequence).toBeNull();
    await goodSample(restarted); // the local file runs again
    expect(existsSync(stateFile(PROBATION_FILE))).toBe(false);
    expect(existsSync(stateFile(RUNNING_FILE))).toBe(false);
  }, 60_000);

  it('is rolled back at the start after it was killed twice in a row on probation, and not taken again', async () => {
    await killedOnProbation();
    const second = runChild(); // probation_s 600 still: the resumed probation runs on
    await second.next((e) => RESUMED.test(e.msg));
    expect(await second.kill()).toBe('SIGKILL');
    expect(await readMark()).toEqual({ sequence: 2, judged: ['plc'], previous: null, interrupted: 1 });
    const log = logLines('info');
    const third = await startHere(600, log);
    expect(await watcher.next((o) => o.outcome === 'rolled_back')).toEqual({
      gateway: 'press-3',
      outcome: 'rolled_back',
      sequence: 2,
      code: 'probation_interrupted',
      reason:
        'the gateway ended without stopping (a crash, a kill, power lost) during the probation of sequence 2, 2 times ' +
        'in a row: rolled back to the local file (not taken again: sign a new sequence)',
      ts: expect.any(Number) as unknown,
    });
    expect(third.status()).toMatchObject({ runningSequence: null, last: { code: 'probation_interrupted' } });
    await goodSample(third);
    // Its retained message, delivered again, is not taken, and its outcome stands (no refusal published over it).
    await log.next(
      /^remote configuration 2 retained on lw\d+\/press-3\/config: not above the sequence floor: not taken, no outcome published over the latest \(rolled_back 2, probation_interrupted\)$/,
    );
    expect(existsSync(stateFile(PROBATION_FILE))).toBe(false);
    expect(existsSync(stateFile(RUNNING_FILE))).toBe(false);
  }, 90_000);
});
