/**
 * The confirmed releases a restart chooses from (`<store>/<asset>/active.json`): the newest that verifies, why each
 * newer one was passed over, the history kept when a release is confirmed, and a record naming a folder outside the
 * asset's store folder refused unread. Real signed releases (the shipped pump-ae, signed with a fresh key).
 */
import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  activeAfterRollback,
  activeJsonValue,
  EARLIER_KEPT,
  nextActiveFile,
  readActiveJson,
  readConfirmedRelease,
  type ConfirmedRecord,
} from '../../src/sync/confirmed-release.js';
import { generateKeys, readPublicKeys } from '../../src/sync/release.js';
import { loadManifest, type ModelManifest } from '../../src/inference/manifest.js';
import { ROOT } from '../helpers/cli.js';
import { storedRelease } from '../helpers/model-releases.js';

let keys: KeyObject[];
let privatePath: string;
let configured: ModelManifest;

beforeAll(async () => {
  const k = await generateKeys(await mkdtemp(join(tmpdir(), 'lw-confirmed-keys-')));
  privatePath = k.privatePath;
  keys = await readPublicKeys(k.publicPath);
  configured = (await loadManifest(join(ROOT, 'models/pump-ae'))).manifest;
});

const load = async (l: { manifest: ModelManifest }) => l.manifest.version;

