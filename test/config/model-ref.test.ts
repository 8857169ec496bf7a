/**
 * A model reference that names nothing is named with the model folder it likely misspells: beside where it points,
 * written as the user wrote the path, found by reading a bounded number of that folder's names and no link.
 */
import { cp, mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { missingModelHint, modelFoldersNear } from '../../src/config/model-ref.js';
import { ConfigError } from '../../src/core/errors.js';
import { ROOT } from '../helpers/cli.js';

const SHIPPED = 'nor a shipped model (press-ae, pump-ae, pump-conv-ae, pump-hybrid)';

/** A folder holding `models/<name>/manifest.json` for each name given (the hint looks for no more than that). */
async function modelsFolder(...names: string[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lw-model-ref-'));
  for (const name of names) {
    await mkdir(join(dir, 'models', name), { recursive: true });
    await writeFile(join(dir, 'models', name, 'manifest.json'), '{}');
  }
  return dir;
}

describe('missingModelHint', () => {
  // Regression: `model: ./models/pump-hybird` beside ./models/pump-hybrid/ was named with nothing to try.
  it('names the model folder beside a mistyped path, as the path was written', async () => {
    const dir = await modelsFolder('pump-hybrid', 'press-line-2');
    expect(missingModelHint(dir, './models/pump-hybird')).toBe('; did you mean ./models/pump-hybrid?');
    expect(missingModelHint(dir, 'models/pump-hybird/')).toBe('; did you mean models/pump-hybrid?');
    expect(missingModelHint(join(dir, 'models'), 'press-line2')).toBe(
      `, ${SHIPPED}: did you mean press-line-2 (${join(dir, 'models', 'press-line-2')})?`,
    );
    expect(missingModelHint(dir, `${dir}/models/press-lien-2`)).toBe(`; did you mean ${dir}/models/press-line-2?`);
    // A bare name: the shipped model it misspells, as before; no folder near: nothing to try.
    expect(missingModelHint(dir, 'pump-hybird')).toBe(`, ${SHIPPED}: did you mean pump-hybrid?`);
    expect(missingModelHint(dir, './models/conveyor')).toBe('');
    expect(missingModelHint(join(dir, 'nowhere'), './models/pump-hybird')).toBe('');
    // Where a bare name names no shipped model (quantize --model): the folder only.
    expect(missingModelHint(join(dir, 'models'), 'pump-hybird', false)).toBe('; did you mean pump-hybrid?');
  });

  it('offers no folder without a manifest.json, nor one reached by a link', async () => {
    const dir = await modelsFolder();
    await mkdir(join(dir, 'models', 'pump-hybrid'), { recursive: true });
    await writeFile(join(dir, 'models', 'pump-hybrid', 'notes.txt'), 'not a model');
    const elsewhere = await modelsFolder('pump-line');
    await symlink(join(elsewhere, 'models', 'pump-line'), join(dir, 'models', 'pump-lines'));
    expect(missingModelHint(dir, './models/pump-hybird')).toBe('');
    expect(missingModelHint(dir, './models/pump-linez')).toBe('');
    expect(modelFoldersNear(join(elsewhere, 'models'), 'pump-linez')).toEqual(['pump-line']);
  });

  it('reads no more than its bound of names from a folder', async () => {
    const names = Array.from(
      { length: 40 },
      (_, i) => `pump-${String.fromCharCode(97 + (i % 26))}${i < 26 ? 'x' : 'y'}`,
    );
    const dir = await modelsFolder(...names);
    // Each of the 40 is two edits or fewer from pump-zz, near enough; a bound of 5 reads 5 names, whichever come first.
    expect(modelFoldersNear(join(dir, 'models'), 'pump-zz')).toHaveLength(40);
    expect(modelFoldersNear(join(dir, 'models'), 'pump-zz', 5)).toHaveLength(5);
  });

  it("is what a configuration's error adds, at the asset's model path", async () => {
    const dir = await modelsFolder();
    await cp(join(ROOT, 'models/pump-hybrid'), join(dir, 'models', 'pump-hybrid'), { recursive: true });
    const text = [
      'sources:',
      '  - { name: plc, type: modbus_tcp, host: 127.0.0.1, asset: pump-1, registers: [{ channel: flow, address: 0, type: float32 }] }',
      'assets:',
      '  - { name: pump-1, model: ./models/pump-hybird }',
    ].join('\n');
    const refused = await parseConfig(text, join(dir, 'gateway.yaml'), {}).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(ConfigError);
    expect((refused as ConfigError).issues).toEqual([
      `assets[0].model: model ${join(dir, 'models', 'pump-hybird')}: no such file or directory; did you mean ./models/pump-hybrid?`,
    ]);
  });
});
