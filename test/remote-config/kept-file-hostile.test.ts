/**
 * Regression: unreadable_kept_configuration_stopped_the_gateway. The kept configuration (<data_dir>/remote-config/
 * running.msg) that no longer verifies is put aside at start for the local file, saying why; but one that could not be
 * read at all (a folder or a FIFO there, a disk error) made atStart throw: `linewatch run` ended at every start, under
 * its supervisor for ever, though the local file was there to run. Now it is refused like a tampered one.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ConfigIntake } from '../../src/remote-config/intake.js';
import { RUNNING_FILE, STATE_FOLDER } from '../../src/remote-config/store.js';
import { pumpYaml } from '../helpers/remote-config-files.js';
import { intakeBeside } from '../helpers/remote-intake.js';

let dir: string;
let kept: string;
let intake: ConfigIntake;

beforeEach(async () => {
  const beside = await intakeBeside({ port: 5020 });
  ({ dir, intake } = beside);
  await mkdir(join(dir, 'data', STATE_FOLDER), { recursive: true });
  kept = join(dir, 'data', STATE_FOLDER, RUNNING_FILE);
  // A good message elsewhere, for the link below.
  await writeFile(
    join(dir, 'good.msg'),
    beside.sign({ sequence: 4, target: 'press-3', yaml: pumpYaml({ port: 5021 }) }),
  );
});

describe('a kept configuration that cannot be read at start', () => {
  it('runs the local file, saying the kept one is a folder', async () => {
    await mkdir(kept);
    const start = await intake.atStart();
    expect(start.sequence).toBeUndefined();
    expect(start.why).toBe(`remote configuration ${kept}: not a regular file`);
    expect(start.loaded.file).toBe(join(dir, 'gateway.yaml'));
  });

  it('runs the local file, saying the kept one is a FIFO (never waiting on it)', async () => {
    execFileSync('mkfifo', [kept]);
    const start = await intake.atStart();
    expect({ sequence: start.sequence, why: start.why }).toEqual({
      sequence: undefined,
      why: `remote configuration ${kept}: not a regular file`,
    });
  });

  it('still runs a kept message reached through a link: its signature is what is trusted', async () => {
    await symlink(join(dir, 'good.msg'), kept);
    const start = await intake.atStart();
    expect({ sequence: start.sequence, why: start.why }).toEqual({ sequence: 4, why: undefined });
  });
});
