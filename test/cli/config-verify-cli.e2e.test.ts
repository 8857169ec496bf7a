/**
 * `linewatch config verify` in a child process: a signed configuration message checked by the gateway's own intake
 * before it is published (exit 0 taken, 1 refused with the gateway's code and words, 2 usage), and what a gateway
 * keeps in its state folder (--data-dir), shown without a byte of it changed. The state folder is made by the real
 * intake and the real probation and outcome files, as a gateway makes it.
 */
import { readdir, readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { ConfigIntake } from '../../src/remote-config/intake.js';
import { LatestOutcome } from '../../src/remote-config/latest-outcome.js';
import { signConfigMessage, type ConfigBody } from '../../src/remote-config/message.js';
import { ConfigProbationFile } from '../../src/remote-config/probation-mark.js';
import { RemoteConfigStore, STATE_FOLDER } from '../../src/remote-config/store.js';
import { generateKeys, readPrivateKey, readPublicKeys } from '../../src/sync/release.js';
import { runCli } from '../helpers/cli.js';
import { pumpYaml, writeLocalGateway } from '../helpers/remote-config-files.js';

let dir: string;
let key: KeyObject;
let publicKey: string;
let local: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lw-config-verify-'));
  const keys = await generateKeys(join(dir, 'keys'));
  publicKey = keys.publicPath;
  key = await readPrivateKey(keys.privatePath);
  local = await writeLocalGateway(dir, {
    mqtt: 'url: mqtt://127.0.0.1:1883',
    publicKey: 'keys/release-signing.pub.pem',
    port: 5020,
  });
});

/** Writes the message of `body` signed with the test's key to `<dir>/<name>`; its path. */
async function message(name: string, body: ConfigBody): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, signConfigMessage(body, key));
  return file;
}
const body = (sequence: number, extra = '', target = 'press-3'): ConfigBody => ({
  sequence,
  target,
  yaml: pumpYaml({ port: 5020, extra }),
});
const verify = (...args: string[]) => runCli(['config', 'verify', '--key', publicKey, ...args]);

describe('linewatch config verify --message', () => {
  it('says a message the gateway takes is taken, and what was checked', async () => {
    const msg = await message('ok.msg', body(2, 'gateway: { site: b }'));
    const r = await verify('--message', msg, '--config', local);
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n')).toEqual([
      expect.stringMatching(
        new RegExp(
          `^verified: ${msg}: sequence 2, target press-3, \\d+ bytes: its signature verifies against --key ${publicKey}$`,
        ),
      ) as unknown,
      '  for gateway press-3 (under max_message_bytes 262144)',
      "  taken by the gateway's intake: its local file's rules (protected keys, paths, placeholders) and the checks of validate pass",
      "  its sequence is not checked against a gateway's floor: give --data-dir",
      '',
    ]);
    expect(r.code).toBe(0);
  });

  it("refuses by the gateway's own rules with --config, in its words; without it, says what it did not check", async () => {
    const msg = await message('path.msg', body(2, 'storage: { local: { path: /etc/elsewhere.db } }'));
    const r = await verify('--message', msg, '--config', local);
    expect(r.stderr).toBe(
      `linewatch: path_changed: ${msg} (sequence 2): storage.local.path "/etc/elsewhere.db": a remote configuration names only files and folders the local configuration names at the same place (or leaves them out for their defaults under data_dir)\n`,
    );
    expect(r.code).toBe(1);
    const bare = await verify('--message', msg, '--gateway', 'press-3');
    expect(bare.stdout).toContain(
      '  protected keys and placeholders pass; without --config the paths and the checks of validate are not checked\n',
    );
    expect(bare.code).toBe(0);
  });

  it.each([
    [
      'a changed body',
      async (file: string) => {
        const bytes = await readFile(file);
        bytes[bytes.length - 3] ^= 1;
        await writeFile(file, bytes);
      },
      'bad_signature',
      'the signature does not verify against cloud.remote_config.public_key_file: the body changed since it was signed, or another key signed it',
    ],
    [
      'another gateway',
      async (file: string) => writeFile(file, signConfigMessage(body(2, '', 'press-4'), key)),
      'wrong_target',
      'signed for gateway press-4, and this is press-3: a message is taken by the gateway it names, or by all with target "*"',
    ],
    [
      'a placeholder',
      async (file: string) => writeFile(file, signConfigMessage(body(2, 'gateway: { site: "${SITE}" }'), key)),
      'env_placeholder',
      'gateway.site: environment variable SITE',
    ],
  ])('refuses %s, naming why (exit 1)', async (_name, damage, code, says) => {
    const msg = await message('bad.msg', body(2));
    await damage(msg);
    const r = await verify('--message', msg, '--config', local);
    expect(r.stderr).toMatch(new RegExp(`^linewatch: ${code}: ${msg}`));
    expect(r.stderr).toContain(says);
    expect(r.stdout).toBe('');
    expect(r.code).toBe(1);
  });

  it('refuses unusable flags with exit 2, naming them', async () => {
    const none = await verify();
    expect(none.stderr).toBe(
      'linewatch: give --message FILE (a signed configuration message), --data-dir DIR (what a gateway keeps), or both\n',
    );
    expect(none.code).toBe(2);
    const msg = await message('ok.msg', body(2));
    const other = await verify('--message', msg, '--config', local, '--gateway', 'press-4');
    expect(other.stderr).toBe(
      `linewatch: --gateway press-4: --config ${local} is gateway press-3: give one, or the same\n`,
    );
    expect(other.code).toBe(2);
  });
});

