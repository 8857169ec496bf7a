/**
 * What `train --csv FILE --cycle-channel NAME` refuses before it fits a part model: columns no gateway configuration
 * can name (the curves, and the cycle and part id columns the asset's window names), which train wrote with a note and
 * exit 0 before; and parts whose rows the file labels anomalous, which it learnt as good parts unasked, as `train
 * --csv` refuses labelled rows. Each refusal names what is wrong and the flags to add; nothing is written to --out.
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

  it('parts the rows label anomalous, naming how many, the first and --train-rows; --labels ignore learns them', async () => {
    const csv = join(dir, 'bad-press-fit.csv');
    // Ten minutes of the simulated press: a bad press-fit from 5 minutes on, its rows labelled in the anomaly column.
    await writeFile(
      csv,
      pressRecordingCsv(42, 600, { type: 'bad_press_fit', start_s: 300, severity: 0.5, ramp_s: 0 }).text,
    );
    const out = join(dir, 'labelled-model');
    const cut = ['--cycle-channel', 'cycle_active', '--part-id-channel', 'part_counter'];
    const refused = await runCli(['train', '--csv', csv, ...cut, '--out', out]);
    expect([refused.code, refused.stdout, refused.stderr]).toEqual([
      2,
      '',
      `linewatch: --csv ${csv}: 50 of the 99 parts to learn from have rows labelled anomalous (column anomaly; the ` +
        'first, part 50, starts at row 1501); a model would learn them as good parts, so nothing was fitted: train on ' +
        'the rows before it (--train-rows 1500), mark them NOK in a --part-labels table, or add --labels ignore if ' +
        'those parts are good after all\n',
    ]);
    expect(existsSync(out)).toBe(false);
    // The rows it names hold no labelled part: past the refusal (to the next: too few parts in 5 minutes).
    const before = await runCli(['train', '--csv', csv, ...cut, '--train-rows', '1500', '--out', out]);
    expect(before.stderr).not.toContain('labelled anomalous');
    expect(before.stderr).toContain('bad-press-fit.csv: 49 parts give');
    // Asked for, they are learnt as good parts, and said.
    const ignored = await runCli(['train', '--csv', csv, ...cut, '--labels', 'ignore', '--epochs', '1', '--out', out]);
    expect(ignored.code, ignored.stderr).toBe(0);
    expect(ignored.stderr).toContain(
      `${csv}: 50 of the 99 parts learnt from have rows labelled anomalous (column anomaly; the first, part 50, ` +
        'starts at row 1501) and are learnt as good parts (--labels ignore)\n',
    );
    // In the order things happen: the parts are cut, then learnt (the line saying so came first before).
    const lines = ignored.stderr.split('\n');
    const cutAt = lines.findIndex((l) => l.startsWith(`${csv}: 99 parts cut by cycle_active (flag)`));
    expect(cutAt, ignored.stderr).toBeGreaterThan(-1);
    expect(lines[cutAt + 1]).toBe(
      `${csv}: 50 of the 99 parts learnt from have rows labelled anomalous (column anomaly; the first, part 50, ` +
        'starts at row 1501) and are learnt as good parts (--labels ignore)',
    );
  });
});
