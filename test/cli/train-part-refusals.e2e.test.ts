/**
 * What `train --csv FILE --cycle-channel NAME` refuses before it fits a part model: columns no gateway configuration
 * can name (the curves, and the cycle and part id columns the asset's window names), which train wrote with a note and
 * exit 0 before. The refusal names each column and the --rename flags to add; nothing is written to --out.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { pressRecordingCsv } from '../../src/training/press-dataset.js';
import { runCli } from '../helpers/cli.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lw-train-part-refusals-'));
});

describe('train --cycle-channel refuses before fitting', () => {
  it('a curve and a cycle column no configuration can name, with the --rename flags to add', async () => {
    const csv = join(dir, 'spaced.csv');
    // Ten minutes of the simulated press's normal parts, two of its columns named as a historian might.
    const [header, ...rows] = pressRecordingCsv(41, 600).text.split('\n');
    await writeFile(
      csv,
      [header.replace('force', 'press force').replace('cycle_active', 'cycle active'), ...rows].join('\n'),
    );
    const out = join(dir, 'spaced-model');
    const cut = ['--cycle-channel', 'cycle active', '--part-id-channel', 'part_counter'];
    const res = await runCli(['train', '--csv', csv, ...cut, '--out', out]);
    expect([res.code, res.stdout, res.stderr]).toEqual([
      2,
      '',
      `linewatch: --csv ${csv}: a gateway configuration cannot name the channels "press force", "cycle active" ` +
        '(channel names are letters, digits, "_", "." and "-"), so no gateway could run the model; nothing was ' +
        "fitted: add --rename 'press force=press_force' --rename 'cycle active=cycle_active' to read those columns " +
        'under a name a configuration takes, or leave "press force" out with --channels\n',
    ]);
    expect(existsSync(out)).toBe(false);
  });
});