describe('linewatch config verify --data-dir', () => {
  /** What a gateway kept: sequences 1 then 2 taken, 2 on probation (ended once), its `applied` not yet sent. */
  async function keptState(): Promise<string> {
    const data = join(dir, 'data');
    const store = new RemoteConfigStore(data, 256 * 1024);
    const intake = new ConfigIntake({
      localFile: local,
      keys: await readPublicKeys(publicKey),
      gateway: 'press-3',
      maxBytes: 256 * 1024,
      store,
    });
    await intake.take(signConfigMessage(body(1), key), 'mqtt t');
    await intake.take(signConfigMessage(body(2, 'gateway: { site: b }'), key), 'mqtt t');
    await new ConfigProbationFile(store.dir).write({ sequence: 2, judged: ['plc'], previous: 1, interrupted: 1 });
    const outcome = new LatestOutcome(
      store.dir,
      () => undefined,
      () => undefined,
    );
    await outcome.keep({ outcome: 'applied', sequence: 2, ts: Date.UTC(2026, 11, 7, 8) });
    return data;
  }
  const snapshot = async (folder: string) =>
    Promise.all((await readdir(folder)).sort().map(async (f) => [f, await readFile(join(folder, f), 'utf8')]));

  it('shows what the gateway keeps and what its next start does, changing nothing', async () => {
    const data = await keptState();
    const before = await snapshot(join(data, STATE_FOLDER));
    const r = await verify('--data-dir', data, '--config', local);
    const state = join(data, STATE_FOLDER);
    expect(r.stdout.replace(/\d+ bytes/g, 'N bytes')).toBe(
      [
        `${state} (read only):`,
        "  running.msg: sequence 2, target press-3, N bytes: verifies, and passes the local file's rules",
        "  previous.msg: sequence 1, target press-3, N bytes: verifies, and passes the local file's rules",
        '  state.json: floor 2: a message with a sequence at or under it is refused (not_newer)',
        '  probation.json: sequence 2 on probation, judged on plc, replacing sequence 1; the gateway ended during it 1 time(s): the next start rolls it back (probation_interrupted)',
        '  outcome.json: applied sequence 2 at 2026-12-07T08:00:00.000Z: not acknowledged yet: published at the next connection',
        '',
      ].join('\n'),
    );
    expect(r.code).toBe(0);
    // A message at the floor is refused as the gateway refuses it; the one running is taken as running.
    const old = await verify('--data-dir', data, '--config', local, '--message', await message('1.msg', body(1)));
    expect(old.stderr).toContain(`linewatch: not_newer: ${join(dir, '1.msg')}: sequence 1, not above 2`);
    expect(old.code).toBe(1);
    const same = await message('2.msg', body(2, 'gateway: { site: b }'));
    const runs = await verify('--data-dir', data, '--config', local, '--message', same);
    expect(runs.stdout).toContain(
      `  the gateway runs it already (${join(state, 'running.msg')}): delivered again, nothing changes\n`,
    );
    expect(runs.code).toBe(0);
    expect(await snapshot(state)).toEqual(before);
  });

  it('says a kept message the next start refuses (exit 1)', async () => {
    const data = await keptState();
    const running = join(data, STATE_FOLDER, 'running.msg');
    const bytes = await readFile(running);
    bytes[bytes.length - 3] ^= 1;
    await writeFile(running, bytes);
    const r = await verify('--data-dir', data, '--gateway', 'press-3');
    expect(r.stdout).toContain(
      `  running.msg: refused (bad_signature): ${running}: the signature does not verify against cloud.remote_config.public_key_file: the body changed since it was signed, or another key signed it: the next start runs the local file\n`,
    );
    // The next start runs the local file: the mark of sequence 2 is then not for it.
    expect(r.stdout).toContain(
      '  probation.json: is for sequence 2, and the local file starts: the next start removes it\n',
    );
    expect(r.code).toBe(1);
  });

  // Regression (s34's open defect): a lost state.json was the floor 0; the kept messages' signed sequences carry it.
  it.each(['--config', '--gateway'])(
    'shows the floor a lost state.json leaves, from running.msg, and refuses below it, with %s',
    async (flag) => {
      const data = await keptState();
      const state = join(data, STATE_FOLDER);
      await rm(join(state, 'state.json'));
      const which = flag === '--config' ? [flag, local] : [flag, 'press-3'];
      const r = await verify('--data-dir', data, ...which, '--message', await message('1.msg', body(1)));
      expect(r.stdout).toContain(
        `  state.json: the sequence floor is 2, the signed sequence of ${join(state, 'running.msg')}, above none in a missing ${join(state, 'state.json')}: a configuration at or under it is refused (not_newer)\n`,
      );
      expect(r.stderr).toContain(`linewatch: not_newer: ${join(dir, '1.msg')}: sequence 1, not above 2`);
      expect(r.code).toBe(1);
    },
  );
});
