/**
 * Regression (review s34): keeping an accepted configuration was not crash-safe. store.accept wrote previous.msg, then
 * running.msg, then state.json: where the last write failed (a disk full), the take failed but running.msg held the
 * new configuration, and the next start ran it unannounced, without raising the floor. Now the floor is written first
 * and running.msg last: a failure at any write (injected here, the files otherwise real) leaves the configuration
 * before running at the next start, its probation mark for the new one removed as stale; after the last write the next
 * start resumes the new one's probation.
 */
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { ConfigIntake } from '../../src/remote-config/intake.js';
import { ConfigProbationFile, newMark } from '../../src/remote-config/probation-mark.js';
import { recoverAtStart } from '../../src/remote-config/start-recovery.js';
import {
  PREVIOUS_FILE,
  RemoteConfigStore,
  RUNNING_FILE,
  STATE_FILE,
  type StoreWrites,
} from '../../src/remote-config/store.js';
import { readPublicKeys } from '../../src/sync/release.js';
import { writeStoreFile, writeStoreJson } from '../../src/sync/store-files.js';
import { logLines } from '../helpers/log-lines.js';
import { pumpYaml } from '../helpers/remote-config-files.js';
import { intakeBeside, type IntakeBeside } from '../helpers/remote-intake.js';

const MAX = 256 * 1024;
const DISK_FULL = 'ENOSPC: no space left on device, write (injected)';

/** The real writes, but the `failAt`-th of them (0: the first) fails as a full disk does. */
function failingWrites(failAt: number): StoreWrites {
  let n = 0;
  const turn = () => {
    if (n++ === failAt) throw new Error(DISK_FULL);
  };
  return {
    file: async (path, data) => {
      turn();
      await writeStoreFile(path, data);
    },
    json: async (path, value) => {
      turn();
      await writeStoreJson(path, value);
    },
  };
}

let b: IntakeBeside;
let stateDir: string;
const message = (sequence: number) => b.sign({ sequence, target: 'press-3', yaml: pumpYaml({ port: 5020 }) });

beforeEach(async () => {
  b = await intakeBeside({ port: 5020 });
  stateDir = join(b.dir, 'data', 'remote-config');
  expect(await b.intake.take(message(1), 'mqtt t')).toMatchObject({ sequence: 1 });
});

/** An intake as the runner's, its store writing through `writes`. */
async function intakeWriting(writes?: StoreWrites): Promise<ConfigIntake> {
  return new ConfigIntake({
    localFile: b.localFile,
    keys: await readPublicKeys(join(b.dir, 'keys', 'release-signing.pub.pem')),
    gateway: 'press-3',
    maxBytes: MAX,
    store: new RemoteConfigStore(join(b.dir, 'data'), MAX, writes),
  });
}

const MARK_2 = { sequence: 2, judged: ['plc'], previous: 1, interrupted: 0 };

/** As the runner takes sequence 2: its probation mark (newMark: with sequence 1's where that one is on probation),
 * then the keep. */
async function takeTwo(intake: ConfigIntake): Promise<void> {
  intake.running = 1;
  const taken = await intake.check(message(2), 'mqtt t');
  if (taken === 'running') throw new Error('sequence 2 is not running');
  const marks = new ConfigProbationFile(stateDir);
  await marks.write(newMark(MARK_2, 1, marks.read()));
  await intake.keep(message(2), taken.sequence);
}

/** The next start, as the runner makes it, with a store that writes as usual. */
async function nextStart() {
  const intake = await intakeWriting();
  const marks = new ConfigProbationFile(stateDir);
  const store = new RemoteConfigStore(join(b.dir, 'data'), MAX);
  const recovery = await recoverAtStart({ intake, store, marks, logger: logLines().logger, now: Date.now });
  return { recovery, intake, store, mark: marks.read() };
}

