/**
 * `linewatch eval` judges a part read at too few of its points unknown, by the gateway's rule (core/points-read.ts):
 * with a part model whose manifest records its floor (score.min_read_points), a part whose rows stop for most of its
 * cycle (a stall, no read failed) is counted as no verdict, not as a pass or a fail; the same folder without the
 * field (a model trained before 2026-12-08) judges it as before.
 */
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeModelFolder } from '../../src/training/model-folder.js';
import { pressRecordingCsv } from '../../src/training/press-dataset.js';
import { runCli } from '../helpers/cli.js';
import { fitPressParts } from '../helpers/press-part-model.js';

/** The recording with 15 of part `stalled`'s 20 rows in its cycle taken out after its 3rd (a stall of about 3.2 s,
 * under a pause's 5 s; its start and end still read, so about 5 of its 32 points), and the 10th and 11th of part
 * `gap`'s. */
function withStallAndGap(text: string, stalled: string, gap: string): string {
  const [header, ...lines] = text.trimEnd().split('\n');
  const counter = header.split(',').indexOf('part_counter');
  const rowsOf = new Map<string, number[]>();
  lines.forEach((line, i) =>
    rowsOf.set(line.split(',')[counter], [...(rowsOf.get(line.split(',')[counter]) ?? []), i]),
  );
  const s = rowsOf.get(stalled)!;
  const g = rowsOf.get(gap)!;
  const gone = new Set([...s.slice(3, 18), g[9], g[10]]);
  return `${[header, ...lines.filter((_, i) => !gone.has(i))].join('\n')}\n`;
}

describe('eval on parts read at too few of their points', () => {
  it('counts a part under the model’s floor as no verdict; a part with a small gap is judged', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-eval-floor-'));
    const { fitted } = await fitPressParts();
    const model = join(dir, 'model');
    await writeModelFolder(model, fitted);
    const data = join(dir, 'data');
    await mkdir(data);
    const fault = { type: 'bad_press_fit', start_s: 120, severity: 0.5, ramp_s: 0 } as const;
    await writeFile(join(data, 'press.csv'), withStallAndGap(pressRecordingCsv(33, 240, fault).text, '20', '30'));
    const evalJson = async () => {
      const res = await runCli(['eval', '--model', model, '--data', data, '--train-rows', '0', '--json']);
      expect(res.code, res.stderr).toBe(0);
      return JSON.parse(res.stdout).perFile[0];
    };
    const floored = await evalJson();
    const floor = fitted.manifest.score.min_read_points!;
    expect(floored).toMatchObject({ min_read_points: floor, below_min_read_points: 1 });

    // The same model without its floor, as one trained before it: every part judged.
    const manifest = JSON.parse(await readFile(join(model, 'manifest.json'), 'utf8'));
    delete manifest.score.min_read_points;
    await writeFile(join(model, 'manifest.json'), JSON.stringify(manifest));
    const before = await evalJson();
    expect(before).not.toHaveProperty('min_read_points');
    expect(before.parts).toBe(floored.parts + 1);
    expect(before.confusion.unknown).toBe(floored.confusion.unknown - 1);
  });
});
