/**
 * `linewatch validate --config` with signed model updates says which model each asset would start with, chosen from
 * the release store as a start chooses it, and what a start would say about the store: a damaged confirmed update
 * (and what runs instead), a crash during a release's probation. It writes nothing there. Real signed releases of the
 * shipped pump-ae, the CLI in a child process.
 */
import { mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { activeJsonValue, nextActiveFile } from '../../src/sync/confirmed-release.js';
import { markProbation } from '../../src/sync/interrupted-probation.js';
import { generateKeys } from '../../src/sync/release.js';
import { ROOT, runCli } from '../helpers/cli.js';
import { storedRelease } from '../helpers/model-releases.js';

const CHANNELS = ['vibration_1', 'vibration_2', 'motor_current', 'voltage', 'pressure', 'temperature', 'flow'];

/** A gateway folder: keys, a store, and a config whose pump-1 runs pump-ae with signed updates from that store. */
async function gateway(): Promise<{ dir: string; store: string; config: string; privatePath: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'lw-validate-store-'));
  const keys = await generateKeys(join(dir, 'keys'));
  const store = join(dir, 'store');
  const config = join(dir, 'gw.yaml');
  await writeFile(
    config,
    [
      `data_dir: ${join(dir, 'data')}`,
      'sources:',
      '  - name: plc',
      '    type: modbus_tcp',
      '    host: 127.0.0.1',
      '    port: 5020',
      '    unit_id: 1',
      '    asset: pump-1',
      '    poll_interval_ms: 200',
      '    registers:',
      ...CHANNELS.map((c, i) => `      - { channel: ${c}, address: ${i * 2}, type: float32 }`),
      'assets:',
      `  - { name: pump-1, model: ${join(ROOT, 'models/pump-ae')} }`,
      'storage: { local: {} }',
      'cloud:',
      '  model_updates:',
      `    public_key_file: ${keys.publicPath}`,
      '    mqtt: false',
      '    poll_url: http://127.0.0.1:9/notice.json',
      `    store_dir: ${store}`,
      '',
    ].join('\n'),
  );
  return { dir, store, config, privatePath: keys.privatePath };
}