describe('keeping an accepted configuration, a write failing at each step', () => {
  it.each([
    { failAt: 0, file: STATE_FILE, floor: 1 },
    { failAt: 1, file: PREVIOUS_FILE, floor: 2 },
    { failAt: 2, file: RUNNING_FILE, floor: 2 },
  ])('$file failing: the next start runs sequence 1, the floor $floor', async ({ failAt, file, floor }) => {
    const raised = floor === 2 ? '; the floor is 2 already: send it again with a higher sequence' : '';
    await expect(takeTwo(await intakeWriting(failingWrites(failAt)))).rejects.toThrow(
      `cannot write ${join(stateDir, file)}: ${DISK_FULL}${raised}`,
    );
    const { recovery, intake, store, mark } = await nextStart();
    expect(recovery.current.sequence).toBe(1);
    expect(recovery.resume).toBeUndefined();
    expect(recovery.outcomes).toEqual([]);
    expect(mark).toEqual({ absent: true }); // sequence 2's mark: not for the one that starts, removed
    expect(store.floor()).toBe(floor);
    // Sequence 2 again: taken where the floor stayed; refused as not newer where it was raised.
    intake.running = 1;
    const again = intake.check(message(2), 'mqtt t');
    if (floor === 1) await expect(again).resolves.toMatchObject({ sequence: 2 });
    else await expect(again).rejects.toThrow('mqtt t: sequence 2, not above 2, the highest applied or rolled back');
  });

  it('every write done, the gateway ending before it started sequence 2: the next start resumes its probation', async () => {
    await takeTwo(await intakeWriting(failingWrites(99)));
    const { recovery, store } = await nextStart();
    expect(recovery.current.sequence).toBe(2);
    expect(recovery.resume).toEqual({ sequence: 2, judged: ['plc'], previous: 1, interrupted: 1 });
    expect(store.floor()).toBe(2);
    expect(await store.read(PREVIOUS_FILE)).toEqual(message(1));
  });
});

describe('taking sequence 2 while sequence 1 is on probation, the gateway ending at each write', () => {
  const MARK_1 = { sequence: 1, judged: ['plc'], previous: null, interrupted: 0 };
  beforeEach(async () => {
    await new ConfigProbationFile(stateDir).write(MARK_1);
  });

  // Regression (s34's open defect): sequence 2's mark replaced sequence 1's, so an end before sequence 2 was kept
  // started sequence 1 with no mark (removed as stale): its probation was lost, the configuration never judged.
  it.each([
    { failAt: 0, file: STATE_FILE },
    { failAt: 1, file: PREVIOUS_FILE },
    { failAt: 2, file: RUNNING_FILE },
  ])('$file failing: sequence 1 starts, its probation resumed', async ({ failAt, file }) => {
    await expect(takeTwo(await intakeWriting(failingWrites(failAt)))).rejects.toThrow(DISK_FULL);
    expect(new ConfigProbationFile(stateDir).read()).toEqual({ value: { ...MARK_2, before: MARK_1 } });
    const log = logLines('info');
    const intake = await intakeWriting();
    const marks = new ConfigProbationFile(stateDir);
    const store = new RemoteConfigStore(join(b.dir, 'data'), MAX);
    const recovery = await recoverAtStart({ intake, store, marks, logger: log.logger, now: Date.now });
    expect(recovery.current.sequence).toBe(1);
    expect(recovery.resume).toEqual({ ...MARK_1, interrupted: 1 });
    expect(marks.read()).toEqual({ value: { ...MARK_1, interrupted: 1 } });
    // Where previous.msg was written (sequence 1 itself), it is removed: a rollback of 1 goes to the local file, as
    // sequence 1 replaced it, and does not start sequence 1 again.
    expect(await store.read(PREVIOUS_FILE)).toBeUndefined();
    if (file === RUNNING_FILE)
      expect(log.at(40)).toContain(
        `remote configuration: ${stateDir}/${PREVIOUS_FILE} held sequence 1, the one running (a keep cut short): removed, so a rollback of it goes back to the local file`,
      );
    await log.next(
      /^remote configuration 1: the gateway ended without stopping \(a crash, a kill, power lost\) during its probation \(sequence 2, taken to replace it, was not kept\): it starts again, judged on plc;/,
    );
  });

  it("every write done: sequence 2 starts on its own probation, sequence 1's ended", async () => {
    await takeTwo(await intakeWriting(failingWrites(99)));
    const { recovery, mark } = await nextStart();
    expect(recovery.current.sequence).toBe(2);
    expect(recovery.resume).toEqual({ ...MARK_2, interrupted: 1 });
    expect(mark).toEqual({ value: { ...MARK_2, interrupted: 1 } });
  });
});
