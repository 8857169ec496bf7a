/**
 * What `linewatch export` says to do next: `train` with the flags that cut the asset's parts only where the CSV holds
 * their columns, and `eval` of the asset's model, not `train`, where the gateway raised an alarm or failed a part in
 * the exported stretch (such rows are no normal operation to train on). A real local store (the gateway's schema and
 * inserts) under the demo configuration; no gateway runs.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AlarmEvent, PartResult, Sample } from '../../src/core/types.js';
import { loadManifest } from '../../src/inference/manifest.js';
import { insertRows, openStoreDatabase, prepareStatements } from '../../src/sinks/local/store-tables.js';
import { ROOT, runCli } from '../helpers/cli.js';
import { writeDemoConfig } from '../helpers/demo-config-file.js';

const T0 = Date.UTC(2026, 11, 6, 9, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();
let dir: string;
let config: string;

/** 20 polls of each asset, 200 ms apart; the pump's alarm raised at poll 12, the press's part PRS-2 failed at 15. */
async function writeStore(path: string): Promise<void> {
  const pumpChannels = (await loadManifest(join(ROOT, 'models/pump-hybrid'))).manifest.input.channels.map(
    (c) => c.name,
  );
  const samples: Sample[] = [];
  for (let i = 0; i < 20; i++) {
    const ts = T0 + i * 200;
    for (const [k, channel] of pumpChannels.entries())
      samples.push({ source: 'pump-plc', asset: 'pump-1', channel, ts, value: k + i / 100, quality: 'good' });
    const press = { force: 10 + i, position: i, cycle_active: i % 10 < 6 ? 1 : 0 };
    for (const [channel, value] of Object.entries(press))
      samples.push({ source: 'press-plc', asset: 'press-1', channel, ts, value, quality: 'good' });
    const serial = `PRS-${Math.floor(i / 10) + 1}`;
    samples.push({
      source: 'press-plc',
      asset: 'press-1',
      channel: 'serial',
      ts,
      value: Number.NaN,
      quality: 'good',
      text: serial,
    });
  }
  const raised: AlarmEvent = {
    asset: 'pump-1',
    alarm: 'anomaly',
    priority: 'high',
    state: 'unack_active',
    previous: 'normal',
    ts: T0 + 12 * 200,
    cause: 'condition',
    conditionActive: true,
    score: 20,
    threshold: 8.6,
    topChannels: ['pressure'],
    message: 'pump-1: anomaly',
  };
  const failed: PartResult = {
    asset: 'press-1',
    partId: 'PRS-2',
    ts: T0 + 15 * 200,
    verdict: 'fail',
    score: 3,
    threshold: 1,
    topChannels: ['force'],
    model: 'press-ae',
  };
  const db = openStoreDatabase(path);
  const statements = prepareStatements(db);
  db.transaction(() =>
    insertRows(statements, { samples, scores: [], parts: [failed], alarms: [raised], holds: [], gaps: [] }),
  )();
  db.close();
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lw-export-next-'));
  config = await writeDemoConfig(dir);
  await writeStore(join(dir, 'store.db'));
});

async function exported(out: string, ...flags: string[]) {
  const res = await runCli(['export', '--config', config, ...flags, '--out', join(dir, out)]);
  expect(res.code, res.stderr).toBe(0);
  return res.stdout;
}

describe('linewatch export: the next step', () => {
  it('suggests train with the part cut where the stretch held no alarm and no failed part', async () => {
    const stdout = await exported('press-ok.csv', '--asset', 'press-1', '--to', iso(T0 + 14 * 200));
    expect(stdout).toContain(
      `\n  next: linewatch train --csv ${join(dir, 'press-ok.csv')} --cycle-channel cycle_active --part-id-channel serial --out MODEL_DIR\n`,
    );
  });

  it('names no cut column --channels left out of the CSV (train would refuse it), and says what is missing', async () => {
    const stdout = await exported(
      'press-curves.csv',
      '--asset',
      'press-1',
      '--to',
      iso(T0 + 14 * 200),
      '--channels',
      'force,position',
    );
    expect(stdout).toContain(
      `\n  next: linewatch train --csv ${join(dir, 'press-curves.csv')} --out MODEL_DIR  (press-1 cuts parts by ` +
        'cycle_active, which --channels left out: name it there for a part model)\n',
    );
    const noSerial = await exported(
      'press-no-id.csv',
      '--asset',
      'press-1',
      '--to',
      iso(T0 + 14 * 200),
      '--channels',
      'force,position,cycle_active',
    );
    expect(noSerial).toContain(
      `\n  next: linewatch train --csv ${join(dir, 'press-no-id.csv')} --cycle-channel cycle_active --out MODEL_DIR\n`,
    );
  });

  it("suggests eval of the asset's model, not train, where the gateway raised an alarm in the stretch", async () => {
    const stdout = await exported('pump-fault.csv', '--asset', 'pump-1');
    expect(stdout).toContain(
      `\n  the gateway raised 1 alarm(s) on pump-1 in these rows (the first at ${iso(T0 + 12 * 200)}): not the normal ` +
        'operation train learns from (export a stretch without them for that)' +
        `\n  next: linewatch eval --model ${join(ROOT, 'models/pump-hybrid')} --data ${join(dir, 'pump-fault.csv')} ` +
        "--anomaly FROM/TO  (the fault's start and end, as the log or the operator noted them)\n",
    );
    expect(stdout).not.toContain('linewatch train');
    // The stretch before the alarm is normal operation: train.
    const before = await exported('pump-normal.csv', '--asset', 'pump-1', '--to', iso(T0 + 11 * 200));
    expect(before).toContain(`\n  next: linewatch train --csv ${join(dir, 'pump-normal.csv')} --out MODEL_DIR\n`);
  });

  it('says so of a part the gateway failed in the stretch', async () => {
    const stdout = await exported('press-fault.csv', '--asset', 'press-1');
    expect(stdout).toContain(
      `\n  the gateway failed 1 part(s) on press-1 in these rows (the first at ${iso(T0 + 15 * 200)}): not the normal`,
    );
    const next = `linewatch eval --model ${join(ROOT, 'models/press-ae')} --data ${join(dir, 'press-fault.csv')} --part-labels RESULTS.csv --cycle-channel cycle_active --part-id-channel serial`;
    expect(stdout).toContain(
      `\n  next: ${next}  (RESULTS.csv: the quality system's OK/NOK of each part by its serial)\n`,
    );
    expect(stdout).not.toContain('--anomaly');
    // The step runs as printed, with the quality system's table in place of RESULTS.csv (the asset's cut, whatever the
    // model records).
    const table = join(dir, 'results.csv');
    await writeFile(table, 'serial,result\nPRS-1,OK\nPRS-2,NOK\n');
    const args = next
      .replace(/^linewatch /, '')
      .replace('RESULTS.csv', table)
      .split(' ');
    const res = await runCli(args);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain('1 parts (1 bad)');
  });
});
