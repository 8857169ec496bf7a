/**
 * Regression (s34's open defect): a state.json deleted or lost lowered the sequence floor to 0, so an older signed
 * configuration replayed on the broker was taken again. The floor is now at least the signed sequence of each kept
 * message that verifies (running.msg, previous.msg, rolled-back.msg, the last one rolled back); an unsigned or foreign
 * one raises nothing; a damaged state.json still refuses everything; a fresh gateway takes its first. Real files.
 */
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { ConfigIntake } from '../../src/remote-config/intake.js';
import { signConfigMessage } from '../../src/remote-config/message.js';
import { ConfigProbationFile } from '../../src/remote-config/probation-mark.js';
import { recoverAtStart } from '../../src/remote-config/start-recovery.js';
import {
  PREVIOUS_FILE,
  RemoteConfigStore,
  ROLLED_BACK_FILE,
  RUNNING_FILE,
  STATE_FILE,
} from '../../src/remote-config/store.js';
import { generateKeys, readPrivateKey, readPublicKeys } from '../../src/sync/release.js';
import { logLines } from '../helpers/log-lines.js';
import { pumpYaml } from '../helpers/remote-config-files.js';
import { intakeBeside, type IntakeBeside } from '../helpers/remote-intake.js';

let b: IntakeBeside;
let stateDir: string;
const message = (sequence: number) => b.sign({ sequence, target: 'press-3', yaml: pumpYaml({ port: 5020 }) });
const store = () => new RemoteConfigStore(join(b.dir, 'data'), 256 * 1024);

/** The intake of a gateway that starts again on the same folder (nothing running yet). */
async function restarted(): Promise<ConfigIntake> {
  return new ConfigIntake({
    localFile: b.localFile,
    keys: await readPublicKeys(join(b.dir, 'keys', 'release-signing.pub.pem')),
    gateway: 'press-3',
    maxBytes: 256 * 1024,
    store: store(),
  });
}

beforeEach(async () => {
  b = await intakeBeside({ port: 5020 });
  stateDir = join(b.dir, 'data', 'remote-config');
});

const notNewer = (sequence: number, floor: number) =>
  `mqtt t: sequence ${sequence}, not above ${floor}, the highest applied or rolled back here`;

describe('the sequence floor where state.json is lost', () => {
  it('is the signed sequence of the kept running.msg: an older configuration replayed is refused, a newer taken', async () => {
    await b.intake.take(message(1), 'mqtt t');
    await b.intake.take(message(2), 'mqtt t');
    await rm(join(stateDir, STATE_FILE));
    await rm(join(stateDir, PREVIOUS_FILE)); // only running.msg (sequence 2) is left
    const intake = await restarted();
    expect(await intake.sequenceFloor()).toEqual({
      floor: 2,
      recorded: 0,
      kept: { file: RUNNING_FILE, sequence: 2 },
      passedOver: [],
    });
    await expect(intake.check(message(1), 'mqtt t')).rejects.toThrow(notNewer(1, 2));
    await expect(intake.check(message(3), 'mqtt t')).resolves.toMatchObject({ sequence: 3 });
  });

  it('is the sequence rolled back, kept as rolled-back.msg: the rolled-back configuration is not taken again', async () => {
    await b.intake.take(message(1), 'mqtt t');
    await b.intake.take(message(2), 'mqtt t');
    await store().rollBack(); // sequence 2 failed its probation: sequence 1 runs again
    expect(await store().read(ROLLED_BACK_FILE)).toEqual(message(2));
    await rm(join(stateDir, STATE_FILE));
    const intake = await restarted();
    expect((await intake.sequenceFloor()).kept).toEqual({ file: ROLLED_BACK_FILE, sequence: 2 });
    await expect(intake.check(message(2), 'mqtt t')).rejects.toThrow(notNewer(2, 2));
  });

  it('is not raised by a kept message that does not verify (signed with another key), which is named', async () => {
    const other = await readPrivateKey((await generateKeys(join(b.dir, 'other'))).privatePath);
    await store().accept(signConfigMessage({ sequence: 9, target: 'press-3', yaml: 'x: 1' }, other), 9);
    await rm(join(stateDir, STATE_FILE));
    const intake = await restarted();
    const found = await intake.sequenceFloor();
    expect(found).toMatchObject({ floor: 0, recorded: 0 });
    expect(found.passedOver).toEqual([
      `${join(stateDir, RUNNING_FILE)}: the signature does not verify against cloud.remote_config.public_key_file: the body changed since it was signed, or another key signed it`,
    ]);
  });

  it('is 0 on a fresh gateway (nothing kept): its first configuration is taken', async () => {
    expect(await b.intake.sequenceFloor()).toEqual({ floor: 0, recorded: 0, passedOver: [] });
    await expect(b.intake.take(message(1), 'mqtt t')).resolves.toMatchObject({ sequence: 1 });
  });

  it('stays unknown where state.json is damaged, though running.msg is kept: every message refused', async () => {
    await b.intake.take(message(1), 'mqtt t');
    await writeFile(join(stateDir, STATE_FILE), '{"floor": "seven"}');
    await expect(b.intake.check(message(5), 'mqtt t')).rejects.toThrow(
      `remote configuration state ${join(stateDir, STATE_FILE)}: `,
    );
    await expect(b.intake.check(message(5), 'mqtt t')).rejects.toMatchObject({ code: 'state_damaged' });
  });

  it('is said at start where it rests on a kept message rather than state.json', async () => {
    await b.intake.take(message(1), 'mqtt t');
    await b.intake.take(message(2), 'mqtt t');
    await rm(join(stateDir, STATE_FILE));
    const log = logLines('info');
    const s = store();
    await recoverAtStart({
      intake: await restarted(),
      store: s,
      marks: new ConfigProbationFile(s.dir),
      logger: log.logger,
      now: Date.now,
    });
    expect(log.at(40)).toEqual([
      `remote configuration: the sequence floor is 2, the signed sequence of ${join(stateDir, RUNNING_FILE)}, above none in a missing ${join(stateDir, STATE_FILE)}: a configuration at or under it is refused`,
    ]);
  });
});
