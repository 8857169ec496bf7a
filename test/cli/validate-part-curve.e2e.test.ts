/**
 * A part model `linewatch train` writes (normalisation part_curve: the good parts' mean curve, one value per point and
 * channel) passes `linewatch validate --model`, golden window included; a manifest whose mean curve has the wrong
 * shape or a value that is not a number is refused, the refusal naming the manifest field.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { MOULDING_CHANNELS, MOULDING_CUT_FLAGS, mouldingPartsCsv } from '../helpers/moulding-parts.js';

let dir: string;
let model: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lw-validate-part-curve-'));
  const csv = join(dir, 'moulder.csv');
  await writeFile(csv, mouldingPartsCsv({ parts: 160, seed: 5 }));
  model = join(dir, 'model');
  const res = await runCli(['train', '--csv', csv, '--epochs', '8', '--out', model, ...MOULDING_CUT_FLAGS]);
  expect(res.code, res.stderr).toBe(0);
}, 120_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The model folder copied with its manifest edited, validated. */
async function validateEdited(name: string, edit: (m: Record<string, any>) => string) {
  const copy = join(dir, name);
  await cp(model, copy, { recursive: true });
  const manifest = JSON.parse(await readFile(join(copy, 'manifest.json'), 'utf8'));
  await writeFile(join(copy, 'manifest.json'), edit(manifest));
  return runCli(['validate', '--model', copy]);
}

describe('validate --model on a part model normalised by the mean curve', () => {
  it('accepts the folder train wrote: its mean curve one value per point and channel, golden window as recorded', async () => {
    const manifest = JSON.parse(await readFile(join(model, 'manifest.json'), 'utf8'));
    expect(manifest.normalisation.method).toBe('part_curve');
    expect(manifest.normalisation.mean).toHaveLength(manifest.input.window_length * MOULDING_CHANNELS.length);
    const res = await runCli(['validate', '--model', model]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain('golden window scored as recorded');
  });

  it('refuses a mean curve of the wrong shape, naming normalisation.mean and the shape it needs', async () => {
    const res = await validateEdited('short', (m) => {
      m.normalisation.mean = m.normalisation.mean.slice(0, MOULDING_CHANNELS.length);
      return JSON.stringify(m);
    });
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain(
      `normalisation.mean: 4 values, expected ${32 * 4} (part_curve: one per point and channel, 32 × 4)`,
    );
  });

  it('refuses a mean curve with a value that is not a number (NaN written as null, an overflow), naming where', async () => {
    const nulled = await validateEdited('nan', (m) => {
      m.normalisation.mean[5] = Number.NaN;
      return JSON.stringify(m);
    });
    expect(nulled.code).not.toBe(0);
    expect(nulled.stderr).toContain(
      'manifest.json: normalisation.mean[5]: Invalid input: expected number, received null',
    );
    const overflow = await validateEdited('inf', (m) => JSON.stringify(m).replace('"mean":[', '"mean":[1e999,'));
    expect(overflow.code).not.toBe(0);
    expect(overflow.stderr).toContain(
      'manifest.json: normalisation.mean[0]: Invalid input: expected number, received Infinity',
    );
  });
});
