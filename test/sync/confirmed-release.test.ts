/**
 * The confirmed releases a restart chooses from (`<store>/<asset>/active.json`): the newest that verifies, why each
 * newer one was passed over, the history kept when a release is confirmed, and a record naming a folder outside the
 * asset's store folder refused unread. Real signed releases (the shipped pump-ae, signed with a fresh key).
 */
import { cp, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  EARLIER_KEPT,
  nextActiveFile,
  readConfirmedRelease,
  type ConfirmedRecord,
} from '../../src/sync/confirmed-release.js';
import { generateKeys, readPublicKeys, signRelease } from '../../src/sync/release.js';
import { loadManifest, type ModelManifest } from '../../src/inference/manifest.js';
import { ROOT } from '../helpers/cli.js';

let keys: KeyObject[];
let privatePath: string;
let configured: ModelManifest;

beforeAll(async () => {
  const k = await generateKeys(await mkdtemp(join(tmpdir(), 'lw-confirmed-keys-')));
  privatePath = k.privatePath;
  keys = await readPublicKeys(k.publicPath);
  configured = (await loadManifest(join(ROOT, 'models/pump-ae'))).manifest;
});

/** A signed release of pump-ae as `version`, stored at `<store>/pump-1/<version>`; its record. */
async function storeSigned(store: string, version: string, sequence: number): Promise<ConfirmedRecord> {
  const dir = join(store, 'pump-1', version);
  await cp(join(ROOT, 'models/pump-ae'), dir, { recursive: true });
  const m = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
  await writeFile(join(dir, 'manifest.json'), JSON.stringify({ ...m, version }));
  await signRelease(dir, privatePath, sequence);
  return { version, dir, sequence, sha256: m.sha256 };
}

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

  it('runs the newest that verifies, saying why each newer one does not', async () => {
    const store = await mkdtemp(join(tmpdir(), 'lw-confirmed-'));
    const older = await storeSigned(store, '1.1.0', 1);
    const newest = await storeSigned(store, '1.2.0', 2);
    await writeFile(join(newest.dir, 'manifest.sig'), 'AAAA'); // damaged signature
    await writeFile(join(store, 'pump-1', 'active.json'), JSON.stringify(nextActiveFile(newest, { ...older })));
    const found = await readConfirmedRelease(store, 'pump-1', configured, keys, load);
    expect(found.ok).toEqual({ value: '1.1.0', dir: older.dir, version: '1.1.0', newest: false });
    expect(found.refused).toEqual([
      {
        dir: newest.dir,
        version: '1.2.0',
        reason: `release ${newest.dir}: the signature does not verify against the configured public key`,
      },
    ]);
  });

  it('passes over a release that verifies but does not load, to the one before it', async () => {
    const store = await mkdtemp(join(tmpdir(), 'lw-confirmed-'));
    const older = await storeSigned(store, '1.1.0', 1);
    const newest = await storeSigned(store, '1.2.0', 2);
    await writeFile(join(store, 'pump-1', 'active.json'), JSON.stringify(nextActiveFile(newest, { ...older })));
    const refuse120 = async (l: { manifest: ModelManifest }) => {
      if (l.manifest.version === '1.2.0') throw new Error('no session: out of memory');
      return l.manifest.version;
    };
    const found = await readConfirmedRelease(store, 'pump-1', configured, keys, refuse120);
    expect([found.ok?.value, found.refused.map((r) => r.reason)]).toEqual(['1.1.0', ['no session: out of memory']]);
  });

  it("refuses unread a record whose folder is not in the asset's store folder", async () => {
    const store = await mkdtemp(join(tmpdir(), 'lw-confirmed-'));
    const elsewhere = await storeSigned(await mkdtemp(join(tmpdir(), 'lw-elsewhere-')), '1.1.0', 1);
    await mkdir(join(store, 'pump-1'), { recursive: true });
    await writeFile(join(store, 'pump-1', 'active.json'), JSON.stringify(nextActiveFile(elsewhere, undefined)));
    const found = await readConfirmedRelease(store, 'pump-1', configured, keys, load);
    expect(found.ok).toBeUndefined();
    expect(found.refused).toEqual([
      {
        dir: elsewhere.dir,
        version: '1.1.0',
        reason: `its folder is not in the asset's store folder ${join(store, 'pump-1')}`,
      },
    ]);
    expect(found.newest).toMatchObject({ version: '1.1.0' });
  });

  it('finds nothing where nothing was confirmed, or active.json is not a record', async () => {
    const store = await mkdtemp(join(tmpdir(), 'lw-confirmed-'));
    expect(await readConfirmedRelease(store, 'pump-1', configured, keys, load)).toEqual({ refused: [] });
    await mkdir(join(store, 'pump-1'));
    await writeFile(join(store, 'pump-1', 'active.json'), '{"dir": 7}');
    expect(await readConfirmedRelease(store, 'pump-1', configured, keys, load)).toEqual({ refused: [] });
  });
});
