/**
 * `linewatch eval` of a part model cuts the parts at the asset's window hold, as the gateway configured so cuts them:
 * --max-sample-age-ms, else the hold the model was trained at (its manifest's training.parts.window), else the window's
 * default (5000). Regression (hold-s40): eval's part path ignored --max-sample-age-ms, so a part the gateway at 316 ms
 * judges unknown (a 600 ms silence in it: a pause) was judged.
 */
import { cp, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pressRecordingCsv } from '../../src/training/press-dataset.js';
import { ROOT, runCli } from '../helpers/cli.js';

/** The recording with 2 polls of part `part` (its 9th and 10th rows) not recorded: about 600 ms with no row (few
 * enough points unread for the shipped model's floor to judge the part at the default hold). */
function withSilence(text: string, part: string): string {
  const [header, ...lines] = text.trimEnd().split('\n');
  const counter = header.split(',').indexOf('part_counter');
  const rows = lines.flatMap((line, i) => (line.split(',')[counter] === part ? [i] : []));
  const gone = new Set(rows.slice(8, 10));
  return `${[header, ...lines.filter((_, i) => !gone.has(i))].join('\n')}\n`;
}

describe('eval of a part model at the asset window hold', () => {
  it('judges the part across the silence unknown at a hold shorter than it, flag or manifest', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-eval-hold-'));
    const data = join(dir, 'data');
    await mkdir(data);
    const fault = { type: 'bad_press_fit', start_s: 120, severity: 0.5, ramp_s: 0 } as const;
    await writeFile(join(data, 'press.csv'), withSilence(pressRecordingCsv(33, 240, fault).text, '10'));
    const evalJson = async (model: string, flags: readonly string[] = []) => {
      const res = await runCli(['eval', '--model', model, '--data', data, '--train-rows', '0', '--json', ...flags]);
      expect(res.code, res.stderr).toBe(0);
      return JSON.parse(res.stdout) as { parts: number; confusion: { unknown: number } };
    };
    const shipped = join(ROOT, 'models/press-ae');
    const atDefault = await evalJson(shipped);
    expect(atDefault.confusion.unknown).toBe(0);
    const at316 = await evalJson(shipped, ['--max-sample-age-ms', '316']);
    expect(at316.confusion.unknown).toBe(1);
    expect(at316.parts).toBe(atDefault.parts - 1);

    // A model trained at 316 ms records it: eval cuts at it unasked; the flag still names the asset's.
    const model = join(dir, 'model');
    await cp(shipped, model, { recursive: true });
    const manifest = JSON.parse(await readFile(join(model, 'manifest.json'), 'utf8'));
    manifest.training.parts.window.max_sample_age_ms = 316;
    await writeFile(join(model, 'manifest.json'), JSON.stringify(manifest));
    expect((await evalJson(model)).confusion.unknown).toBe(1);
    expect((await evalJson(model, ['--max-sample-age-ms', '5000'])).confusion.unknown).toBe(0);
  });
});