describe('linewatch validate --config with signed model updates', () => {
  it('names the configured model where the store holds no confirmed update, and says nothing more', async () => {
    const g = await gateway();
    const res = await runCli(['validate', '--config', g.config]);
    expect(res.stderr).toBe('');
    expect(res.stdout).toBe(
      `${g.config}: OK (1 source(s), 7 tag(s), 1 asset(s) with models: pump-1=pump-ae@1.0.0+seed7)\n`,
    );
    expect(res.code).toBe(0);
  });

  // Before: an active.json that was no active.json was taken as none, said nowhere.
  it('says an active.json that cannot be used, naming the file and what is wrong', async () => {
    const g = await gateway();
    await mkdir(join(g.store, 'pump-1'), { recursive: true });
    const file = join(g.store, 'pump-1', 'active.json');
    await writeFile(file, '{"version": "1.2.0", "dir');
    const res = await runCli(['validate', '--config', g.config]);
    expect([res.stdout, res.stderr]).toEqual([
      `${g.config}: OK (1 source(s), 7 tag(s), 1 asset(s) with models: pump-1=pump-ae@1.0.0+seed7)\n`,
      `linewatch: warning: asset pump-1: ${file}: not JSON; no confirmed model update is taken from it\n`,
    ]);
  });

  it('names the confirmed update a start would run, and a damaged newer one with what runs instead', async () => {
    const g = await gateway();
    const older = await storedRelease(g.store, g.privatePath, '1.1.0', 1);
    let res = await runCli(['validate', '--config', g.config]);
    // Not yet confirmed: the configured model.
    expect(res.stdout).toContain('pump-1=pump-ae@1.0.0+seed7)');
    await writeFile(join(g.store, 'pump-1', 'active.json'), JSON.stringify(nextActiveFile(older, undefined)));
    res = await runCli(['validate', '--config', g.config]);
    expect(res.stdout).toContain(`pump-1=pump-ae@1.1.0 (confirmed update, ${older.dir}))`);
    expect(res.stderr).toBe(
      `linewatch: note: asset pump-1: running the confirmed model update pump-ae 1.1.0 from ${older.dir}\n`,
    );
    const newest = await storedRelease(g.store, g.privatePath, '1.2.0', 2);
    await writeFile(join(g.store, 'pump-1', 'active.json'), JSON.stringify(nextActiveFile(newest, { ...older })));
    await writeFile(join(newest.dir, 'manifest.sig'), 'AAAA'); // a damaged disk
    const before = await readdir(join(g.store, 'pump-1'));
    res = await runCli(['validate', '--config', g.config]);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(`pump-1=pump-ae@1.1.0 (confirmed update, ${older.dir}))`);
    expect(res.stderr).toContain(
      `linewatch: warning: asset pump-1: the confirmed model update 1.2.0 in ${newest.dir} does not verify or load ` +
        `any more: release ${newest.dir}: the signature does not verify against the configured public key: the manifest changed since it was signed, or another key signed it\n`,
    );
    expect(res.stderr).toContain('running the earlier confirmed model update pump-ae 1.1.0');
    // validate writes nothing: no record, mark or folder changes.
    expect(await readdir(join(g.store, 'pump-1'))).toEqual(before);
  }, 60_000);

  it("says why the configured model runs after an operator's local rollback, and the sequence floor it left", async () => {
    const g = await gateway();
    await mkdir(join(g.store, 'pump-1'), { recursive: true });
    const active = join(g.store, 'pump-1', 'active.json');
    // What a local rollback from 1.2.0 (sequence 2), with no earlier release left, writes.
    const rollback = { version: '1.2.0', at: '2026-12-06T05:00:00.000Z', by: 'j.doe' };
    await writeFile(active, JSON.stringify(activeJsonValue({ floor: { sequence: 2, version: '1.2.0' }, rollback })));
    const res = await runCli(['validate', '--config', g.config]);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('pump-1=pump-ae@1.0.0+seed7)');
    expect(res.stderr).toBe(
      'linewatch: note: asset pump-1: running the configured model pump-ae 1.0.0+seed7: j.doe rolled back 1.2.0 at ' +
        '2026-12-06T05:00:00.000Z (POST /api/models/pump-1/rollback), 1.2.0 is not applied again\n' +
        `linewatch: note: asset pump-1: a release must carry a release_sequence above 2, the sequence floor ${active} ` +
        "keeps: 1.2.0 was confirmed with it before an operator's local rollback, so no older signed release is taken " +
        'again\n',
    );
  });

  it('says that the gateway ended during a probation, and what the next start will do about it', async () => {
    const g = await gateway();
    await mkdir(join(g.store, 'pump-1'), { recursive: true });
    // A first probation of 1.3.0 (no end before it), and the gateway killed during it.
    await markProbation(g.store, 'pump-1', { model: 'pump-ae', version: '1.3.0', interrupted: 0 });
    let res = await runCli(['validate', '--config', g.config]);
    expect(res.code).toBe(0);
    expect(res.stderr).toBe(
      'linewatch: warning: asset pump-1: the gateway ended without stopping (a crash, a kill, power lost) while ' +
        'pump-ae 1.3.0 was being loaded or on probation: the next start says so, and rolls it back for good if that ' +
        'happens 2 times in a row\n',
    );
    // Its second probation, after one such end, ended so too: the start counts the second and rolls it back.
    await markProbation(g.store, 'pump-1', { model: 'pump-ae', version: '1.3.0', interrupted: 1 });
    res = await runCli(['validate', '--config', g.config]);
    expect(res.stderr).toContain(
      'pump-ae 1.3.0 was being loaded or on probation: the next start rolls it back for good (2 ends in a row)',
    );
    // The mark is read, not taken: the start still finds it.
    expect(JSON.parse(await readFile(join(g.store, 'pump-1', 'probation.json'), 'utf8'))).toEqual({
      model: 'pump-ae',
      version: '1.3.0',
      interrupted: 1,
    });
  });

  it('says nothing of a mark left while its release was being confirmed, and no control character of a hostile one', async () => {
    const g = await gateway();
    const confirmed = await storedRelease(g.store, g.privatePath, '1.1.0', 1);
    await writeFile(join(g.store, 'pump-1', 'active.json'), JSON.stringify(nextActiveFile(confirmed, undefined)));
    await markProbation(g.store, 'pump-1', { model: 'pump-ae', version: '1.1.0', interrupted: 0 });
    let res = await runCli(['validate', '--config', g.config]);
    expect(res.stderr).not.toContain('ended without stopping');
    await markProbation(g.store, 'pump-1', { model: 'pump-ae', version: '9\n\u001b[31mlinewatch: OK', interrupted: 0 });
    res = await runCli(['validate', '--config', g.config]);
    expect(res.stderr).toContain('pump-ae 9\\n\\u001b[31mlinewatch: OK was being loaded');
    expect(res.stderr).not.toContain('\u001b');
    expect(res.stderr.trimEnd().split('\n')).toHaveLength(2);
  }, 60_000);
});
