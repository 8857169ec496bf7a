/**
 * `linewatch train` says when it found most channels slow (their level moving more across the training rows than
 * within a window: a short recording's own drift, often), what that does to detection and what to do; and
 * `--slow-channels none` names no channel slow.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/core/random.js';
import { runCli } from '../helpers/cli.js';

/** 600 rows a second apart of four channels that wander (random walks): every channel's level moves over the span. */
function wandering(): string {
  const rng = new SeededRandom(5);
  const random = () => rng.next();
  const level = [0, 0, 0, 0];
  const lines = ['timestamp,a,b,c,d'];
  for (let i = 0; i < 600; i++) {
    for (let j = 0; j < 4; j++) level[j] += random() - 0.5;
    lines.push(
      `${1_764_900_000_000 + i * 1000},${level.map((v, j) => (v + 0.05 * (random() - 0.5) + j).toFixed(4)).join(',')}`,
    );
  }
  return lines.join('\n');
}

describe('linewatch train and slow channels', () => {
  it('says when most channels were found slow, and --slow-channels none names none', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-slow-'));
    const csv = join(dir, 'wandering.csv');
    await writeFile(csv, wandering());
    const found = await runCli(['train', '--csv', csv, '--arch', 'stats', '--out', join(dir, 'found')]);
    expect(found.code).toBe(0);
    const said = `${found.stdout}${found.stderr}`;
    expect(said).toMatch(/slow channels a, b, c, d;/);
    expect(said).toMatch(
      /most channels \(4 of 4\) were found slow: their level moves more across the training rows than within a window, so each is scored on its change over \d+ rows, not on its level/,
    );
    // The way out says what each form of the flag does, not a cryptic "(none: no channel)".
    expect(said).toContain(
      'or name the channels that drift with --slow-channels a,b (--slow-channels none: every channel is scored on ' +
        'its level, none on its change)\n',
    );
    const none = await runCli([
      'train',
      '--csv',
      csv,
      '--arch',
      'stats',
      '--slow-channels',
      'none',
      '--out',
      join(dir, 'none'),
    ]);
    expect(none.code).toBe(0);
    expect(`${none.stdout}${none.stderr}`).toMatch(/slow channels none;/);
    expect(`${none.stdout}${none.stderr}`).not.toContain('were found slow');
    const manifest = JSON.parse(await readFile(join(dir, 'none', 'manifest.json'), 'utf8'));
    expect(JSON.stringify(manifest)).toContain('"slow_channels":"given: none"');
  }, 60_000);
});
