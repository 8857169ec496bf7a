/**
 * writeModelFolder writes each file through `<file>.partial`; a link left there (train-options' checkOut lets
 * `.partial` leftovers stay, a crash's or planted) must be replaced, not written through (adversarial review, s33).
 */
import { mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { ModelManifest } from '../../src/inference/manifest.js';
import { writeModelFolder } from '../../src/training/model-folder.js';

it('does not write through a link left at manifest.json.partial', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lw-model-partial-'));
  const victim = join(dir, 'victim');
  await writeFile(victim, 'victim\n');
  const out = join(dir, 'model');
  await writeModelFolder(out, {
    manifest: { file: 'model.onnx' } as ModelManifest,
    int8: new Uint8Array(4),
    fp32: new Uint8Array(4),
  });
  await symlink(victim, join(out, 'manifest.json.partial'));
  await writeModelFolder(out, {
    manifest: { file: 'model.onnx' } as ModelManifest,
    int8: new Uint8Array(4),
    fp32: new Uint8Array(4),
  });
  expect(await readFile(victim, 'utf8')).toBe('victim\n');
});
