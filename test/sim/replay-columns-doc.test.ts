/**
 * docs/simulator.md says which SKAB column `simulate --replay` plays into which pump register and OPC UA node, and
 * which it drops: the table is the code's own mapping (SKAB_COLUMNS, SIM_REGISTERS), checked here row by row, and the
 * columns dropped are those of the repository's SKAB files that the mapping leaves out.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { csvDataColumns, isLabelColumn } from '../../src/core/csv-table.js';
import { SKAB_COLUMNS } from '../../src/sim/csv-replay.js';
import { PUMP_UNIT_ID, SIM_REGISTERS } from '../../src/sim/register-map.js';
import { registerCount } from '../../src/sources/modbus/encoding.js';
import { ROOT } from '../helpers/cli.js';

const DOC = readFileSync(join(ROOT, 'docs/simulator.md'), 'utf8');

/** The table's rows as the mapping gives them. */
function expectedRows(): string[] {
  return Object.entries(SKAB_COLUMNS).map(([column, channel]) => {
    const r = SIM_REGISTERS.find((reg) => reg.unit === PUMP_UNIT_ID && reg.name === channel);
    if (!r) throw new Error(`no pump register for ${channel}`);
    const n = registerCount(r.type);
    const address = n === 1 ? `${r.address}` : `${r.address}–${r.address + n - 1}`;
    return `| \`${column}\` | \`${channel}\` | ${address} | \`s=Pump1.${channel}\` |`;
  });
}

describe('docs/simulator.md: what --replay plays', () => {
  it('maps each SKAB column to the register and node the code writes it to', () => {
    const header = '| SKAB column | pump channel | unit 1 holding register | OPC UA node |';
    const at = DOC.indexOf(header);
    expect(at, 'the replay table').toBeGreaterThan(0);
    const rows = DOC.slice(at)
      .split('\n')
      .slice(2)
      .filter((_, i, all) => all.slice(0, i + 1).every((l) => l.startsWith('|')));
    expect(rows).toEqual(expectedRows());
  });

  it("names the columns of the repository's SKAB files that the replay drops", () => {
    const files = ['anomaly-free/anomaly-free.csv', 'valve1/1.csv', 'other/1.csv'];
    const columns = new Set(files.flatMap((f) => csvDataColumns(join(ROOT, 'data/skab', f))));
    const dropped = [...columns].filter((c) => !(c in SKAB_COLUMNS) && !isLabelColumn(c));
    expect(dropped).toEqual(['Thermocouple']);
    const line = DOC.split('\n').find((l) => l.startsWith('Dropped:'));
    for (const c of dropped) expect(line, c).toContain(`\`${c}\``);
  });
});
