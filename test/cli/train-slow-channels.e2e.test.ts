/**
 * `linewatch train` says when it found most channels slow (their level moving more across the training rows than
 * within a window: a short recording's own drift, often), what that does to detection and what to do; and
 * `--slow-channels none` names no channel slow. Where the rows hold the machine's stops, it names --running-when.
 *
 * Regression (newcomer's walk, 2026-12-07): a pump skid recorded with a stop every 5 minutes, trained without
 * --running-when, had all 7 channels found slow and was told only that "on a short recording that may be the
 * recording's own drift": the stops made them slow, and --running-when was the way out.
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

/** 900 rows a second apart of a pump that stops for 45 rows every 300 (its `running` bit 0): three channels near 0
 * while stopped, wandering around their running levels otherwise (so that they are slow in the running rows too, and
 * train says so there, without naming --running-when again). */
function stopping(): string {
  const rng = new SeededRandom(9);
  const lines = ['timestamp,running,flow,pressure,current'];
  const walk = [0, 0, 0];
  for (let i = 0; i < 900; i++) {
    const running = i % 300 < 255 ? 1 : 0;
    for (let j = 0; j < 3; j++) walk[j] += 0.01 * (rng.next() - 0.5);
    const noise = () => 0.002 * (rng.next() - 0.5);
    const [flow, pressure, current] = [42, 5.2, 30].map((v, j) =>
      running ? v * (1 + walk[j] + noise()) : 0.01 * rng.next(),
    );
    lines.push(
      `${1_764_900_000_000 + i * 1000},${running},${flow.toFixed(3)},${pressure.toFixed(3)},${current.toFixed(3)}`,
    );
  }
  return lines.join('\n');
}

describe('linewatch train and slow channels', () => {
  it("names --running-when where the machine's stops made the channels slow, and not once it is given", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lw-slow-stops-'));
    const csv = join(dir, 'stops.csv');
    await writeFile(csv, stopping());
    const plain = await runCli(['train', '--csv', csv, '--arch', 'stats', '--out', join(dir, 'plain')]);
    expect(plain.code, plain.stderr).toBe(0);
    expect(`${plain.stdout}${plain.stderr}`).toContain(
      "; where the machine stopped in the recording, its stops move every channel's level: learn only the rows " +
        "where it runs with --running-when (a run bit or mode, 'running=1', or a speed, 'speed>100')\n",
    );
    const running = await runCli([
      'train',
      '--csv',
      csv,
      '--arch',
      'stats',
      '--running-when',
      'running=1',
      '--out',
      join(dir, 'running'),
    ]);
    expect(running.code, running.stderr).toBe(0);
    const said = `${running.stdout}${running.stderr}`;
    expect(said).toContain('most channels (3 of 3) were found slow');
    expect(said).not.toContain('--running-when (a run bit');
  }, 60_000);

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
        'its level, none on its change); where the machine stopped',
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