describe('confirmed releases', () => {
  it('keeps the releases confirmed before the newest, newest first, without the same folder twice, at most EARLIER_KEPT', () => {
    const r = (v: string, sequence: number): ConfirmedRecord => ({ version: v, dir: `/s/pump-1/${v}`, sequence });
    let active = nextActiveFile(r('1', 1), undefined);
    expect(active.earlier).toEqual([]);
    for (const [i, v] of ['2', '3', '4'].entries()) active = nextActiveFile(r(v, i + 2), active);
    expect(active.version).toBe('4');
    expect(active.earlier!.map((e) => e.version)).toEqual(['3', '2'].slice(0, EARLIER_KEPT));
    expect(active.earlier!.every((e) => !('earlier' in e))).toBe(true);
    // The same release confirmed again (taken again after it was damaged) is not its own predecessor.
    expect(nextActiveFile(r('4', 4), active).earlier!.map((e) => e.version)).toEqual(['3', '2']);
  });

  it('rolls back locally to a recorded release keeping the highest sequence as the floor, until one above it', () => {
    const r = (v: string, sequence: number): ConfirmedRecord => ({ version: v, dir: `/s/pump-1/${v}`, sequence });
    const active = nextActiveFile(
      r('1.3.0', 3),
      nextActiveFile(r('1.2.0', 2), nextActiveFile(r('1.1.0', 1), undefined)),
    );
    const back = activeAfterRollback({ active }, '1.2.0');
    expect(back.active).toEqual({
      ...r('1.2.0', 2),
      earlier: [r('1.1.0', 1)],
      floor: { sequence: 3, version: '1.3.0' },
    });
    // Back again, past 1.1.0 too, to the configured model: no release recorded, 1.3.0's sequence still the floor.
    const configured = activeAfterRollback(activeAfterRollback(back, '1.1.0'), undefined);
    expect(configured).toEqual({ floor: { sequence: 3, version: '1.3.0' } });
    // The same release confirmed again (taken again after it was damaged) keeps the floor; a newer one drops it.
    expect(nextActiveFile(r('1.2.0', 2), back.active, back.floor).floor).toEqual({ sequence: 3, version: '1.3.0' });
    expect(nextActiveFile(r('1.4.0', 4), undefined, configured.floor)).not.toHaveProperty('floor');
    expect(() => activeAfterRollback({ active }, '0.9.0')).toThrow('active.json records no release 0.9.0');
  });

  it('keeps who rolled back what and when beside the release gone back to, until a release is confirmed', async () => {
    const store = await mkdtemp(join(tmpdir(), 'lw-confirmed-rollback-'));
    await mkdir(join(store, 'pump-1'));
    const file = join(store, 'pump-1', 'active.json');
    const r = (v: string, sequence: number): ConfirmedRecord => ({ version: v, dir: `/s/pump-1/${v}`, sequence });
    const rollback = { version: '1.2.0', at: '2026-12-06T05:00:00.000Z', by: 'j.doe' };
    const back = activeAfterRollback(
      { active: nextActiveFile(r('1.2.0', 2), nextActiveFile(r('1.1.0', 1), undefined)) },
      '1.1.0',
    );
    await writeFile(file, JSON.stringify(activeJsonValue({ ...back, rollback })));
    const read = await readActiveJson(store, 'pump-1');
    // Beside the record, not in it: the release's own record (and those confirmed after it) never carry it.
    expect(read).toEqual({ ...back, rollback });
    expect(nextActiveFile(r('1.3.0', 3), read.active, read.floor)).not.toHaveProperty('local_rollback');
    // Back to the configured model: the floor and the rollback only.
    await writeFile(file, JSON.stringify(activeJsonValue({ ...activeAfterRollback(read, undefined), rollback })));
    expect(await readActiveJson(store, 'pump-1')).toEqual({ floor: { sequence: 2, version: '1.2.0' }, rollback });
    // One that is not a rollback record is left out.
    await writeFile(file, JSON.stringify({ floor: { sequence: 2, version: '1.2.0' }, local_rollback: { version: 3 } }));
    expect(await readActiveJson(store, 'pump-1')).toEqual({ floor: { sequence: 2, version: '1.2.0' } });
  });

  it('runs the newest that verifies, saying why each newer one does not', async () => {
    const store = await mkdtemp(join(tmpdir(), 'lw-confirmed-'));
    const older = await storedRelease(store, privatePath, '1.1.0', 1);
    const newest = await storedRelease(store, privatePath, '1.2.0', 2);
    await writeFile(join(newest.dir, 'manifest.sig'), 'AAAA'); // damaged signature
    await writeFile(join(store, 'pump-1', 'active.json'), JSON.stringify(nextActiveFile(newest, { ...older })));
    const found = await readConfirmedRelease(store, 'pump-1', configured, keys, load);
    expect(found.ok).toEqual({ value: '1.1.0', dir: older.dir, version: '1.1.0', newest: false });
    expect(found.refused).toEqual([
      {
        dir: newest.dir,
        version: '1.2.0',
        reason: `release ${newest.dir}: the signature does not verify against the configured public key: the manifest changed since it was signed, or another key signed it`,
      },
    ]);
  });

  it('passes over a release that verifies but does not load, to the one before it', async () => {
    const store = await mkdtemp(join(tmpdir(), 'lw-confirmed-'));
    const older = await storedRelease(store, privatePath, '1.1.0', 1);
    const newest = await storedRelease(store, privatePath, '1.2.0', 2);
    await writeFile(join(store, 'pump-1', 'active.json'), JSON.stringify(nextActiveFile(newest, { ...older })));
    const refuse120 = async (l: { manifest: ModelManifest }) => {
      if (l.manifest.version === '1.2.0') throw new Error('no session: out of memory');
      return l.manifest.version;
    };
    const found = await readConfirmedRelease(store, 'pump-1', configured, keys, refuse120);
    expect([found.ok?.value, found.refused.map((r) => r.reason)]).toEqual(['1.1.0', ['no session: out of memory']]);
  });

  it("refuses a record whose folder is not its version's in the asset's store folder, a symbolic link included", async () => {
    const store = await mkdtemp(join(tmpdir(), 'lw-confirmed-'));
    const elsewhere = await storedRelease(await mkdtemp(join(tmpdir(), 'lw-elsewhere-')), privatePath, '1.1.0', 1);
    await mkdir(join(store, 'pump-1'), { recursive: true });
    await writeFile(join(store, 'pump-1', 'active.json'), JSON.stringify(nextActiveFile(elsewhere, undefined)));
    const found = await readConfirmedRelease(store, 'pump-1', configured, keys, load);
    expect(found.ok).toBeUndefined();
    const reason = `its folder is not ${join(store, 'pump-1', '1.1.0')} (the store keeps a release there)`;
    expect(found.refused).toEqual([{ dir: elsewhere.dir, version: '1.1.0', reason }]);
    expect(found.newest).toMatchObject({ version: '1.1.0' });
    // The same folder linked into the store, under the version's name.
    await symlink(elsewhere.dir, join(store, 'pump-1', '1.1.0'));
    const linked = { ...elsewhere, dir: join(store, 'pump-1', '1.1.0') };
    await writeFile(join(store, 'pump-1', 'active.json'), JSON.stringify(nextActiveFile(linked, undefined)));
    const viaLink = await readConfirmedRelease(store, 'pump-1', configured, keys, load);
    expect([viaLink.ok, viaLink.refused.map((r) => r.reason)]).toEqual([undefined, [reason]]);
  });

  it('refuses a record that is not the signed release in its folder (version, sequence)', async () => {
    const store = await mkdtemp(join(tmpdir(), 'lw-confirmed-'));
    const signed = await storedRelease(store, privatePath, '1.1.0', 1);
    const lying = { ...signed, sequence: 99 };
    await writeFile(join(store, 'pump-1', 'active.json'), JSON.stringify(nextActiveFile(lying, undefined)));
    const found = await readConfirmedRelease(store, 'pump-1', configured, keys, load);
    expect(found.refused.map((r) => r.reason)).toEqual([
      'its signed manifest is not the release recorded (release_sequence 1; recorded 1.1.0, sequence 99)',
    ]);
  });

  it('passes over, as no candidate, a release rolled back since and one for another model or inputs', async () => {
    const store = await mkdtemp(join(tmpdir(), 'lw-confirmed-'));
    const older = await storedRelease(store, privatePath, '1.1.0', 1);
    const newest = await storedRelease(store, privatePath, '1.2.0', 2);
    await writeFile(join(store, 'pump-1', 'active.json'), JSON.stringify(nextActiveFile(newest, { ...older })));
    const found = await readConfirmedRelease(store, 'pump-1', configured, keys, load, { rolledBack: ['1.2.0'] });
    expect([found.ok?.value, found.ok?.newest, found.refused]).toEqual(['1.1.0', true, []]);
    expect(found.passed).toEqual([{ dir: newest.dir, version: '1.2.0', reason: 'it was rolled back here since' }]);
    // The asset is configured with another model now: no release recorded is a candidate, none is damaged.
    const other = { ...configured, name: 'pump-hybrid' };
    const reconfigured = await readConfirmedRelease(store, 'pump-1', other, keys, load);
    expect([reconfigured.ok, reconfigured.refused, reconfigured.newest]).toEqual([undefined, [], undefined]);
    expect(reconfigured.passed.map((r) => r.reason)).toEqual([
      'it is model pump-ae, the asset is configured with pump-hybrid',
      'it is model pump-ae, the asset is configured with pump-hybrid',
    ]);
    // A configured model whose release_sequence is above them (a newer model shipped with the gateway).
    const newer = await readConfirmedRelease(store, 'pump-1', { ...configured, release_sequence: 2 }, keys, load);
    expect([newer.ok, newer.newest, newer.passed.map((r) => r.reason)]).toEqual([
      undefined,
      undefined,
      [
        'its release_sequence 2 is not above 2, that of the configured model',
        'its release_sequence 1 is not above 2, that of the configured model',
      ],
    ]);
  });

  it('finds nothing where nothing was confirmed, or active.json is not a record', async () => {
    const store = await mkdtemp(join(tmpdir(), 'lw-confirmed-'));
    expect(await readConfirmedRelease(store, 'pump-1', configured, keys, load)).toEqual({ refused: [], passed: [] });
    await mkdir(join(store, 'pump-1'));
    await writeFile(join(store, 'pump-1', 'active.json'), '{"dir": 7}');
    expect(await readConfirmedRelease(store, 'pump-1', configured, keys, load)).toEqual({ refused: [], passed: [] });
  });

  // Before: read whole whatever its size, and a file that was no active.json was as none, said nowhere.
  it('reads active.json bounded, and names the file and what is wrong where it cannot be used', async () => {
    const store = await mkdtemp(join(tmpdir(), 'lw-confirmed-bad-'));
    await mkdir(join(store, 'pump-1'));
    const file = join(store, 'pump-1', 'active.json');
    const cases: [string, string][] = [
      ['{"version": "1.1.0", "dir', `${file}: not JSON`],
      ['[1]', `${file}: not an object`],
      [' '.repeat(70_000), `${file}: 70000 bytes, over 65536`],
      [
        '{"version": "1.1.0", "dir": "/s/pump-1/1.1.0", "sequence": "1", "floor": {"sequence": 2, "version": "1.2.0"}}',
        `${file}: sequence: Invalid input: expected number, received string: the release it records is left out`,
      ],
    ];
    const read: unknown[] = [];
    for (const [text] of cases) {
      await writeFile(file, text);
      read.push(await readActiveJson(store, 'pump-1'));
    }
    expect(read).toEqual([
      { problem: cases[0][1] },
      { problem: cases[1][1] },
      { problem: cases[2][1] },
      { floor: { sequence: 2, version: '1.2.0' }, problem: cases[3][1] }, // the floor is kept
    ]);
  });
});
